package dev.migrationpanel.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
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
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.instance.InstanceForm;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.instance.SshAuthMethod;
import dev.migrationpanel.job.log.JobLogService;
import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.remote.HostKey;
import dev.migrationpanel.remote.SshSession;

/**
 * Faults for real, on the lab's OpenSSH: the SSH connection killed (the sshd child) in the middle of a
 * command and of a transfer, and the artifact disk full (a real 8 MiB tmpfs). Each ends with a clear
 * message, the lock released, nothing reported as done that was not, and a job that resumes.
 */
@SpringBootTest
@Isolated // kills the lab users' sshd sessions, which every other lab test uses
class JobFaultsLabIT {

    static final Path SMALL_DISK;

    static {
        try {
            SMALL_DISK = Files.createTempDirectory("panel-small-artifact-disk");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void smallArtifactDisk(DynamicPropertyRegistry registry) throws Exception {
        int mounted = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", SMALL_DISK.toString())
                .inheritIO().start().waitFor();
        if (mounted != 0) {
            throw new IllegalStateException("Mounting a small tmpfs for the disk-full test failed: run the tests as root "
                    + "(like src/test/lab/lab.sh up)");
        }
        registry.add("panel.artifacts.dir", SMALL_DISK::toString);
    }

    @AfterAll
    static void unmount() throws Exception {
        new ProcessBuilder("umount", "-l", SMALL_DISK.toString()).inheritIO().start().waitFor();
    }

    @Autowired
    JobService jobs;
    @Autowired
    InstanceService instances;
    @Autowired
    InstanceConnections connections;
    @Autowired
    ArtifactStore artifacts;
    @Autowired
    JobLogService logs;
    @Autowired
    JdbcTemplate jdbc;

    final Lab lab = Lab.get();
    Instance instance;
    String home;

    @BeforeEach
    void setUp() {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("fault-tester", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        InstanceForm form = new InstanceForm();
        form.setProduct("dreamfactory");
        form.setName("faults-" + System.nanoTime());
        form.setSshHost(lab.sshHost());
        form.setSshPort(lab.sshPort());
        form.setSshUser("dflab");
        form.setSshAuth(SshAuthMethod.PASSWORD);
        form.setSshPassword(lab.password("dflab"));
        form.setInstallPath(lab.instance("sqlite").path().toString());
        form.getProductSettings().put("webServer", "NONE");
        instance = instances.create(form);
        HostKey key = HostKey.fromOpenSshLine(lab.property("sshd.hostkey.ed25519.public"));
        TestInstances.pinHostKey(jdbc, instance.getId(), key);
        instance = instances.get(instance.getId());
        home = lab.property("ssh.dflab.home");
        shell("rm -rf .fault-test && mkdir .fault-test");
    }

    @AfterEach
    void tearDown() {
        shell("rm -rf .fault-test");
        SecurityContextHolder.clearContext();
    }

    private String shell(String command) {
        try (SshSession ssh = connections.openSsh(instance)) {
            return ssh.run(command, Duration.ofSeconds(60)).stdout();
        }
    }

    private Job start(Step... steps) {
        return jobs.start(new Plan("test.faults", "Fault test", instance.getId(), instance.getName(), List.of(steps)));
    }

    private Step step(String title, StepSpec spec) {
        return new Step(title, instance.getId(), instance.getName(), false, spec, Duration.ofSeconds(120), null);
    }

    private Job await(long id, JobStatus expected) throws InterruptedException {
        long until = System.currentTimeMillis() + 90_000;
        Job job = jobs.get(id);
        while (job.getStatus() != expected && System.currentTimeMillis() < until) {
            Thread.sleep(100);
            job = jobs.get(id);
        }
        assertThat(job.getStatus()).as("job #%d: %s", id, job.getMessage()).isEqualTo(expected);
        return job;
    }

    /** Kills the sshd processes serving the lab user: the connection dies as in a network cut. */
    private static void cutSsh() throws Exception {
        new ProcessBuilder("pkill", "-KILL", "-f", "^sshd: dflab").inheritIO().start().waitFor();
    }

    private void assertUnlocked() {
        assertThat(jdbc.queryForList("select job_id from instance_lock where instance_id = ?", instance.getId())).isEmpty();
    }

    private static long filesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void sshCutMidCommand() throws Exception {
        Job job = start(step("Work", new StepSpec.RemoteCommand(
                "test -f .fault-test/fixed && echo finished || { echo started; sleep 60; }")));
        long until = System.currentTimeMillis() + 30_000;
        while (logs.after(job.getId(), 0, 100).stream().noneMatch(l -> l.line().equals("started"))
                && System.currentTimeMillis() < until) {
            Thread.sleep(50);
        }
        cutSsh();
        Job failed = await(job.getId(), JobStatus.FAILED);
        assertThat(failed.getSteps().get(0).getStatus()).isEqualTo(StepStatus.FAILED);
        assertThat(failed.getMessage()).contains("SSH connection").contains("lost");
        assertUnlocked();

        shell("touch .fault-test/fixed");
        jobs.resume(job.getId(), null);
        await(job.getId(), JobStatus.SUCCEEDED);
        assertThat(logs.after(job.getId(), 0, 100)).extracting(l -> l.line()).contains("started", "finished");
    }

    @Test
    void sshCutMidTransferLeavesNoArtifact() throws Exception {
        shell("truncate -s 1536M .fault-test/big.bin");
        long before = filesIn(SMALL_DISK);
        Job job = start(step("Fetch", new StepSpec.Download(home + "/.fault-test/big.bin", "big.bin", "OTHER", false)));
        long until = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < until) {
            Long done = jdbc.queryForObject("select bytes_done from job_step where job_id = ? and position = 0", Long.class,
                    job.getId());
            if (done != null && done > 10_000_000) {
                break;
            }
            Thread.sleep(20);
        }
        cutSsh();
        Job failed = await(job.getId(), JobStatus.FAILED);
        assertThat(failed.getSteps().get(0).getMessage()).contains("lost");
        assertThat(artifacts.forJob(job.getId())).isEmpty();
        assertThat(filesIn(SMALL_DISK)).as("no partial file is left").isEqualTo(before);
        assertUnlocked();

        shell("truncate -s 4M .fault-test/big.bin");
        jobs.resume(job.getId(), null);
        await(job.getId(), JobStatus.SUCCEEDED);
        assertThat(artifacts.forJob(job.getId())).singleElement().satisfies(a -> assertThat(a.getSizeBytes()).isEqualTo(4L << 20));
    }

    @Test
    void aFullArtifactDiskFailsTheStepWithoutLeftovers() throws Exception {
        shell("head -c 20000000 /dev/urandom > .fault-test/random.bin");
        long before = filesIn(SMALL_DISK);
        Job job = start(step("Fetch", new StepSpec.Download(home + "/.fault-test/random.bin", "random.bin", "OTHER", false)));
        Job failed = await(job.getId(), JobStatus.FAILED);
        assertThat(failed.getSteps().get(0).getMessage()).startsWith("The artifact disk is full: 'random.bin' could not be stored");
        assertThat(artifacts.forJob(job.getId())).isEmpty();
        assertThat(filesIn(SMALL_DISK)).isEqualTo(before);
        assertUnlocked();
        assertThat(failed.getStatus().isResumable()).isTrue();
    }
}
