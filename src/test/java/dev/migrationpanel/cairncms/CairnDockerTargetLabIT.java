package dev.migrationpanel.cairncms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.database.TableFingerprints;
import dev.migrationpanel.instance.CheckItem;
import dev.migrationpanel.instance.CheckStatus;
import dev.migrationpanel.instance.InstanceCheckService;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.job.Flow;
import dev.migrationpanel.job.FlowService;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.job.JobStep;
import dev.migrationpanel.job.JobView;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepStatus;
import dev.migrationpanel.job.log.JobLogService;
import dev.migrationpanel.job.log.LogLine;
import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.lab.LabJobs;
import dev.migrationpanel.lab.LabLocks;
import dev.migrationpanel.web.InvalidInputException;

/**
 * CairnCMS in a Docker container as a TARGET, on the lab's cdt-pgsql (src/test/lab/cairncms-docker.sh: a bootstrapped-only
 * container beside cd-pgsql, its DB on the host's PostgreSQL, its settings its container's environment, created from
 * an env file by its bin/start), with cd-pgsql (the same content as cs-pgsql, in its own container) as the source: a
 * structure promotion copies the snapshots into the target's container, runs the dry runs, the apply and the proof with
 * the CLI inside, and its restore puts the target back; negative control: the same proof on the restored target fails.
 * A full clone into it is blocked while the container's KEY and SECRET are its own (named by short hashes, never
 * shown); once its environment carries the source's (its env file changed, the container recreated by its bin/start, as
 * an admin would), the clone passes its proof and its rollback puts the target's DB and storage back.
 * Each test leaves cdt-pgsql as the lab built it (a lab reset when it could not). Runs under
 * {@code flock /var/tmp/panel-lab/cairn-it.lock}.
 */
@SpringBootTest
@ResourceLock(LabLocks.CAIRNCMS_DOCKER)
class CairnDockerTargetLabIT {

    static final String SOURCE = "cd-pgsql";
    static final String TARGET = "cdt-pgsql";

    @Autowired
    InstanceService instances;
    @Autowired
    FlowService flows;
    @Autowired
    JobService jobs;
    @Autowired
    JobLogService logs;
    @Autowired
    JdbcTemplate jdbc;

    final Lab lab = Lab.get();

    @BeforeEach
    void signIn() {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("lab-admin", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
    }

    @AfterEach
    void signOut() {
        SecurityContextHolder.clearContext();
    }

    private String p(String name, String key) {
        return lab.property("cairn." + name + "." + key);
    }

    private Instance registerDocker(String name) {
        return CairnLabInstances.registerDocker(instances, jdbc, lab, name);
    }

    private Connection db(String name) throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://" + p(name, "db.host") + ":" + p(name, "db.port") + "/"
                + p(name, "db.database"), p(name, "db.user"), p(name, "db.password"));
    }

    /** A query on the instance's DB, first column. */
    private List<String> column(String name, String sql) throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection c = db(name); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    private Map<String, TableFingerprints.Fingerprint> fingerprints(String name) throws Exception {
        try (Connection c = db(name)) {
            return TableFingerprints.of(c);
        }
    }

    private Job await(long jobId, int seconds) throws InterruptedException {
        return LabJobs.settled(jobs, jobId, Duration.ofSeconds(seconds));
    }

    private String log(long jobId) {
        return String.join("\n", logs.after(jobId, 0, JobLogService.MAX_PAGE).stream().map(LogLine::line).toList());
    }

    private static List<String> failedSteps(Job job) {
        return job.getSteps().stream().filter(s -> s.getStatus() == StepStatus.FAILED).map(JobStep::getTitle).toList();
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
        return out.strip();
    }

    /** A shell command inside a lab container (the test's own eyes, through the lab's socket). */
    private String inContainer(String name, String command) throws Exception {
        return run("docker", "-H", lab.property("docker.host"), "exec", p(name, "container"), "sh", "-c", command);
    }

    @Test
    void aStructurePromotionIntoAContainerPassesItsProofItsRestorePutsTheTargetBackAndTheProofThenFails() throws Exception {
        boolean asBuilt = false;
        try {
            Instance source = registerDocker(SOURCE);
            Instance target = registerDocker(TARGET);
            Map<String, TableFingerprints.Fingerprint> before = fingerprints(TARGET);
            List<String> sourceCollections = column(SOURCE, "SELECT collection FROM directus_collections ORDER BY 1");
            assertThat(column(TARGET, "SELECT collection FROM directus_collections")).doesNotContain("articles");

            FlowService.Review review = flows.review(CairnPromotionFlow.ID, source.getId(),
                    Map.of("target", String.valueOf(target.getId())));
            String container = p(TARGET, "container");
            Map<String, String> commands = new java.util.LinkedHashMap<>();
            review.plan().steps().forEach(s -> commands.put(s.title(), s.spec().display()));
            assertThat(commands.get("Dump the system DB (PostgreSQL)")).as("the target's networked DB dumped on the SSH host")
                    .doesNotContain("docker exec");
            assertThat(commands.get("Apply the schema (schema apply, in container " + container + ")"))
                    .startsWith("docker exec -i '" + container + "' sh -c ");
            Job job = flows.start(CairnPromotionFlow.ID, source.getId(), review.plan().options(), review.digest());
            Job waiting = await(job.getId(), 300);
            assertThat(waiting.getStatus()).as(waiting.getMessage() + "\n" + log(job.getId())).isEqualTo(JobStatus.WAITING);
            assertThat(log(job.getId())).as("the target's dry run shown before anything is applied").contains("articles");
            assertThat(fingerprints(TARGET)).as("nothing applied before the gate").isEqualTo(before);
            jobs.continueAtGate(job.getId());
            Job done = await(job.getId(), 600);
            assertThat(done.getStatus()).as(done.getMessage() + "\n" + log(job.getId())).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(log(job.getId())).as("the proof's dry run, inside the container").contains("No changes to apply");
            assertThat(column(TARGET, "SELECT collection FROM directus_collections")).contains("authors", "articles",
                    "comments");
            assertThat(column(TARGET, "SELECT name FROM directus_roles")).contains("Editor");
            assertThat(column(TARGET, "SELECT count(*) FROM articles")).as("no content moves").containsExactly("0");
            assertThat(column(SOURCE, "SELECT collection FROM directus_collections ORDER BY 1")).as("the source untouched")
                    .isEqualTo(sourceCollections);
            assertThat(inContainer(TARGET, "ls /tmp | grep -c panel-promotion || true"))
                    .as("the snapshots removed from the target's container").isEqualTo("0");
            assertThat(run("curl", "-fsS", p(TARGET, "app.url") + "/server/ping")).as("restarted and serving").isEqualTo("pong");

            // the promotion's follow-up restores the container target's DB from the backup taken before applying
            List<Flow.FollowUp> followUps = flows.flow(CairnPromotionFlow.ID).followUps(JobView.of(done),
                    jobs.options(done.getId()));
            assertThat(followUps).singleElement().satisfies(f -> {
                assertThat(f.flowId()).isEqualTo(CairnMoveRollbackFlow.ID);
                assertThat(f.instanceId()).isEqualTo(target.getId());
            });
            FlowService.Review rollback = flows.review(CairnMoveRollbackFlow.ID, target.getId(), followUps.get(0).options());
            Job restored = await(flows.start(CairnMoveRollbackFlow.ID, target.getId(), rollback.plan().options(),
                    rollback.digest()).getId(), 300);
            assertThat(restored.getStatus()).as(restored.getMessage() + "\n" + log(restored.getId()))
                    .isEqualTo(JobStatus.SUCCEEDED);
            assertThat(fingerprints(TARGET)).as("the target's DB as the promotion found it").isEqualTo(before);
            asBuilt = true;

            // negative control: the promotion's proof, run again on the restored target (snapshots taken and copied in
            // anew, the same verify command), fails: the structure is not there
            List<Step> steps = review.plan().steps();
            List<Step> again = new ArrayList<>();
            for (Step step : steps) {
                String t = step.title();
                if (t.startsWith("Snapshot the source") || t.startsWith("Copy the snapshots out") || t.startsWith("Carry both")
                        || t.startsWith("Copy the snapshots into the container (") || t.equals(CairnPromotionFlow.VERIFY)) {
                    again.add(step);
                }
            }
            assertThat(again).hasSize(6);
            again.add(0, steps.get(0)); // the source's work directory
            Job proof = await(jobs.start(new Plan(review.plan().flow(), "Prove again", source.getId(), source.getName(),
                    again, review.plan().options())).getId(), 300);
            assertThat(proof.getStatus()).as(log(proof.getId())).isEqualTo(JobStatus.FAILED);
            assertThat(failedSteps(proof)).containsExactly(CairnPromotionFlow.VERIFY);
            assertThat(fingerprints(TARGET)).as("a proof only reads").isEqualTo(before);
            inContainer(TARGET, "rm -rf /tmp/panel-promotion-*");
        } finally {
            if (!asBuilt) {
                Lab.reset(TARGET);
            }
        }
    }

    @Autowired
    CairnCloneFlow cloneFlow;
    @Autowired
    ArtifactStore artifacts;

    private static Map<String, CheckItem> byName(List<CheckItem> items) {
        Map<String, CheckItem> result = new java.util.LinkedHashMap<>();
        items.forEach(i -> result.put(i.getName(), i));
        return result;
    }

    @Test
    void aCloneIntoAContainerWhoseKeyAndSecretDifferFromTheSourcesIsBlockedSayingWhatToSetWithoutShowingThem() {
        Instance source = registerDocker(SOURCE);
        Instance target = registerDocker(TARGET);
        Map<String, String> options = Map.of("target", String.valueOf(target.getId()), "pause", "accept-inconsistency");
        Map<String, CheckItem> pair = byName(cloneFlow.pairChecks(source, target, options));
        CheckItem env = pair.get("Container environment");
        assertThat(env.getStatus()).as(pair.toString()).isEqualTo(CheckStatus.BLOCKING);
        assertThat(env.getMessage()).contains("KEY (the source's sha256:" + InstanceCheckService.shortHash(p(SOURCE, "key")),
                "the target's sha256:" + InstanceCheckService.shortHash(p(TARGET, "key")), "SECRET (the source's sha256:",
                "recreate the container").doesNotContain("STORAGE_");
        assertThat(pair.get("Target in Docker").getStatus()).isEqualTo(CheckStatus.OK);
        assertThat(pair.get("Fresh target").getStatus()).as("the lab's target is a bootstrap only").isEqualTo(CheckStatus.OK);
        assertThat(pair.get("Storage local in the container").getMessage()).isEqualTo("/cairncms/uploads is on its mount "
                + "/cairncms/uploads");
        assertThatThrownBy(() -> flows.review(CairnCloneFlow.ID, source.getId(), options))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("Container environment: The environment of "
                        + "container " + p(TARGET, "container") + " differs from the source's");
        for (String secret : List.of(p(SOURCE, "key"), p(SOURCE, "secret"), p(TARGET, "key"), p(TARGET, "secret"))) {
            assertThat(pair.toString()).as("no KEY or SECRET shown").doesNotContain(secret);
        }
    }

    @Test
    void aCloneIntoAContainerCarryingTheSourcesKeyAndSecretPassesItsProofAndItsRollbackPutsTheTargetBack() throws Exception {
        String owner = p(TARGET, "owner");
        String envFile = p(TARGET, "envfile");
        try {
            // what the admin does for the blocked check: the source's KEY and SECRET in the container's environment, the
            // container recreated from it (the lab's bin/start: docker rm, docker run --env-file)
            run("runuser", "-u", owner, "--", "sed", "-i", "-e", "s|^KEY=.*|KEY=" + p(SOURCE, "key") + "|", "-e",
                    "s|^SECRET=.*|SECRET=" + p(SOURCE, "secret") + "|", envFile);
            run("runuser", "-u", owner, "--", p(TARGET, "start"));
            Instance source = registerDocker(SOURCE);
            Instance target = registerDocker(TARGET);
            Map<String, TableFingerprints.Fingerprint> before = fingerprints(TARGET);
            List<String> articles = column(SOURCE, "SELECT title FROM articles ORDER BY id");
            String credentials = cloneFlow.storeCredentials(source, p(SOURCE, "admin.email"), p(SOURCE, "admin.password"));
            Map<String, String> options = Map.of("target", String.valueOf(target.getId()), "pause", "stop-source",
                    "adminCredentials", credentials);
            List<CheckItem> pair = cloneFlow.pairChecks(source, target, options);
            assertThat(pair).as(pair.toString()).noneMatch(i -> i.getStatus() == CheckStatus.BLOCKING);
            assertThat(byName(pair).get("Container environment").getStatus()).isEqualTo(CheckStatus.OK);

            FlowService.Review review = flows.review(CairnCloneFlow.ID, source.getId(), options);
            Job job = await(flows.start(CairnCloneFlow.ID, source.getId(), review.plan().options(), review.digest()).getId(),
                    600);
            String log = log(job.getId());
            assertThat(job.getStatus()).as(job.getMessage() + "\n" + log).isEqualTo(JobStatus.SUCCEEDED);
            String report = proofReport(job);
            assertThat(report).doesNotContain("FAIL ").contains("OK    KEY: the target's equals the source's",
                    "OK    SECRET: the target's equals the source's", "OK    articles: 4 row(s), checksums equal",
                    "OK    location local: all 5 file(s) of /cairncms/uploads on the target",
                    "OK    POST /auth/login: the source's admin " + p(SOURCE, "admin.email") + " signs in on the target",
                    "INFO  lost-scan.pdf");
            assertThat(report).containsPattern("OK    GET /assets/\\S+ \\(.*\\): \\d+ bytes, SHA-256 equal to the source's file");
            for (String secret : List.of(p(SOURCE, "key"), p(SOURCE, "secret"), p(SOURCE, "admin.password"),
                    p(TARGET, "db.password"))) {
                assertThat(log).as("no secret in the log").doesNotContain(secret);
                assertThat(report).doesNotContain(secret);
            }
            assertThat(column(TARGET, "SELECT title FROM articles ORDER BY id")).isEqualTo(articles);
            assertThat(inContainer(TARGET, "cd /cairncms/uploads && find . -type f ! -user \"$(id -u)\" | wc -l"))
                    .as("the bytes owned as the container's user owns its own").isEqualTo("0");
            assertThat(run("curl", "-fsS", p(SOURCE, "app.url") + "/server/ping")).as("the source serving again")
                    .isEqualTo("pong");

            // the clone's rollback: the DB restored from the SSH host, the storage root emptied and put back on the volume
            List<Flow.FollowUp> followUps = flows.flow(CairnCloneFlow.ID).followUps(JobView.of(job), jobs.options(job.getId()));
            assertThat(followUps).singleElement().satisfies(f -> assertThat(f.flowId()).isEqualTo(CairnCloneRollbackFlow.ID));
            FlowService.Review rollback = flows.review(CairnCloneRollbackFlow.ID, target.getId(), followUps.get(0).options());
            Job back = await(flows.start(CairnCloneRollbackFlow.ID, target.getId(), rollback.plan().options(),
                    rollback.digest()).getId(), 300);
            assertThat(back.getStatus()).as(back.getMessage() + "\n" + log(back.getId())).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(fingerprints(TARGET)).as("the target's DB as the clone found it").isEqualTo(before);
            assertThat(inContainer(TARGET, "find /cairncms/uploads -type f | wc -l")).as("the copied bytes gone")
                    .isEqualTo("0");
        } finally {
            Lab.reset(TARGET); // its environment was changed
        }
    }

    private String proofReport(Job job) throws Exception {
        var report = artifacts.forJob(job.getId()).stream().filter(a -> a.getKind() == ArtifactKind.LOG
                && a.getName().endsWith("-clone-proof.txt")).reduce((a, b) -> b).orElseThrow();
        try (java.io.InputStream in = artifacts.open(report.getId())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
