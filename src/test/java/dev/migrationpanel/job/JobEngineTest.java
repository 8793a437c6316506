package dev.migrationpanel.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.migrationpanel.artifact.Artifact;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceForm;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.job.log.JobLogService;
import dev.migrationpanel.job.log.LogLine;
import dev.migrationpanel.remote.ShellQuote;
import dev.migrationpanel.remote.TestSshServer;

/**
 * The engine end to end against an in-process SSH server that runs real commands: plans run in order,
 * steps record their outcome, locks hold and are released, cancel kills the remote process group,
 * failed and cancelled jobs resume from their step, gates wait, and a restart interrupts what ran.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class JobEngineTest {

    static final String DB_PASSWORD = "engine-db-secret-77";

    @Autowired
    JobService jobs;
    @Autowired
    InstanceService instances;
    @Autowired
    JobLogService logs;
    @Autowired
    ArtifactStore artifacts;
    @Autowired
    JobRecovery recovery;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobProperties properties;
    @LocalServerPort
    int port;

    @TempDir
    Path tmp;
    TestSshServer server;
    Instance instance;

    @BeforeEach
    void setUp() throws Exception {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("operator-olga",
                null, AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        server = TestSshServer.startDefault("deploy", "engine-ssh-pw");
        InstanceForm form = TestInstances.passwordFormWithDbSecret("engine", server, tmp, DB_PASSWORD);
        instance = instances.create(form);
        TestInstances.pinHostKey(jdbc, instance.getId(), server.hostKey());
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
        SecurityContextHolder.clearContext();
    }

    private Step step(String title, StepSpec spec, int timeoutSeconds) {
        return new Step(title, instance.getId(), instance.getName(), true, spec, Duration.ofSeconds(timeoutSeconds), null);
    }

    private Step command(String title, String command) {
        return step(title, new StepSpec.RemoteCommand(command), 30);
    }

    private Plan plan(Step... steps) {
        return new Plan("test.engine", "Engine test", instance.getId(), instance.getName(), List.of(steps));
    }

    private Job await(long id, JobStatus... expected) throws InterruptedException {
        long until = System.currentTimeMillis() + 30_000;
        Job job = jobs.get(id);
        while (!List.of(expected).contains(job.getStatus()) && System.currentTimeMillis() < until) {
            Thread.sleep(50);
            job = jobs.get(id);
        }
        assertThat(job.getStatus()).as("job #%d: %s", id, job.getMessage()).isIn((Object[]) expected);
        return job;
    }

    private List<String> logLines(long jobId) {
        return logs.after(jobId, 0, 5000).stream().map(l -> l.stream() + " " + l.line()).toList();
    }

    private static boolean alive(Path pidFile) throws Exception {
        return new ProcessBuilder("kill", "-0", Files.readString(pidFile).trim()).start().waitFor() == 0;
    }

    @Test
    void aPlanRunsInOrderWithTransfersSqlAndAnHttpCheck() throws Exception {
        byte[] payload = new byte[2 * 1024 * 1024 + 5];
        new Random(1).nextBytes(payload);
        Path source = tmp.resolve("dump.bin");
        Files.write(source, payload);
        Path uploaded = tmp.resolve("copy.bin");
        Job job = jobs.start(plan(
                command("Say hello", "echo hello; echo warning >&2"),
                step("Fetch the dump", new StepSpec.Download(source.toString(), "dump.bin", "DB_DUMP", false), 30),
                step("Put it back", new StepSpec.Upload(1, uploaded.toString()), 30),
                step("Query", new StepSpec.Sql("create table t (x integer); insert into t values (41), (42);", false), 30),
                step("Read", new StepSpec.Sql("select count(*) as n from t", true), 30),
                new Step("Panel answers", null, null, false,
                        new StepSpec.HttpCheck("http://127.0.0.1:" + port + "/actuator/health", 200, "UP"),
                        Duration.ofSeconds(10), null)));
        Job done = await(job.getId(), JobStatus.SUCCEEDED);
        assertThat(done.getSteps()).extracting(JobStep::getStatus).containsOnly(StepStatus.SUCCEEDED);
        assertThat(done.getSteps()).allSatisfy(s -> assertThat(s.getFinishedAt()).isAfterOrEqualTo(s.getStartedAt()));
        assertThat(done.getMessage()).isEqualTo("All 6 steps succeeded");
        assertThat(logLines(job.getId())).contains("OUT hello", "ERR warning", "PANEL Step 1/6: Say hello");

        Artifact artifact = artifacts.forJob(job.getId()).get(0);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
        assertThat(artifact.getSha256()).isEqualTo(sha);
        assertThat(artifact.getStep()).isEqualTo(1);
        assertThat(Files.readAllBytes(uploaded)).isEqualTo(payload);
        assertThat(done.getSteps().get(1).getBytesDone()).isEqualTo(payload.length);
        assertThat(done.getSteps().get(2).getMessage()).startsWith("Uploaded and verified");
        assertThat(logLines(job.getId())).contains("OUT n", "OUT 2");
        assertThat(jdbc.queryForList("select job_id from instance_lock where job_id = ?", job.getId())).isEmpty();
    }

    @Test
    void secretsTravelOnStdinAndAreMaskedInTheLog() throws Exception {
        Path ps = tmp.resolve("ps.txt");
        // the step's outcome line (its last output line) is masked too, like the log
        Job job = jobs.start(plan(command("Use the DB password",
                "ps -eo args > " + ShellQuote.quote(ps.toString()) + "; echo \"pw={{secret:db.password}}\"; "
                        + "printf %s {{secret:db.password}} | wc -c; echo \"last={{secret:db.password}}\"")));
        assertThat(job.getSteps().get(0).getDisplay()).contains("****").doesNotContain(DB_PASSWORD);
        await(job.getId(), JobStatus.SUCCEEDED);
        assertThat(logLines(job.getId())).contains("OUT pw=****", "OUT " + DB_PASSWORD.length())
                .noneMatch(l -> l.contains(DB_PASSWORD));
        assertThat(Files.readString(ps)).as("the process list never shows the secret").doesNotContain(DB_PASSWORD);
        assertThat(jobs.get(job.getId()).getSteps().get(0).getMessage()).isEqualTo("last=****");
        assertThat(jdbc.queryForObject("select count(*) from job_log where line like ?", Integer.class,
                "%" + DB_PASSWORD + "%")).isZero();
    }

    @Test
    void oneJobAtATimePerInstanceAndCancelKillsTheRemoteProcessGroup() throws Exception {
        Path pid = tmp.resolve("child.pid");
        Job first = jobs.start(plan(command("Wait long",
                "sleep 300 & echo $! > " + ShellQuote.quote(pid.toString()) + "; echo waiting; wait")));
        await(first.getId(), JobStatus.RUNNING);
        long until = System.currentTimeMillis() + 10_000;
        while ((!Files.exists(pid) || Files.size(pid) == 0) && System.currentTimeMillis() < until) {
            Thread.sleep(50);
        }
        assertThatThrownBy(() -> jobs.start(plan(command("Other", "true"))))
                .isInstanceOf(InstanceBusyException.class)
                .hasMessageContaining("is busy with job #" + first.getId())
                .hasMessageContaining("started by operator-olga");

        jobs.cancel(first.getId());
        Job cancelled = await(first.getId(), JobStatus.CANCELLED);
        assertThat(cancelled.getSteps().get(0).getStatus()).isEqualTo(StepStatus.CANCELLED);
        assertThat(cancelled.getMessage()).contains("Cancelled");
        until = System.currentTimeMillis() + 10_000;
        while (alive(pid) && System.currentTimeMillis() < until) {
            Thread.sleep(100);
        }
        assertThat(alive(pid)).as("the remote child process was killed").isFalse();
        assertThat(jdbc.queryForList("select job_id from instance_lock where instance_id = ?", instance.getId())).isEmpty();

        Job other = jobs.start(plan(command("Other", "true")));
        await(other.getId(), JobStatus.SUCCEEDED);
    }

    @Test
    void aFailedStepResumesFromWhereItStoppedKeepingTheEarlierLog() throws Exception {
        Path flag = tmp.resolve("fixed");
        Job job = jobs.start(plan(
                command("First", "echo one"),
                command("Flaky", "test -f " + ShellQuote.quote(flag.toString()) + " || { echo 'not yet' >&2; exit 3; }"),
                command("Last", "echo three")));
        Job failed = await(job.getId(), JobStatus.FAILED);
        assertThat(failed.getResumeFrom()).isEqualTo(1);
        assertThat(failed.getSteps()).extracting(JobStep::getStatus)
                .containsExactly(StepStatus.SUCCEEDED, StepStatus.FAILED, StepStatus.PENDING);
        assertThat(failed.getSteps().get(1).getMessage()).isEqualTo("The command exited with code 3: not yet");
        assertThat(failed.getMessage()).contains("Step 2 of 3 (Flaky) failed");

        Files.writeString(flag, "ok");
        jobs.resume(job.getId(), null);
        Job resumed = await(job.getId(), JobStatus.SUCCEEDED);
        assertThat(resumed.getAttempt()).isEqualTo(1);
        assertThat(resumed.getSteps().get(0).getAttempt()).isZero(); // not run again
        assertThat(resumed.getSteps().get(1).getAttempt()).isEqualTo(1);
        List<String> lines = logLines(job.getId());
        assertThat(lines).containsSubsequence("OUT one", "ERR not yet", "OUT three");
        assertThat(lines.stream().filter(l -> l.equals("OUT one")).count()).isEqualTo(1);
        List<LogLine> all = logs.after(job.getId(), 0, 5000);
        assertThat(all).extracting(LogLine::seq).isSorted().doesNotHaveDuplicates();

        assertThatThrownBy(() -> jobs.resume(job.getId(), null)).hasMessageContaining("only a failed, cancelled or interrupted job");
    }

    @Test
    void aHangingCommandTimesOutAndAResumeCanStartAtAChosenStep() throws Exception {
        Job job = jobs.start(plan(command("Quick", "echo quick"), step("Hang", new StepSpec.RemoteCommand("sleep 60"), 2)));
        Job failed = await(job.getId(), JobStatus.FAILED);
        assertThat(failed.getSteps().get(1).getMessage()).isEqualTo("Command did not finish within 2 s");
        jobs.resume(job.getId(), 0);
        await(job.getId(), JobStatus.FAILED);
        assertThat(logLines(job.getId()).stream().filter(l -> l.equals("OUT quick")).count()).isEqualTo(2);
    }

    @Test
    void aGateWaitsForAnAdminAndKeepsTheLock() throws Exception {
        Job job = jobs.start(plan(command("Before", "echo before"),
                new Step("Confirm", null, null, false, new StepSpec.Gate("Is the maintenance window open?"),
                        Duration.ofHours(1), null),
                command("After", "echo after")));
        Job waiting = await(job.getId(), JobStatus.WAITING);
        assertThat(waiting.getSteps().get(1).getStatus()).isEqualTo(StepStatus.WAITING);
        assertThat(jdbc.queryForList("select job_id from instance_lock where instance_id = ?", Long.class, instance.getId()))
                .containsExactly(job.getId());
        jobs.continueAtGate(job.getId());
        Job done = await(job.getId(), JobStatus.SUCCEEDED);
        assertThat(done.getSteps().get(1).getMessage()).isEqualTo("Confirmed by operator-olga");
        assertThat(logLines(job.getId())).containsSubsequence("OUT before", "OUT after");

        Job second = jobs.start(plan(new Step("Confirm", null, null, false, new StepSpec.Gate("Go?"), Duration.ofHours(1), null)));
        await(second.getId(), JobStatus.WAITING);
        jobs.cancel(second.getId());
        assertThat(await(second.getId(), JobStatus.CANCELLED).getSteps().get(0).getStatus()).isEqualTo(StepStatus.CANCELLED);
        assertThat(jdbc.queryForList("select job_id from instance_lock where instance_id = ?", instance.getId())).isEmpty();
    }

    @Test
    void aLostSshConnectionFailsTheStepReleasesTheLockAndTheJobResumes() throws Exception {
        Job job = jobs.start(plan(command("Long", "echo started; sleep 30")));
        await(job.getId(), JobStatus.RUNNING);
        long until = System.currentTimeMillis() + 10_000;
        while (!logLines(job.getId()).contains("OUT started") && System.currentTimeMillis() < until) {
            Thread.sleep(50);
        }
        int sshPort = server.port();
        server.close();
        Job failed = await(job.getId(), JobStatus.FAILED);
        assertThat(failed.getSteps().get(0).getMessage()).contains("lost");
        assertThat(jdbc.queryForList("select job_id from instance_lock where instance_id = ?", instance.getId())).isEmpty();

        server = TestSshServer.builder().user("deploy").password("engine-ssh-pw").hostKeys(server.hostKeyPairs().get(0))
                .port(sshPort).start();
        jdbc.update("update job_step set spec = ? where job_id = ?",
                "{\"kind\":\"remote-command\",\"command\":\"echo again\"}", job.getId());
        jobs.resume(job.getId(), null);
        await(job.getId(), JobStatus.SUCCEEDED);
    }

    @Test
    void aRestartMarksTheJobsThisNodeRanAsInterruptedAndReleasesTheirLocks() throws Exception {
        Job job = jobs.start(plan(new Step("Confirm", null, null, false, new StepSpec.Gate("Go?"), Duration.ofHours(1), null),
                command("Work", "echo work")));
        await(job.getId(), JobStatus.WAITING);
        // what a crash leaves behind: the job RUNNING on this node, step 2 RUNNING, its lock held
        jdbc.update("update job set status = 'RUNNING', node = ?, current_step = 1 where id = ?", properties.node(), job.getId());
        jdbc.update("update job_step set status = 'RUNNING' where job_id = ? and position = 1", job.getId());
        recovery.atStartup();
        Job interrupted = jobs.get(job.getId());
        assertThat(interrupted.getStatus()).isEqualTo(JobStatus.INTERRUPTED);
        assertThat(interrupted.getSteps().get(1).getStatus()).isEqualTo(StepStatus.INTERRUPTED);
        assertThat(interrupted.getResumeFrom()).isEqualTo(1);
        assertThat(jdbc.queryForList("select job_id from instance_lock where instance_id = ?", instance.getId())).isEmpty();
        jobs.resume(job.getId(), null);
        await(job.getId(), JobStatus.SUCCEEDED);
        assertThat(logLines(job.getId())).contains("OUT work");
    }

    /**
     * What a node taken for dead finds when it wakes: another node interrupted the job and runs it again (a new
     * attempt). The old run kills its command and changes nothing: not the job, its step, its lock or its log.
     */
    @Test
    void aRunWhoseJobWasTakenOverByAnotherNodeKillsItsCommandAndChangesNothing() throws Exception {
        Path pid = tmp.resolve("taken-over.pid");
        Job job = jobs.start(plan(command("Wait long",
                "sleep 300 & echo $! > " + ShellQuote.quote(pid.toString()) + "; echo waiting; wait")));
        await(job.getId(), JobStatus.RUNNING);
        long until = System.currentTimeMillis() + 10_000;
        while ((!Files.exists(pid) || Files.size(pid) == 0 || !logLines(job.getId()).contains("OUT waiting"))
                && System.currentTimeMillis() < until) {
            Thread.sleep(50);
        }
        assertThat(alive(pid)).as("the command runs before the takeover").isTrue();
        int attempt = jobs.get(job.getId()).getAttempt();
        // another node interrupted the job, it was resumed, and that node runs it now
        jdbc.update("update job set attempt = ?, node = 'another-node', message = 'the other run' where id = ?",
                attempt + 1, job.getId());
        jdbc.update("update job_step set attempt = ?, message = 'the other run' where job_id = ?", attempt + 1, job.getId());
        long linesAtTakeover = logs.lastSeq(job.getId());

        until = System.currentTimeMillis() + 10_000;
        while (alive(pid) && System.currentTimeMillis() < until) {
            Thread.sleep(100);
        }
        assertThat(alive(pid)).as("the old run killed its command").isFalse();
        Thread.sleep(1_000); // the old run's last writes, if it made any, are done by now
        Job after = jobs.get(job.getId());
        assertThat(after.getStatus()).isEqualTo(JobStatus.RUNNING);
        assertThat(after.getAttempt()).isEqualTo(attempt + 1);
        assertThat(after.getNode()).isEqualTo("another-node");
        assertThat(after.getMessage()).isEqualTo("the other run");
        assertThat(after.getSteps().get(0).getStatus()).isEqualTo(StepStatus.RUNNING);
        assertThat(after.getSteps().get(0).getMessage()).isEqualTo("the other run");
        assertThat(jdbc.queryForList("select job_id from instance_lock where instance_id = ?", Long.class,
                instance.getId())).containsExactly(job.getId());
        assertThat(logs.lastSeq(job.getId())).as("no line of the old run after the takeover").isEqualTo(linesAtTakeover);
    }

    @Test
    void aJobWhoseSchedulerExecutionVanishedIsInterruptedByTheSweeper() throws Exception {
        Job job = jobs.start(plan(new Step("Confirm", null, null, false, new StepSpec.Gate("Go?"), Duration.ofHours(1), null)));
        await(job.getId(), JobStatus.WAITING);
        jdbc.update("update job set status = 'RUNNING', node = 'another-node' where id = ?", job.getId());
        recovery.sweep();
        assertThat(jobs.get(job.getId()).getStatus()).as("one sweep is not enough").isEqualTo(JobStatus.RUNNING);
        recovery.sweep();
        assertThat(jobs.get(job.getId()).getStatus()).isEqualTo(JobStatus.INTERRUPTED);
        assertThat(jdbc.queryForList("select job_id from instance_lock where instance_id = ?", instance.getId())).isEmpty();
    }

    @Test
    void planSpecsRoundTripThroughTheStoredJob() {
        Job job = jobs.start(plan(new Step("Confirm", null, null, false, new StepSpec.Gate("Go?"), Duration.ofHours(1), "nothing to undo")));
        JobStep stored = jobs.get(job.getId()).getSteps().get(0);
        assertThat(stored.getSpec()).contains("\"kind\":\"gate\"");
        assertThat(stored.getDisplay()).isEqualTo("Wait for confirmation: Go?");
        assertThat(stored.getUndo()).isEqualTo("nothing to undo");
        assertThat(stored.getTimeoutSeconds()).isEqualTo(3600);
        assertThat(stored.getKind()).isEqualTo(StepSpec.GATE);
        jobs.cancel(job.getId());
    }
}
