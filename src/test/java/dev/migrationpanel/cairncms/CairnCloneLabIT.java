package dev.migrationpanel.cairncms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.job.FlowService;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.job.JobStep;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.job.StepStatus;
import dev.migrationpanel.job.log.JobLogService;
import dev.migrationpanel.job.log.LogLine;
import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.lab.LabJobs;
import dev.migrationpanel.lab.LabLocks;
import dev.migrationpanel.web.InvalidInputException;

/**
 * The full clone on the lab's real CairnCMS, through the panel's flow and job engine: cs-pgsql → ct-pgsql (source
 * stopped for the copy, sessions kept, the admin signs in on the target; before it, the refusals of a target that is
 * not fresh, of another version and of another vendor, and a clone whose proof fails (a refused sign-in) rolled back), cs-mariadb →
 * ct-mariadb (inconsistency accepted, sessions purged) and cs-sqlite → ct-sqlite (no sign-in given; the proof's
 * negative controls: a file's bytes, a row and SECRET changed on the target each fail it, put back it passes).
 * Every clone passes its proof; the targets are rebuilt after.
 */
@SpringBootTest
@ResourceLock(LabLocks.CAIRNCMS)
class CairnCloneLabIT {

    @Autowired
    InstanceService instances;
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
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeEach
    void signIn() {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("lab-admin", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
    }

    @AfterEach
    void signOut() {
        SecurityContextHolder.clearContext();
    }

    private Instance register(String name) {
        return CairnLabInstances.register(instances, jdbc, lab, lab.cairn(name), true);
    }

    private Job await(long jobId) throws InterruptedException {
        return LabJobs.settled(jobs, jobId, Duration.ofMinutes(6));
    }

    private Job clone(Instance source, Instance target, Map<String, String> extra) throws InterruptedException {
        Map<String, String> options = new HashMap<>(extra);
        options.put("target", String.valueOf(target.getId()));
        FlowService.Review review = flows.review(CairnCloneFlow.ID, source.getId(), options);
        return await(flows.start(CairnCloneFlow.ID, source.getId(), review.plan().options(), review.digest()).getId());
    }

    private static JobStep step(Job job, String titleStart) {
        return job.getSteps().stream().filter(s -> s.getTitle().startsWith(titleStart)).findFirst().orElseThrow();
    }

    private String proofReport(Job job) throws Exception {
        var report = artifacts.forJob(job.getId()).stream().filter(a -> a.getKind() == ArtifactKind.LOG
                && a.getName().endsWith("-clone-proof.txt")).reduce((a, b) -> b).orElseThrow();
        try (InputStream in = artifacts.open(report.getId())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private String log(Job job) {
        return String.join("\n", logs.after(job.getId(), 0, JobLogService.MAX_PAGE).stream().map(LogLine::line).toList());
    }

    /** A statement run on a lab instance's DB: over JDBC, or by its owner's sqlite3 (so no file changes hands). */
    private static void sql(Lab.CairnInstance cairn, String statement) throws Exception {
        if (cairn.dbFilename() != null) {
            run("runuser", "-u", cairn.owner(), "--", "sqlite3", cairn.dbFilename().toString(), statement);
            return;
        }
        try (Connection c = DriverManager.getConnection(cairn.jdbcUrl(), cairn.dbUser(), cairn.dbPassword());
                Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    private static List<String> column(Lab.CairnInstance cairn, String query) throws Exception {
        if (cairn.dbFilename() != null) {
            String out = run("runuser", "-u", cairn.owner(), "--", "sqlite3", cairn.dbFilename().toString(), query);
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }
        List<String> values = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(cairn.jdbcUrl(), cairn.dbUser(), cairn.dbPassword());
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
        return out.strip();
    }

    private static void asOwner(Lab.CairnInstance cairn, String shell) throws Exception {
        run("runuser", "-u", cairn.owner(), "--", "sh", "-c", shell);
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static boolean pings(String base) {
        try {
            return get(base + "/server/ping").body().equals("pong");
        } catch (Exception e) {
            return false;
        }
    }

    /** The target rebuilt unless it is as the lab built it already (its own KEY, no collection, no file, serving). */
    static void freshTarget(Lab.CairnInstance t) throws Exception {
        boolean fresh = Files.readString(t.path().resolve(".env")).contains("KEY=" + t.key() + "\n")
                && column(t, "SELECT count(*) FROM directus_collections").equals(List.of("0"))
                && column(t, "SELECT count(*) FROM directus_files").equals(List.of("0")) && pings(t.appUrl());
        if (!fresh) {
            Lab.reset(t.name());
        }
    }

    /** Every regular file under a root (relative path → SHA-256); none when the root does not exist. */
    private static Map<String, String> files(Path root) throws Exception {
        Map<String, String> found = new java.util.TreeMap<>();
        if (!Files.isDirectory(root)) {
            return found;
        }
        try (var walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                found.put(root.relativize(file).toString(), CairnCloneProof.sha256(Files.readAllBytes(file)));
            }
        }
        return found;
    }

    /** What every successful clone shows: its proof passed, the target serves the source's content, source unchanged. */
    private void assertCloned(Job job, Lab.CairnInstance s, Lab.CairnInstance t, boolean signedIn) throws Exception {
        assertThat(job.getStatus()).as(job.getMessage() + "\n" + log(job)).isEqualTo(JobStatus.SUCCEEDED);
        String report = proofReport(job);
        assertThat(report).doesNotContain("FAIL ").contains("OK    directus_migrations: the same 66 on both sides",
                "OK    KEY: the target's equals the source's", "OK    SECRET: the target's equals the source's",
                "OK    articles: 4 row(s), checksums equal", "OK    tags: 3 row(s), checksums equal",
                "OK    articles_tags: 4 row(s), checksums equal", "OK    GET /server/ping: pong",
                "INFO  lost-scan.pdf", "no bytes on the source either", "OK    The source's");
        assertThat(report).containsPattern("OK    4 directus_files row\\(s\\) with their bytes on the target");
        if (signedIn) {
            assertThat(report).contains("OK    POST /auth/login: the source's admin admin@example.com signs in on the target")
                    .containsPattern("OK    GET /items/articles/\\S+: the source's row")
                    .containsPattern("OK    GET /assets/\\S+ \\(.*\\): \\d+ bytes, SHA-256 equal to the source's file");
        } else {
            assertThat(report).contains("INFO  No admin sign-in was given");
        }
        for (String secret : List.of(s.key(), s.secret(), s.adminPassword(), t.secret())) {
            assertThat(log(job)).as("no secret in the log").doesNotContain(secret);
            assertThat(report).doesNotContain(secret);
        }
        assertThat(Files.readString(t.path().resolve(".env"))).contains("KEY=" + s.key() + "\n", "SECRET=" + s.secret() + "\n",
                "PUBLIC_URL=" + t.appUrl() + "\n").doesNotContain("KEY=" + t.key());
        assertThat(column(t, "SELECT title FROM articles ORDER BY id")).isEqualTo(column(s, "SELECT title FROM articles ORDER BY id"));
        assertThat(get(t.appUrl() + "/server/ping").body()).isEqualTo("pong");
        assertThat(get(s.appUrl() + "/server/ping").body()).as("the source serves").isEqualTo("pong");
    }

    @Test
    void pgsqlRefusalsThenAFailedCloneRolledBackThenACloneThatPassesItsProof() throws Exception {
        Lab.CairnInstance s = lab.cairn("cs-pgsql");
        Lab.CairnInstance t = lab.cairn("ct-pgsql");
        freshTarget(t);
        try {
            Instance source = register("cs-pgsql");
            Instance target = register("ct-pgsql");
            Instance sqliteTarget = register("ct-sqlite");
            String credentials = cloneFlow.storeCredentials(source, s.adminEmail(), s.adminPassword());
            Map<String, String> options = Map.of("pause", "stop-source", "adminCredentials", credentials);

            // the pair checks of a good pair: nothing blocking; the source's lost file listed as a warning
            List<CheckItem> checks = cloneFlow.pairChecks(source, target, options);
            assertThat(checks).filteredOn(i -> i.getStatus() == CheckStatus.BLOCKING).isEmpty();
            assertThat(checks).filteredOn(i -> i.getName().equals("File bytes")).singleElement()
                    .satisfies(i -> assertThat(i.getMessage()).contains("lost-scan.pdf"))
                    .satisfies(i -> assertThat(i.getStatus()).isEqualTo(CheckStatus.WARNING));

            // failure switches: another vendor, another version (one more migration), a target that is not fresh
            assertThatThrownBy(() -> clone(source, sqliteTarget, options)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("runs on PostgreSQL, the target on SQLite").hasMessageContaining("HTTP API");
            sql(t, "INSERT INTO directus_migrations (version, name) VALUES ('20990101A', 'Panel lab extra')");
            assertThatThrownBy(() -> clone(source, target, options)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("directus_migrations differ (only on the target: 20990101A)")
                    .hasMessageContaining("align the versions first");
            sql(t, "DELETE FROM directus_migrations WHERE version = '20990101A'");
            sql(t, "INSERT INTO directus_folders (id, name) VALUES ('6f1c2a57-3a2e-4e41-9a55-0d1b3c7e2f10', 'Not fresh')");
            assertThatThrownBy(() -> clone(source, target, options)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("is not fresh: 1 folders");
            sql(t, "DELETE FROM directus_folders");

            // the target's storage as the clone finds it: a file of its own, and one the clone will overwrite (the
            // name of one of the source's files, other bytes); the archive location only the source declares
            Map<String, String> sourceLocal = files(s.storageRoot("local"));
            String overwritten = column(s, "SELECT filename_disk FROM directus_files WHERE storage = 'local' ORDER BY id")
                    .stream().filter(sourceLocal::containsKey).findFirst().orElseThrow();
            asOwner(t, "printf 'the target own file\\n' > " + t.storageRoot("local").resolve("own.txt") + " && printf "
                    + "'not the source bytes\\n' > " + t.storageRoot("local").resolve(overwritten));
            Map<String, String> localBefore = files(t.storageRoot("local"));
            Map<String, String> archiveBefore = files(t.path().resolve("archive"));
            assertThat(localBefore).containsKeys("own.txt", overwritten);

            // a clone that fails at its end (the proof: the admin's sign-in is refused), then rolled back
            String wrong = cloneFlow.storeCredentials(source, s.adminEmail(), "not-the-password");
            Job failed = clone(source, target, Map.of("pause", "stop-source", "adminCredentials", wrong));
            assertThat(failed.getStatus()).as(failed.getMessage()).isEqualTo(JobStatus.FAILED);
            assertThat(failed.getMessage()).contains("The proof failed on 1 point(s): POST /auth/login as admin@example.com");
            assertThat(log(failed)).doesNotContain("not-the-password");
            assertThat(column(t, "SELECT count(*) FROM articles")).as("the DB was cloned").containsExactly("4");
            assertThat(Files.readString(t.path().resolve(".env"))).contains("KEY=" + s.key() + "\n");
            assertThat(files(t.storageRoot("local"))).as("the bytes were copied").isNotEqualTo(localBefore)
                    .containsEntry(overwritten, sourceLocal.get(overwritten));
            assertThat(files(t.path().resolve("archive"))).isNotEqualTo(archiveBefore);
            List<dev.migrationpanel.job.Flow.FollowUp> followUps = flows.followUps(jobs.get(failed.getId()));
            assertThat(followUps).extracting(dev.migrationpanel.job.Flow.FollowUp::flowId).contains(CairnCloneRollbackFlow.ID);
            var rollback = followUps.stream().filter(f -> f.flowId().equals(CairnCloneRollbackFlow.ID)).findFirst().orElseThrow();
            FlowService.Review review = flows.review(CairnCloneRollbackFlow.ID, rollback.instanceId(), rollback.options());
            Job rolledBack = await(flows.start(CairnCloneRollbackFlow.ID, rollback.instanceId(), review.plan().options(),
                    review.digest()).getId());
            assertThat(rolledBack.getStatus()).as(rolledBack.getMessage() + "\n" + log(rolledBack)).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(column(t, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"))
                    .as("the target's DB as before").doesNotContain("articles").contains("directus_users");
            assertThat(column(t, "SELECT count(*) FROM directus_users")).containsExactly("1");
            assertThat(Files.readString(t.path().resolve(".env"))).contains("KEY=" + t.key() + "\n", "SECRET=" + t.secret() + "\n");
            assertThat(files(t.storageRoot("local"))).as("the copied bytes gone, the overwritten file's bytes back")
                    .isEqualTo(localBefore);
            assertThat(files(t.path().resolve("archive"))).as("nothing left of the copy").isEqualTo(archiveBefore);
            asOwner(t, "rm -f " + t.storageRoot("local").resolve("own.txt") + " " + t.storageRoot("local").resolve(overwritten));
            assertThat(review.plan().steps().get(0).title()).isEqualTo("Start the source's service (the clone stopped it for the copy)");
            assertThat(get(s.appUrl() + "/server/ping").body()).as("the source serves").isEqualTo("pong");
            assertThat(get(t.appUrl() + "/server/ping").body()).isEqualTo("pong");
            assertThat(cloneFlow.pairChecks(source, target, options)).as("fresh again")
                    .filteredOn(i -> i.getStatus() == CheckStatus.BLOCKING).isEmpty();

            // the clone, whole
            Job job = clone(source, target, options);
            assertCloned(job, s, t, true);
            assertThat(proofReport(job)).contains("OK    location archive: all 1 file(s)", "OK    directus_sessions:");
            assertThat(Files.readString(t.path().resolve(".env"))).contains("STORAGE_LOCATIONS=local,archive\n",
                    "STORAGE_ARCHIVE_ROOT=" + t.path().resolve("archive") + "\n",
                    "STORAGE_LOCAL_ROOT=" + t.storageRoot("local") + "\n");
            assertThat(step(job, "Pause writes: stop the source's service").getStatus().name()).isEqualTo("SUCCEEDED");
            Files.createDirectories(Path.of("target/proof-reports"));
            Files.writeString(Path.of("target/proof-reports/clone-proof-pgsql.txt"), proofReport(job));
        } finally {
            Lab.reset("ct-pgsql");
        }
    }

    /**
     * MariaDB, the source left running and its sessions purged on the target; the job stops after the proof (a step
     * added after it fails) and is resumed from the proof twice: it passes on the tables its own earlier sign-in
     * wrote, and fails once the test wrote one of them as well.
     */
    @Test
    void mariadbCloneWithTheSessionsPurgedThenResumedFromItsProofAfterItsSignIn() throws Exception {
        Lab.CairnInstance s = lab.cairn("cs-mariadb");
        Lab.CairnInstance t = lab.cairn("ct-mariadb");
        freshTarget(t);
        try {
            Instance source = register("cs-mariadb");
            Instance target = register("ct-mariadb");
            String credentials = cloneFlow.storeCredentials(source, s.adminEmail(), s.adminPassword());
            Map<String, String> options = new HashMap<>(Map.of("target", String.valueOf(target.getId()), "pause",
                    "accept-inconsistency", "sessions", "purge", "adminCredentials", credentials));
            // the clone's plan with one more step after it, which fails: the job stops after its proof signed in
            Plan plan = flows.review(CairnCloneFlow.ID, source.getId(), options).plan();
            List<Step> steps = new java.util.ArrayList<>(plan.steps());
            steps.add(new Step("A step after the proof that fails", target.getId(), target.getName(), false,
                    new StepSpec.RemoteCommand("exit 3"), Duration.ofSeconds(30), null));
            Job job = await(jobs.start(new Plan(plan.flow(), plan.title(), plan.instanceId(), plan.instanceName(), steps,
                    plan.options())).getId());
            assertThat(job.getStatus()).as(job.getMessage()).isEqualTo(JobStatus.FAILED);
            assertThat(job.getMessage()).contains("A step after the proof that fails");
            JobStep proof = step(job, CairnCloneFlow.PROOF_TITLE);
            assertThat(proof.getStatus()).isEqualTo(StepStatus.SUCCEEDED);
            assertThat(proofReport(job)).contains("OK    directus_sessions: emptied as chosen",
                    "OK    POST /auth/login: the source's admin");
            assertThat(job.getSteps().stream().filter(st -> st.getTitle().startsWith("Pause writes")).findFirst()
                    .orElseThrow().getKind()).isEqualTo(StepSpec.NOTE);

            // resumed from the proof: what its own sign-in wrote (a session, a login, the last access) is not the clone's
            jobs.resume(job.getId(), proof.getPosition());
            Job resumed = await(job.getId());
            String again = proofReport(resumed);
            assertThat(step(resumed, CairnCloneFlow.PROOF_TITLE).getStatus()).as(again).isEqualTo(StepStatus.SUCCEEDED);
            for (String table : List.of("directus_sessions", "directus_activity", "directus_users")) {
                assertThat(again).containsPattern("OK    " + table + ": \\d+ row\\(s\\), as an earlier run of this proof left it "
                        + "right after its own sign-in");
            }
            assertThat(again).doesNotContain("FAIL ").contains("OK    POST /auth/login: the source's admin");
            // negative control: a write the sign-in did not make
            sql(t, "UPDATE directus_users SET last_access = '2020-01-02 03:04:05'");
            jobs.resume(job.getId(), proof.getPosition());
            Job third = await(job.getId());
            assertThat(step(third, CairnCloneFlow.PROOF_TITLE).getStatus()).isEqualTo(StepStatus.FAILED);
            assertThat(proofReport(third)).containsPattern("FAIL  directus_users: source \\d+ row\\(s\\) checksum")
                    .containsPattern("OK    directus_sessions: \\d+ row\\(s\\), as an earlier run of this proof left it");
        } finally {
            Lab.reset("ct-mariadb");
        }
    }

    /**
     * SQLite, cloned without a sign-in; then the proof's negative controls: the source's record and the proof alone
     * run again on the cloned pair (passes), with one file's bytes, one row and SECRET changed on the target in turn
     * (each fails with its own line), and once all is put back (passes again).
     */
    @Test
    void sqliteCloneThenTheProofFailsOnChangedBytesARowAndSecret() throws Exception {
        Lab.CairnInstance s = lab.cairn("cs-sqlite");
        Lab.CairnInstance t = lab.cairn("ct-sqlite");
        freshTarget(t);
        try {
            Instance source = register("cs-sqlite");
            Instance target = register("ct-sqlite");
            Map<String, String> options = new HashMap<>(Map.of("target", String.valueOf(target.getId()), "pause",
                    "stop-source"));
            Plan full = flows.review(CairnCloneFlow.ID, source.getId(), options).plan();
            Job job = await(jobs.start(full).getId());
            assertCloned(job, s, t, false);
            Files.createDirectories(Path.of("target/proof-reports"));
            Files.writeString(Path.of("target/proof-reports/clone-proof-sqlite.txt"), proofReport(job));

            Plan proofOnly = proofOnly(full);
            assertThat(proveAgain(proofOnly).getStatus()).as("the cloned pair as it is").isEqualTo(JobStatus.SUCCEEDED);

            Path root = t.storageRoot("local");
            String file = column(s, "SELECT filename_disk FROM directus_files WHERE filename_download LIKE '%.png'").get(0);
            asOwner(t, "cd " + root + " && cp -p " + file + " " + file + ".keep && printf x >> " + file);
            assertThat(failedProof(proofOnly)).contains("FAIL  location local: 1 file(s) whose SHA-256 differs on the target: "
                    + file).containsPattern("FAIL  .*\\.png \\(local/" + file + "\\): the target's bytes differ");
            asOwner(t, "cd " + root + " && mv -f " + file + ".keep " + file);

            sql(t, "UPDATE directus_roles SET name = 'Changed on the target' WHERE name = 'Editor'");
            assertThat(failedProof(proofOnly)).containsPattern("FAIL  directus_roles: source \\d+ row\\(s\\) checksum");
            sql(t, "UPDATE directus_roles SET name = 'Editor' WHERE name = 'Changed on the target'");

            asOwner(t, "cd " + t.path() + " && sed -i 's/^SECRET=/SECRET=changed-/' .env");
            assertThat(failedProof(proofOnly)).contains("FAIL  SECRET: the target's differs from the source's")
                    .doesNotContain(s.secret());
            asOwner(t, "cd " + t.path() + " && sed -i 's/^SECRET=changed-/SECRET=/' .env");

            Job again = proveAgain(proofOnly);
            assertThat(again.getStatus()).as("all put back: " + proofReport(again)).isEqualTo(JobStatus.SUCCEEDED);
        } finally {
            Lab.reset("ct-sqlite");
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

    private Job proveAgain(Plan proofOnly) throws InterruptedException {
        return await(jobs.start(proofOnly).getId());
    }

    private String failedProof(Plan proofOnly) throws Exception {
        Job job = proveAgain(proofOnly);
        assertThat(job.getStatus()).as(job.getMessage()).isEqualTo(JobStatus.FAILED);
        return proofReport(job);
    }
}
