package dev.migrationpanel.cairncms;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.migrationpanel.database.TableFingerprints;
import dev.migrationpanel.instance.DeploymentType;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceForm;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.SshAuthMethod;
import dev.migrationpanel.instance.TestInstances;
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

/**
 * CairnCMS in a Docker container as a TARGET, on the lab's cdt-pgsql (src/test/lab/cairncms-docker.sh: a bootstrapped-only
 * container beside cd-pgsql, its DB on the host's PostgreSQL, its settings its container's environment, created from
 * an env file by its bin/start), with cd-pgsql (the same content as cs-pgsql, in its own container) as the source: a
 * structure promotion copies the snapshots into the target's container, runs the dry runs, the apply and the proof with
 * the CLI inside, and its restore puts the target back; negative control: the same proof on the restored target fails.
 * Each test leaves cdt-pgsql as the lab built it (a lab reset when it could not). Runs under
 * {@code flock /var/tmp/panel-lab/cairn-it.lock}.
 */
@SpringBootTest
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

    /** A lab container instance registered as an admin would: Docker, its container, its CLI, start and stop. */
    private Instance registerDocker(String name) {
        InstanceForm form = new InstanceForm();
        form.setProduct(CairnCmsProfile.ID);
        form.setName(name + "-" + System.nanoTime());
        form.setSshHost(lab.sshHost());
        form.setSshPort(lab.sshPort());
        form.setSshUser(p(name, "owner"));
        form.setSshAuth(SshAuthMethod.PRIVATE_KEY);
        form.setSshPrivateKey(lab.privateKeyText(p(name, "owner"), "ed25519"));
        form.setSshPassphrase(lab.passphrase(p(name, "owner"), "ed25519"));
        form.setDeploymentType(DeploymentType.DOCKER);
        form.setContainerName(p(name, "container"));
        form.setInstallPath(p(name, "path"));
        form.setAppUrl(p(name, "app.url"));
        form.setProductSettings(Map.of(CairnCmsProfile.CLI, p(name, "cli"), CairnCmsProfile.START, p(name, "start"),
                CairnCmsProfile.STOP, p(name, "stop")));
        Instance instance = instances.create(form);
        TestInstances.pinLabHostKey(jdbc, instance.getId(), lab);
        return instances.get(instance.getId());
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
        long until = System.currentTimeMillis() + seconds * 1000L;
        Job job = jobs.get(jobId);
        while (job.getStatus().isActive() && job.getStatus() != JobStatus.WAITING && System.currentTimeMillis() < until) {
            Thread.sleep(300);
            job = jobs.get(jobId);
        }
        return job;
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
}
