package dev.migrationpanel.dreamfactory;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongPredicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.migrationpanel.product.ProductSteps;
import dev.migrationpanel.artifact.Artifact;
import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.database.TableFingerprints;
import dev.migrationpanel.instance.CheckItem;
import dev.migrationpanel.instance.CheckStatus;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.job.FlowService;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.job.JobStep;
import dev.migrationpanel.job.StepStatus;
import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.remote.SshSession;

/**
 * The migration's faults for real on the lab's OpenSSH and MariaDB: the SSH connection killed (its sshd
 * child) while the source's dump runs and while the dump travels to the target, and a target whose disk is
 * too small (a real 4 KiB tmpfs over its staging directory). Each: one clear line, the source untouched
 * (its table checksums), the target backed up before it changed, the job resumed from the failed step.
 */
@SpringBootTest
@Isolated // kills the lab users' sshd sessions, which every other lab test uses
class MajorMigrationFaultsLabIT extends LabFlowTestSupport {

    @Autowired
    MigrationPreflight preflight;

    final Lab lab = Lab.get();
    Instance source;
    Instance target;

    @BeforeEach
    void setUp() {
        source = register("ms-mariadb");
        target = register("mt-mariadb");
    }

    @AfterEach
    void tearDown() throws Exception {
        new ProcessBuilder("umount", "-l", stagingDir()).start().waitFor();
    }

    private Instance register(String labInstance) {
        return register(labInstance, "ecdsa", true);
    }

    private String stagingDir() {
        return lab.property("ssh.dftarget.home") + "/" + ProductSteps.WORK_DIR;
    }

    private Job start(String transfer) {
        return start(DreamFactoryMigrationFlow.ID, source.getId(), Map.of("target", String.valueOf(target.getId()),
                "transfer", transfer));
    }

    private Job await(long jobId) throws InterruptedException {
        return await(jobId, Duration.ofMinutes(5));
    }

    /** Waits until the step whose title starts so is running and its moved bytes satisfy {@code bytes}. */
    private void waitForStep(long jobId, String title, LongPredicate bytes) throws InterruptedException {
        long until = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < until) {
            Map<String, Object> row = jdbc.queryForList("select status, bytes_done from job_step where job_id = ? and "
                    + "title like ? order by position", jobId, title + "%").stream().findFirst().orElse(Map.of());
            Number done = (Number) row.get("bytes_done");
            if ("RUNNING".equals(row.get("status")) && bytes.test(done == null ? 0 : done.longValue())) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("step '" + title + "' of job " + jobId + " never ran as expected");
    }

    private static void cutSsh(String user) throws Exception {
        new ProcessBuilder("pkill", "-KILL", "-f", "^sshd: " + user).inheritIO().start().waitFor();
    }

    private Object sourceTables() throws Exception {
        Lab.LabInstance li = lab.instance("ms-mariadb");
        try (Connection c = DriverManager.getConnection(li.jdbcUrl(), li.dbUsername(), li.dbPassword())) {
            return TableFingerprints.of(c);
        }
    }

    private String sourceEnv() {
        try (SshSession ssh = connections.openSsh(source)) {
            return ssh.run("sha256sum '" + source.getInstallPath() + "/.env'", Duration.ofSeconds(30)).stdout();
        }
    }

    private static JobStep streamStep(Job job) {
        return job.getSteps().stream().filter(s -> s.getTitle().equals(DreamFactoryMigrationFlow.STREAM_TITLE))
                .findFirst().orElseThrow();
    }

    private static JobStep failedStep(Job job) {
        return job.getSteps().stream().filter(s -> s.getStatus() == StepStatus.FAILED).findFirst().orElseThrow();
    }

    /** About 100 MB of system data, so that the dump and the transfer last long enough to be cut. */
    private void growSource() throws Exception {
        Lab.LabInstance li = lab.instance("ms-mariadb");
        try (Connection c = DriverManager.getConnection(li.jdbcUrl(), li.dbUsername(), li.dbPassword());
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE zz_bulk (id INTEGER PRIMARY KEY, payload TEXT)");
            st.execute("INSERT INTO zz_bulk SELECT seq, REPEAT(MD5(seq), 8) FROM seq_1_to_400000");
        }
    }

    /** The job resumed once more ends with a passing proof, the source as it was, both dumps stored. */
    private void resumedToAPassingProof(Job job, Object tablesBefore, String envBefore) throws Exception {
        jobs.resume(job.getId(), null);
        Job done = await(job.getId());
        assertThat(done.getStatus()).as(done.getMessage()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.getSteps()).filteredOn(s -> s.getTitle().equals(DreamFactoryMigrationFlow.PROOF_TITLE))
                .singleElement().satisfies(s -> assertThat(s.getMessage()).contains("source unchanged"));
        assertThat(sourceTables()).isEqualTo(tablesBefore);
        assertThat(sourceEnv()).isEqualTo(envBefore);
        assertThat(artifacts.forJob(job.getId())).filteredOn(a -> a.getKind() == ArtifactKind.DB_DUMP).hasSize(2);
    }

    @Test
    void sshCutOnEitherSideOfTheStreamThenResumed() throws Exception {
        growSource();
        Object tablesBefore = sourceTables();
        String envBefore = sourceEnv();

        Job job = start(DreamFactoryMigrationFlow.STREAM);
        waitForStep(job.getId(), DreamFactoryMigrationFlow.STREAM_TITLE, b -> b > 5_000_000);
        cutSsh("dflab");
        Job cut = await(job.getId());
        assertThat(cut.getStatus()).isEqualTo(JobStatus.FAILED);
        // the stream and the source's record beside it both read the source over connections the cut killed: the
        // one that notices first fails the job, the other is stopped with it (or fails too, or had finished)
        JobStep record = cut.getSteps().stream().filter(s -> s.getTitle().equals(DreamFactoryMigrationFlow.RECORD_TITLE))
                .findFirst().orElseThrow();
        JobStep stream = streamStep(cut);
        String both = "record: " + record.getStatus() + " " + record.getMessage() + " / stream: " + stream.getStatus() + " "
                + stream.getMessage();
        assertThat(stream.getStatus()).as(both).isIn(StepStatus.FAILED, StepStatus.CANCELLED);
        JobStep failed = failedStep(cut);
        assertThat(failed.getTitle()).as(both).isIn(DreamFactoryMigrationFlow.STREAM_TITLE, DreamFactoryMigrationFlow.RECORD_TITLE);
        assertThat(failed.getMessage()).doesNotContain("\n");
        if (stream.getStatus() == StepStatus.FAILED) {
            assertThat(stream.getMessage()).contains(source.getName()).contains("was lost");
        } else {
            assertThat(stream.getMessage()).isEqualTo("Stopped because step " + (record.getPosition() + 1)
                    + ", beside it, did not succeed");
        }
        assertThat(cut.getResumeFrom()).as(both).isEqualTo(record.getStatus() == StepStatus.SUCCEEDED
                ? stream.getPosition() : record.getPosition());
        assertThat(sourceTables()).isEqualTo(tablesBefore);
        assertThat(artifacts.forJob(job.getId())).as("no partial dump is kept")
                .noneMatch(a -> a.getName().startsWith(source.getName() + "-migration"));

        jobs.resume(job.getId(), null);
        waitForStep(job.getId(), DreamFactoryMigrationFlow.STREAM_TITLE, b -> b > 5_000_000);
        cutSsh("dftarget");
        cut = await(job.getId());
        assertThat(cut.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(streamStep(cut).getStatus()).isEqualTo(StepStatus.FAILED);
        assertThat(streamStep(cut).getMessage()).contains(target.getName()).contains("lost").doesNotContain("\n");

        resumedToAPassingProof(job, tablesBefore, envBefore);
    }

    @Test
    void sshCutDuringTheStagedDumpAndDuringTheTransferThenResumed() throws Exception {
        growSource();
        Object tablesBefore = sourceTables();
        String envBefore = sourceEnv();

        Job job = start(DreamFactoryMigrationFlow.STAGED);
        waitForStep(job.getId(), "Dump the system DB", b -> true);
        Thread.sleep(300);
        cutSsh("dflab");
        Job cut = await(job.getId());
        assertThat(cut.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(failedStep(cut).getTitle()).startsWith("Dump the system DB");
        assertThat(failedStep(cut).getMessage()).contains("SSH connection").contains("was lost").doesNotContain("\n");
        assertThat(sourceTables()).isEqualTo(tablesBefore);

        jobs.resume(job.getId(), null);
        waitForStep(job.getId(), "Transfer the dump", b -> b > 5_000_000);
        cutSsh("dftarget");
        cut = await(job.getId());
        assertThat(cut.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(failedStep(cut).getTitle()).startsWith("Transfer the dump");
        assertThat(failedStep(cut).getMessage()).contains("lost").doesNotContain("\n");
        assertThat(artifacts.forJob(job.getId())).extracting(Artifact::getName)
                .contains(target.getName() + ".env", target.getName() + "-before-migration-mysql-dump.sql");

        resumedToAPassingProof(job, tablesBefore, envBefore);
    }

    @Test
    void aTargetDiskTooSmallIsSaidBeforeAndStopsTheJobBeforeTheTargetChanges() throws Exception {
        int mounted = new ProcessBuilder("sh", "-c", "mkdir -p '" + stagingDir() + "' && mount -t tmpfs -o "
                + "size=4k,mode=700,uid=$(id -u dftarget),gid=$(id -g dftarget) tmpfs '" + stagingDir() + "'")
                .inheritIO().start().waitFor();
        assertThat(mounted).as("mounting a tmpfs needs root, like src/test/lab/lab.sh up").isZero();
        Object tablesBefore = sourceTables();

        MigrationPreflight.Report report = preflight.run(source, target);
        assertThat(report.pair()).filteredOn(i -> i.getName().equals("Room for the dump")).singleElement()
                .satisfies(i -> {
                    assertThat(i.getStatus()).isEqualTo(CheckStatus.BLOCKING);
                    assertThat(i.getMessage()).startsWith("Target disk too small");
                });
        assertThat(report.blocked()).isTrue();

        // an admin who starts it anyway (over the API, say) gets one clear line, and an untouched target
        Job job = await(start(DreamFactoryMigrationFlow.STREAM).getId());
        assertThat(job.getStatus()).isEqualTo(JobStatus.FAILED);
        JobStep failed = failedStep(job);
        assertThat(failed.getMessage()).containsIgnoringCase("no space left").doesNotContain("\n");
        assertThat(job.getSteps()).filteredOn(s -> s.getPosition() <= failed.getPosition())
                .noneMatch(s -> s.isChangesInstance());
        assertThat(sourceTables()).isEqualTo(tablesBefore);

        new ProcessBuilder("umount", "-l", stagingDir()).inheritIO().start().waitFor();
        assertThat(preflight.run(source, target).pair()).filteredOn(i -> i.getName().equals("Room for the dump"))
                .extracting(CheckItem::getStatus).containsExactly(CheckStatus.OK);
        jobs.resume(job.getId(), null);
        Job done = await(job.getId());
        assertThat(done.getStatus()).as(done.getMessage()).isEqualTo(JobStatus.SUCCEEDED);
    }
}
