package dev.migrationpanel.job;

import static dev.migrationpanel.remote.ShellQuote.quote;
import static org.assertj.core.api.Assertions.assertThat;

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
import dev.migrationpanel.remote.TestSshServer;

/**
 * The stream step against an in-process SSH server running real commands: one instance's command output
 * lands in another's command input and in the artifact store, byte for byte, each side's secrets its own;
 * when either side fails the other is stopped, and the receiver is killed, never handed the end of its input.
 */
@SpringBootTest
class StreamStepTest {

    static final String SENDER_PASSWORD = "sender-db-secret-31";
    static final String RECEIVER_PASSWORD = "receiver-db-secret-47";

    @Autowired
    JobService jobs;
    @Autowired
    InstanceService instances;
    @Autowired
    JobLogService logs;
    @Autowired
    ArtifactStore artifacts;
    @Autowired
    JdbcTemplate jdbc;

    @TempDir
    Path tmp;
    TestSshServer server;
    Instance sender;
    Instance receiver;
    byte[] payload;
    Path payloadFile;

    @BeforeEach
    void setUp() throws Exception {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("operator-olga",
                null, AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        server = TestSshServer.startDefault("deploy", "stream-ssh-pw");
        sender = instance("sender", SENDER_PASSWORD);
        receiver = instance("receiver", RECEIVER_PASSWORD);
        payload = new byte[9 * 1024 * 1024 + 7]; // over twice the buffers, so both sides block on each other
        new Random(7).nextBytes(payload);
        payloadFile = tmp.resolve("payload.bin");
        Files.write(payloadFile, payload);
    }

    private Instance instance(String name, String dbPassword) throws Exception {
        InstanceForm form = TestInstances.passwordForm(name, server, tmp);
        form.setDbConnection("sqlite");
        form.setDbSqlitePath(tmp.resolve(name + ".sqlite").toString());
        form.setDbPassword(dbPassword);
        Instance created = instances.create(form);
        TestInstances.pinHostKey(jdbc, created.getId(), server.hostKey());
        return created;
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
        SecurityContextHolder.clearContext();
    }

    private Job run(String fromCommand, String toCommand, JobStatus expected) throws InterruptedException {
        return await(start(fromCommand, toCommand), expected);
    }

    private Job start(String fromCommand, String toCommand) {
        Plan plan = new Plan("test.stream", "Stream test", sender.getId(), sender.getName(), List.of(
                new Step("Sender is part of the plan", sender.getId(), sender.getName(), false,
                        new StepSpec.Note("the sending side"), Duration.ofSeconds(5), null),
                new Step("Stream", receiver.getId(), receiver.getName(), true, new StepSpec.Stream(sender.getId(),
                        sender.getName(), fromCommand, toCommand, "payload.bin", "DB_DUMP", true),
                        Duration.ofSeconds(60), null)));
        return jobs.start(plan);
    }

    private Job await(Job job, JobStatus expected) throws InterruptedException {
        long until = System.currentTimeMillis() + 60_000;
        Job now = jobs.get(job.getId());
        while (now.getStatus().isActive() && System.currentTimeMillis() < until) {
            Thread.sleep(50);
            now = jobs.get(job.getId());
        }
        assertThat(now.getStatus()).as("job #%d: %s", now.getId(), now.getMessage()).isEqualTo(expected);
        return now;
    }

    private List<String> log(long jobId) {
        return logs.after(jobId, 0, 5000).stream().map(l -> l.stream() + " " + l.line()).toList();
    }

    @Test
    void theSendersOutputArrivesWholeInTheReceiverAndInTheStoreEachSideWithItsOwnSecret() throws Exception {
        Path received = tmp.resolve("received.bin");
        Path senderSecret = tmp.resolve("sender-secret");
        Path receiverSecret = tmp.resolve("receiver-secret");
        Job job = run("printf %s \"{{secret:db.password}}\" > " + quote(senderSecret.toString()) + " && cat "
                        + quote(payloadFile.toString()),
                "printf %s \"{{secret:db.password}}\" > " + quote(receiverSecret.toString()) + " && cat > "
                        + quote(received.toString()) + " && echo received",
                JobStatus.SUCCEEDED);

        assertThat(Files.readString(senderSecret)).isEqualTo(SENDER_PASSWORD);
        assertThat(Files.readString(receiverSecret)).as("the receiver's secret, then its input, on one stdin")
                .isEqualTo(RECEIVER_PASSWORD);
        assertThat(Files.readAllBytes(received)).isEqualTo(payload);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
        Artifact artifact = artifacts.forJob(job.getId()).get(0);
        assertThat(artifact.getSha256()).isEqualTo(sha);
        assertThat(artifact.isEncrypted()).isTrue();
        assertThat(artifact.getStep()).isEqualTo(1);
        assertThat(artifact.getInstanceId()).as("the dump is the sender's").isEqualTo(sender.getId());
        try (var in = artifacts.open(artifact.getId())) {
            assertThat(in.readAllBytes()).isEqualTo(payload);
        }
        JobStep step = job.getSteps().get(1);
        assertThat(step.getBytesDone()).isEqualTo(payload.length);
        assertThat(step.getMessage()).startsWith("Streamed and stored payload.bin (" + payload.length + " bytes, sha256 "
                + sha.substring(0, 12));
        assertThat(log(job.getId())).contains("OUT " + receiver.getName() + ": received")
                .noneMatch(l -> l.contains(SENDER_PASSWORD) || l.contains(RECEIVER_PASSWORD));
        assertThat(step.getDisplay()).contains("on " + sender.getName() + ": printf %s \"****\"", "into: printf %s \"****\"")
                .doesNotContain(SENDER_PASSWORD, RECEIVER_PASSWORD);
    }

    @Test
    void aSenderFailingHalfWayKillsTheReceiverBeforeItsInputEndsAndStoresNothing() throws Exception {
        Path received = tmp.resolve("received.bin");
        Path completed = tmp.resolve("completed");
        Job job = run("head -c 5000000 " + quote(payloadFile.toString()) + "; echo 'dump broke: lost table' >&2; exit 5",
                "cat > " + quote(received.toString()) + "; echo \"cat exit $?\" > " + quote(completed.toString()), JobStatus.FAILED);

        assertThat(job.getSteps().get(1).getMessage())
                .isEqualTo("The command on " + sender.getName() + " exited with code 5: dump broke: lost table");
        assertThat(job.getResumeFrom()).isEqualTo(1);
        Thread.sleep(500);
        assertThat(completed).as("the receiver never saw its input end: it was killed; %s %s", log(job.getId()),
                Files.exists(completed) ? Files.readString(completed) : "").doesNotExist();
        assertThat(artifacts.forJob(job.getId())).as("no partial dump is kept").isEmpty();
        assertThat(log(job.getId())).contains("ERR " + sender.getName() + ": dump broke: lost table");
    }

    @Test
    void aReceiverFailingStopsTheSenderAndSaysWhy() throws Exception {
        Path senderFinished = tmp.resolve("sender-finished");
        Job job = run("cat " + quote(payloadFile.toString()) + " " + quote(payloadFile.toString()) + "; sleep 20; touch "
                        + quote(senderFinished.toString()),
                "head -c 1000 > /dev/null; echo 'ERROR 1064 (42000) at line 3: syntax error' >&2; exit 1", JobStatus.FAILED);

        assertThat(job.getSteps().get(1).getMessage()).isEqualTo("The command on " + receiver.getName()
                + " ended (exit code 1) before all of its input had arrived: ERROR 1064 (42000) at line 3: syntax error");
        Thread.sleep(500);
        assertThat(senderFinished).as("the sender's process group was killed").doesNotExist();
        assertThat(artifacts.forJob(job.getId())).isEmpty();
    }

    @Test
    void aReceiverExitingWithAnErrorAfterTheWholeInputFailsTheStepWithItsReason() throws Exception {
        Job job = run("cat " + quote(payloadFile.toString()),
                "cat > /dev/null; echo 'ERROR: relation \"user\" already exists' >&2; exit 3", JobStatus.FAILED);

        assertThat(job.getSteps().get(1).getMessage()).isEqualTo("The command on " + receiver.getName()
                + " exited with code 3: ERROR: relation \"user\" already exists");
        assertThat(artifacts.forJob(job.getId())).as("the dump was stored whole: it may be needed").hasSize(1);
    }

    @Test
    void cancelStopsBothSidesAndTheReceiverNeverSeesItsInputEnd() throws Exception {
        Path senderPid = tmp.resolve("sender.pid");
        Path completed = tmp.resolve("completed");
        Job job = start("echo $$ > " + quote(senderPid.toString()) + "; cat " + quote(payloadFile.toString()) + "; sleep 60",
                "cat > /dev/null; touch " + quote(completed.toString()));
        long until = System.currentTimeMillis() + 30_000;
        while (jdbc.queryForObject("select coalesce(max(bytes_done), 0) from job_step where job_id = ? and position = 1",
                Long.class, job.getId()) < payload.length && System.currentTimeMillis() < until) {
            Thread.sleep(50);
        }
        jobs.cancel(job.getId());
        Job cancelled = await(job, JobStatus.CANCELLED);

        assertThat(cancelled.getSteps().get(1).getStatus()).isEqualTo(StepStatus.CANCELLED);
        Thread.sleep(500);
        assertThat(completed).as("the receiver was killed, not handed an end of input").doesNotExist();
        assertThat(new ProcessBuilder("kill", "-0", Files.readString(senderPid).trim()).start().waitFor())
                .as("the sender's shell was killed").isNotZero();
        assertThat(artifacts.forJob(job.getId())).isEmpty();
    }
}
