package dev.migrationpanel.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceForm;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.job.log.JobLogService;
import dev.migrationpanel.job.log.LogLine;
import dev.migrationpanel.remote.ShellQuote;
import dev.migrationpanel.remote.TestSshServer;

/**
 * Two steps side by side against an in-process SSH server running real commands: they do run at the same time
 * (each waits for a file the other writes), each logs under its own step, a failure of either stops the other
 * and fails the job, a cancel stops both, and a resume starts from the earliest of the two that did not succeed.
 */
@SpringBootTest
class StepsBesideEngineTest {

    @Autowired
    JobService jobs;
    @Autowired
    InstanceService instances;
    @Autowired
    JobLogService logs;
    @Autowired
    JobRecovery recovery;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobProperties properties;

    @TempDir
    Path tmp;
    TestSshServer server;
    Instance instance;

    @BeforeEach
    void setUp() throws Exception {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("operator-olga",
                null, AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        server = TestSshServer.startDefault("deploy", "beside-ssh-pw");
        InstanceForm form = TestInstances.passwordFormWithDbSecret("beside", server, tmp, "beside-db-secret-55");
        instance = instances.create(form);
        TestInstances.pinHostKey(jdbc, instance.getId(), server.hostKey());
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
        SecurityContextHolder.clearContext();
    }

    private Step command(String title, String command) {
        return new Step(title, instance.getId(), instance.getName(), false, new StepSpec.RemoteCommand(command),
                Duration.ofSeconds(60), null);
    }

    private Plan plan(Step... steps) {
        return new Plan("test.beside", "Beside test", instance.getId(), instance.getName(), List.of(steps));
    }

    private String file(String name) {
        return ShellQuote.quote(tmp.resolve(name).toString());
    }

    /** Writes its own mark, then waits up to {@code seconds} for the other's: succeeds only if both run at once. */
    private String meet(String mine, String other, int seconds) {
        return "touch " + file(mine) + "; i=0; while [ ! -f " + file(other) + " ]; do i=$((i+1)); "
                + "if [ $i -gt " + seconds * 10 + " ]; then echo 'alone' >&2; exit 4; fi; sleep 0.1; done; echo 'met " + other + "'";
    }

    /** Runs until killed, its process id in {@code pidFile}. */
    private String hang(String pidFile) {
        return "sleep 300 & echo $! > " + file(pidFile) + "; wait";
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

    private void awaitFile(String name) throws InterruptedException, java.io.IOException {
        Path path = tmp.resolve(name);
        long until = System.currentTimeMillis() + 10_000;
        while ((!Files.exists(path) || Files.size(path) == 0) && System.currentTimeMillis() < until) {
            Thread.sleep(50);
        }
        assertThat(path).isNotEmptyFile();
    }

    private boolean alive(String pidFile) throws Exception {
        String pid = Files.readString(tmp.resolve(pidFile)).trim();
        long until = System.currentTimeMillis() + 10_000;
        boolean alive = true;
        while (alive && System.currentTimeMillis() < until) {
            alive = new ProcessBuilder("kill", "-0", pid).start().waitFor() == 0;
            if (alive) {
                Thread.sleep(100);
            }
        }
        return alive;
    }

    @Test
    void twoStepsSideBySideRunAtOnceAndEachLogsUnderItsOwnStep() throws Exception {
        Job job = jobs.start(plan(command("Before", "echo before"), command("Left", meet("left", "right", 10)).besideTheNext(),
                command("Right", meet("right", "left", 10)), command("After", "echo after")));
        Job done = await(job.getId(), JobStatus.SUCCEEDED, JobStatus.FAILED);
        assertThat(done.getStatus()).as(done.getMessage()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.getSteps()).extracting(JobStep::getStatus).containsOnly(StepStatus.SUCCEEDED);
        assertThat(done.getSteps()).extracting(JobStep::isBesideNext).containsExactly(false, true, false, false);
        assertThat(JobView.of(done).steps()).extracting(JobView.StepView::besideStep).containsExactly(null, 3, 2, null);
        List<LogLine> lines = logs.after(job.getId(), 0, 5000);
        assertThat(lines).filteredOn(l -> l.line().equals("met right")).extracting(LogLine::step).containsExactly(1);
        assertThat(lines).filteredOn(l -> l.line().equals("met left")).extracting(LogLine::step).containsExactly(2);
        assertThat(lines).extracting(LogLine::line).contains("Step 2/4: Left (beside step 3)", "Step 3/4: Right (beside step 2)")
                .containsSubsequence("before", "after");
        assertThat(lines).extracting(LogLine::seq).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void negativeControlTheSameStepsOneAfterTheOtherNeverMeet() throws Exception {
        Job job = jobs.start(plan(command("Left", meet("left2", "right2", 1)), command("Right", meet("right2", "left2", 1))));
        Job failed = await(job.getId(), JobStatus.FAILED);
        assertThat(failed.getSteps().get(0).getMessage()).isEqualTo("The command exited with code 4: alone");
        assertThat(failed.getSteps().get(1).getStatus()).isEqualTo(StepStatus.PENDING);
    }

    @Test
    void aFailureOfEitherStopsTheOtherFailsTheJobAndTheResumeRunsBothAgain() throws Exception {
        String fixed = file("fixed");
        Job job = jobs.start(plan(
                command("Long", "test -f " + fixed + " && echo 'long done' || { " + hang("long.pid") + "; }").besideTheNext(),
                command("Flaky", "sleep 0.5; test -f " + fixed + " || { echo 'not yet' >&2; exit 3; }"),
                command("After", "echo after")));
        Job failed = await(job.getId(), JobStatus.FAILED);
        assertThat(failed.getMessage()).isEqualTo("Step 2 of 3 (Flaky) failed: The command exited with code 3: not yet");
        assertThat(failed.getSteps()).extracting(JobStep::getStatus)
                .containsExactly(StepStatus.CANCELLED, StepStatus.FAILED, StepStatus.PENDING);
        assertThat(failed.getSteps().get(0).getMessage()).isEqualTo("Stopped because step 2, beside it, did not succeed");
        assertThat(alive("long.pid")).as("the step beside it was stopped, its process group killed").isFalse();
        assertThat(failed.getResumeFrom()).as("the earliest of the two that did not succeed").isZero();
        assertThat(jdbc.queryForList("select job_id from instance_lock where instance_id = ?", instance.getId())).isEmpty();

        Files.writeString(tmp.resolve("fixed"), "ok");
        jobs.resume(job.getId(), null);
        Job resumed = await(job.getId(), JobStatus.SUCCEEDED, JobStatus.FAILED);
        assertThat(resumed.getStatus()).as(resumed.getMessage()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(resumed.getSteps()).extracting(JobStep::getAttempt).containsExactly(1, 1, 1);
        assertThat(logs.after(job.getId(), 0, 5000)).extracting(LogLine::line).contains("long done", "after");
    }

    @Test
    void whenTheFirstOfThePairSucceededTheResumeStartsAtTheSecond() throws Exception {
        String fixed = file("fixed-2");
        Job job = jobs.start(plan(command("Quick", "echo quick").besideTheNext(),
                command("Flaky", "sleep 0.5; test -f " + fixed + " || { echo 'not yet' >&2; exit 3; }")));
        Job failed = await(job.getId(), JobStatus.FAILED);
        assertThat(failed.getSteps()).extracting(JobStep::getStatus).containsExactly(StepStatus.SUCCEEDED, StepStatus.FAILED);
        assertThat(failed.getResumeFrom()).isEqualTo(1);

        Files.writeString(tmp.resolve("fixed-2"), "ok");
        jobs.resume(job.getId(), null);
        Job resumed = await(job.getId(), JobStatus.SUCCEEDED, JobStatus.FAILED);
        assertThat(resumed.getStatus()).as(resumed.getMessage()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(resumed.getSteps()).extracting(JobStep::getAttempt).as("the first was not run again").containsExactly(0, 1);
        assertThat(logs.after(job.getId(), 0, 5000)).filteredOn(l -> l.line().equals("quick")).hasSize(1);
    }

    @Test
    void theFirstOfThePairFailingStopsTheSecond() throws Exception {
        Job job = jobs.start(plan(command("Broken", "sleep 0.5; echo 'broken' >&2; exit 5").besideTheNext(),
                command("Long", hang("long-2.pid"))));
        Job failed = await(job.getId(), JobStatus.FAILED);
        assertThat(failed.getMessage()).isEqualTo("Step 1 of 2 (Broken) failed: The command exited with code 5: broken");
        assertThat(failed.getSteps()).extracting(JobStep::getStatus).containsExactly(StepStatus.FAILED, StepStatus.CANCELLED);
        assertThat(failed.getSteps().get(1).getMessage()).isEqualTo("Stopped because step 1, beside it, did not succeed");
        assertThat(alive("long-2.pid")).isFalse();
        assertThat(failed.getResumeFrom()).isZero();
    }

    @Test
    void aCancelStopsBoth() throws Exception {
        Job job = jobs.start(plan(command("One", hang("one.pid")).besideTheNext(), command("Two", hang("two.pid")),
                command("Three", "echo three")));
        awaitFile("one.pid");
        awaitFile("two.pid");
        assertThat(jobs.get(job.getId()).getSteps()).extracting(JobStep::getStatus)
                .containsExactly(StepStatus.RUNNING, StepStatus.RUNNING, StepStatus.PENDING);
        jobs.cancel(job.getId());
        Job cancelled = await(job.getId(), JobStatus.CANCELLED);
        assertThat(cancelled.getSteps()).extracting(JobStep::getStatus)
                .containsExactly(StepStatus.CANCELLED, StepStatus.CANCELLED, StepStatus.PENDING);
        assertThat(alive("one.pid")).isFalse();
        assertThat(alive("two.pid")).isFalse();
        assertThat(cancelled.getResumeFrom()).isZero();
    }

    @Test
    void aPanelStoppedWhileThePairRanResumesFromItsEarliestUnfinishedStep() throws Exception {
        Job job = jobs.start(plan(command("Gate stand-in", "echo x"), command("One", "echo one").besideTheNext(),
                command("Two", "echo two")));
        await(job.getId(), JobStatus.SUCCEEDED);
        // what a crash leaves behind: the pair's first done, its second still RUNNING, the current step the first
        jdbc.update("update job set status = 'RUNNING', node = ?, current_step = 1 where id = ?", properties.node(), job.getId());
        jdbc.update("update job_step set status = 'RUNNING' where job_id = ? and position = 2", job.getId());
        recovery.atStartup();
        Job interrupted = jobs.get(job.getId());
        assertThat(interrupted.getStatus()).isEqualTo(JobStatus.INTERRUPTED);
        assertThat(interrupted.getResumeFrom()).isEqualTo(2);
        // both still running: from the first of them
        jdbc.update("update job set status = 'RUNNING', node = ?, current_step = 1 where id = ?", properties.node(), job.getId());
        jdbc.update("update job_step set status = 'RUNNING' where job_id = ? and position in (1, 2)", job.getId());
        recovery.atStartup();
        assertThat(jobs.get(job.getId()).getResumeFrom()).isEqualTo(1);
    }
}
