package dev.migrationpanel.cairncms;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
import dev.migrationpanel.instance.CheckItem;
import dev.migrationpanel.instance.CheckStatus;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceCheck;
import dev.migrationpanel.instance.InstanceCheckService;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.job.FlowService;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.job.log.JobLogService;
import dev.migrationpanel.job.log.LogLine;
import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.lab.LabJobs;
import dev.migrationpanel.lab.LabLocks;

/**
 * CairnCMS in a Docker container through the panel, on the lab's cd-pgsql (src/test/lab/cairncms-docker.sh): a container
 * of the lab's own dockerd created with {@code --env-file} from a file on the host (no .env inside), its uploads on a
 * named volume at {@code ./uploads} of its working directory {@code /cairncms}, its DB on the host's PostgreSQL, holding
 * the same content as cs-pgsql. Registered as a Docker instance: the check and the pre-flight read its settings from the
 * container's environment, run its CLI and scan its storage inside; as the SOURCE of a structure promotion and of a full
 * clone into the host target ct-pgsql, both pass their proof and leave the source as it was. Negative controls: a
 * container that is not there blocks the check; the clone's proof fails on a changed byte on the target. A target in a
 * container: {@link CairnDockerTargetLabIT}. Runs under {@code flock /var/tmp/panel-lab/cairn-it.lock}.
 */
@SpringBootTest
@ResourceLock(LabLocks.CAIRNCMS)
@ResourceLock(LabLocks.CAIRNCMS_DOCKER)
class CairnDockerLabIT {

    static final String NAME = "cd-pgsql";

    @Autowired
    InstanceService instances;
    @Autowired
    InstanceCheckService checks;
    @Autowired
    CairnPreflight preflight;
    @Autowired
    FlowService flows;
    @Autowired
    JobService jobs;
    @Autowired
    JobLogService logs;
    @Autowired
    ArtifactStore artifacts;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    CairnCloneFlow cloneFlow;

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

    private String p(String key) {
        return lab.property("cairn." + NAME + "." + key);
    }

    private Instance registerDocker(String container) {
        return CairnLabInstances.registerDocker(instances, jdbc, lab, NAME, container);
    }

    private Instance register(String name) {
        return CairnLabInstances.register(instances, jdbc, lab, lab.cairn(name), true);
    }

    /** A query on cd-pgsql's DB, first column. */
    private List<String> sourceColumn(String sql) throws Exception {
        String url = "jdbc:postgresql://" + p("db.host") + ":" + p("db.port") + "/" + p("db.database");
        List<String> values = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, p("db.user"), p("db.password"));
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    private static Map<String, CheckItem> byName(List<CheckItem> items) {
        Map<String, CheckItem> result = new LinkedHashMap<>();
        items.forEach(i -> result.put(i.getName(), i));
        return result;
    }

    private Job await(long jobId, int seconds) throws InterruptedException {
        return LabJobs.settled(jobs, jobId, Duration.ofSeconds(seconds));
    }

    private String log(long jobId) {
        return String.join("\n", logs.after(jobId, 0, JobLogService.MAX_PAGE).stream().map(LogLine::line).toList());
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
        return out.strip();
    }

    /** The container's file list of its uploads with SHA-256 (the test's own eyes, through the lab's socket). */
    private String sourceSums() throws Exception {
        return run("docker", "-H", lab.property("docker.host"), "exec", p("container"), "sh", "-c",
                "cd /cairncms/uploads && find . -type f | sort | xargs sha256sum");
    }

    @Test
    void registeredInItsContainerTheCheckAndThePreflightReadItsEnvironmentAndLookInside() {
        Instance cms = registerDocker(p("container"));
        InstanceCheck check = checks.check(cms.getId());
        Map<String, CheckItem> items = byName(check.getItems());
        String report = check.getItems().stream().map(i -> i.getStatus() + " " + i.getName() + ": " + i.getMessage())
                .reduce("", (a, b) -> a + "\n" + b);
        assertThat(check.getItems()).as(report).noneMatch(i -> i.getStatus() == CheckStatus.BLOCKING);
        assertThat(items.get("Deployment").getMessage()).contains("Docker container " + p("container")).contains("running");
        assertThat(items.get("App version").getMessage()).as("the CLI run inside the container")
                .isEqualTo("CairnCMS " + p("version"));
        assertThat(items.get("package.json").getStatus()).isEqualTo(CheckStatus.OK);
        assertThat(items.get("DB reachable").getStatus()).as(report).isEqualTo(CheckStatus.OK);
        assertThat(report).as("the container's environment: its KEY, SECRET and DB_* read").contains("SECRET sha256:")
                .contains("STORAGE_LOCAL_ROOT").doesNotContain(p("secret")).doesNotContain(p("key"))
                .doesNotContain(p("db.password"));

        Map<String, CheckItem> pre = byName(preflight.run(cms));
        assertThat(pre.get("Storage local").getMessage()).as("./uploads of /cairncms, scanned inside the container")
                .startsWith("local, /cairncms/uploads: 5 file(s)");
        assertThat(pre.get("File bytes").getStatus()).isEqualTo(CheckStatus.WARNING);
        assertThat(pre.get("File bytes").getMessage()).startsWith("1 of 5 directus_files row(s) have no bytes: lost-scan.pdf (local/");
        assertThat(pre.get("/server/ping").getMessage()).isEqualTo("HTTP 200 pong");

        // negative control: a container that is not there blocks the check, and nothing is read
        Instance gone = registerDocker("panel-lab-no-such-cairncms");
        Map<String, CheckItem> goneItems = byName(checks.check(gone.getId()).getItems());
        assertThat(goneItems.get("Deployment").getStatus()).isEqualTo(CheckStatus.BLOCKING);
        assertThat(goneItems).doesNotContainKey("App version");
    }

    @Test
    void aSourceInDockerPromotesItsStructureToAHostTarget() throws Exception {
        Lab.CairnInstance t = lab.cairn("ct-pgsql");
        CairnCloneLabIT.freshTarget(t); // rebuilt only if a test left it changed (each rebuilds it after itself)
        try {
            Instance source = registerDocker(p("container"));
            Instance target = register(t.name());
            List<String> sourceCollections = sourceColumn("SELECT collection FROM directus_collections ORDER BY 1");
            assertThat(CairnContentMoveLabIT.column(t, "SELECT collection FROM directus_collections")).doesNotContain("articles");

            FlowService.Review review = flows.review(CairnPromotionFlow.ID, source.getId(),
                    Map.of("target", String.valueOf(target.getId())));
            List<String> commands = review.plan().steps().stream().map(s -> s.title() + ": " + s.spec().display()).toList();
            assertThat(commands).anyMatch(c -> c.startsWith("Snapshot the source's schema (schema snapshot, in container "
                    + p("container") + "): docker exec -i '" + p("container") + "' sh -c "));
            assertThat(commands).anyMatch(c -> c.startsWith("Copy the snapshots out of the container (docker cp)"));
            Job job = flows.start(CairnPromotionFlow.ID, source.getId(), review.plan().options(), review.digest());
            Job waiting = await(job.getId(), 300);
            assertThat(waiting.getStatus()).as(waiting.getMessage() + "\n" + log(job.getId())).isEqualTo(JobStatus.WAITING);
            assertThat(log(job.getId())).as("the dry run shown before anything is applied").contains("articles");
            jobs.continueAtGate(job.getId());
            Job done = await(job.getId(), 600);
            assertThat(done.getStatus()).as(done.getMessage() + "\n" + log(job.getId())).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(CairnContentMoveLabIT.column(t, "SELECT collection FROM directus_collections"))
                    .contains("authors", "articles", "comments");
            assertThat(CairnContentMoveLabIT.column(t, "SELECT name FROM directus_roles")).contains("Editor");
            assertThat(CairnContentMoveLabIT.column(t, "SELECT count(*) FROM articles")).as("no content moves")
                    .containsExactly("0");
            assertThat(sourceColumn("SELECT collection FROM directus_collections ORDER BY 1")).as("the source untouched")
                    .isEqualTo(sourceCollections);
            assertThat(run("docker", "-H", lab.property("docker.host"), "exec", p("container"), "sh", "-c",
                    "ls /tmp | grep -c panel-promotion || true")).as("the snapshots removed from the container").isEqualTo("0");
        } finally {
            Lab.reset(t.name());
        }
    }

    @Test
    void aSourceInDockerIsClonedToAHostTargetAndTheProofPassesThenFailsOnAChangedByte() throws Exception {
        Lab.CairnInstance t = lab.cairn("ct-pgsql");
        CairnCloneLabIT.freshTarget(t); // rebuilt only if a test left it changed (each rebuilds it after itself)
        try {
            Instance source = registerDocker(p("container"));
            Instance target = register(t.name());
            String sumsBefore = sourceSums();
            List<String> articlesBefore = sourceColumn("SELECT title FROM articles ORDER BY id");
            String credentials = cloneFlow.storeCredentials(source, p("admin.email"), p("admin.password"));
            Map<String, String> options = new HashMap<>(Map.of("target", String.valueOf(target.getId()), "pause",
                    "stop-source", "adminCredentials", credentials));
            List<CheckItem> pair = cloneFlow.pairChecks(source, target, options);
            assertThat(pair).as(pair.toString()).filteredOn(i -> i.getStatus() == CheckStatus.BLOCKING).isEmpty();
            assertThat(pair).anyMatch(i -> i.getName().equals("Source in Docker"));

            FlowService.Review review = flows.review(CairnCloneFlow.ID, source.getId(), options);
            StepSpec.Stream files = (StepSpec.Stream) review.plan().steps().stream()
                    .filter(s -> s.title().startsWith("Copy the file bytes of location local")).findFirst().orElseThrow().spec();
            assertThat(files.fromCommand()).isEqualTo("docker cp '" + p("container") + ":/cairncms/uploads/.' -");
            Job job = await(flows.start(CairnCloneFlow.ID, source.getId(), review.plan().options(), review.digest()).getId(), 600);
            String log = log(job.getId());
            assertThat(job.getStatus()).as(job.getMessage() + "\n" + log).isEqualTo(JobStatus.SUCCEEDED);
            String report = proofReport(job);
            assertThat(report).doesNotContain("FAIL ").contains("OK    KEY: the target's equals the source's",
                    "OK    SECRET: the target's equals the source's", "OK    articles: 4 row(s), checksums equal",
                    "OK    location local: all 5 file(s) of /cairncms/uploads on the target",
                    "OK    POST /auth/login: the source's admin " + p("admin.email") + " signs in on the target",
                    "INFO  lost-scan.pdf", "OK    The source's");
            assertThat(report).containsPattern("OK    GET /assets/\\S+ \\(.*\\): \\d+ bytes, SHA-256 equal to the source's file");
            for (String secret : List.of(p("key"), p("secret"), p("admin.password"), p("db.password"))) {
                assertThat(log).as("no secret in the log").doesNotContain(secret);
                assertThat(report).doesNotContain(secret);
            }
            assertThat(Files.readString(t.path().resolve(".env"))).contains("KEY=" + p("key") + "\n",
                    "SECRET=" + p("secret") + "\n", "PUBLIC_URL=" + t.appUrl() + "\n");
            assertThat(CairnContentMoveLabIT.column(t, "SELECT title FROM articles ORDER BY id")).isEqualTo(articlesBefore);
            // the source as it was: its bytes, its rows, its container serving again (recreated by its start command)
            assertThat(sourceSums()).isEqualTo(sumsBefore);
            assertThat(sourceColumn("SELECT title FROM articles ORDER BY id")).isEqualTo(articlesBefore);
            assertThat(run("curl", "-fsS", p("app.url") + "/server/ping")).isEqualTo("pong");

            // negative control: one byte changed on the target fails the proof's file check (record and proof run again;
            // the first proof's sign-in left a session and activity rows on the target, so this run fails on those too,
            // but the file line is the one the change caused: the first proof had no FAIL line at all)
            Plan again = proofOnly(review.plan());
            Path root = t.storageRoot("local");
            String file = sourceColumn("SELECT filename_disk FROM directus_files WHERE filename_download LIKE '%.png'").get(0);
            run("runuser", "-u", t.owner(), "--", "sh", "-c", "cd " + root + " && cp -p " + file + " " + file
                    + ".keep && printf x >> " + file);
            try {
                Job tampered = await(jobs.start(again).getId(), 300);
                assertThat(tampered.getStatus()).isEqualTo(JobStatus.FAILED);
                assertThat(proofReport(tampered)).contains("FAIL  location local: 1 file(s) whose SHA-256 differs on the "
                        + "target: " + file).containsPattern("FAIL  .*\\.png \\(local/" + file + "\\): the target's bytes differ");
            } finally {
                run("runuser", "-u", t.owner(), "--", "sh", "-c", "cd " + root + " && mv -f " + file + ".keep " + file);
            }
        } finally {
            Lab.reset(t.name());
        }
    }

    private String proofReport(Job job) throws Exception {
        var report = artifacts.forJob(job.getId()).stream().filter(a -> a.getKind() == ArtifactKind.LOG
                && a.getName().endsWith("-clone-proof.txt")).reduce((a, b) -> b).orElseThrow();
        try (InputStream in = artifacts.open(report.getId())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The clone's record and proof steps alone, the proof pointed at the record (the first step). */
    private static Plan proofOnly(Plan full) {
        Step record = full.steps().stream().filter(s -> s.title().equals(CairnCloneFlow.RECORD_TITLE)).findFirst().orElseThrow();
        Step proof = full.steps().stream().filter(s -> s.title().equals(CairnCloneFlow.PROOF_TITLE)).findFirst().orElseThrow();
        StepSpec.Verify verify = (StepSpec.Verify) proof.spec();
        Map<String, String> args = new HashMap<>(verify.args());
        args.put("recordStep", "0");
        Step again = new Step(proof.title(), proof.instanceId(), proof.instanceName(), false,
                new StepSpec.Verify(verify.check(), verify.description(), args), proof.timeout(), null);
        return new Plan(full.flow(), "Prove again", full.instanceId(), full.instanceName(), List.of(record, again),
                full.options());
    }
}
