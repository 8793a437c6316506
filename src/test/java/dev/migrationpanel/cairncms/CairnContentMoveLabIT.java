package dev.migrationpanel.cairncms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
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

import dev.migrationpanel.artifact.Artifact;
import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.database.TableFingerprints;
import dev.migrationpanel.instance.CheckItem;
import dev.migrationpanel.instance.CheckStatus;
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
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.job.StepStatus;
import dev.migrationpanel.job.log.JobLogService;
import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.lab.LabJobs;
import dev.migrationpanel.lab.LabLocks;
import dev.migrationpanel.web.InvalidInputException;

/**
 * The content move on the lab's real CairnCMS, through the panel: the target's structure is made to match first with
 * the real CLI ({@code schema snapshot} on the source, {@code schema apply} on the target, as their owners), then
 * {@code authors,articles,tags} with the file their rows reference and the many-to-many junction articles_tags move
 * from each source to the target of the same vendor (PostgreSQL, MariaDB, SQLite), each passing its proof; articles
 * without tags is refused (it would cut the junction). On PostgreSQL also: the refusals (a target whose schema does
 * not match, a system table chosen, a key conflict under {@code refuse}), a move that fails (a foreign key to rows the
 * target lacks) and its offered rollback, {@code skip} and {@code overwrite} doing what they say, and the proof's
 * negative controls (a moved row changed, a referenced file's bytes changed and missing, a table outside the move
 * changed) each failing it and passing again once put back.
 */
@SpringBootTest
@ResourceLock(LabLocks.CAIRNCMS)
class CairnContentMoveLabIT {

    @Autowired
    InstanceService instances;
    @Autowired
    FlowService flows;
    @Autowired
    JobService jobs;
    @Autowired
    ArtifactStore artifacts;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    CairnContentMoveFlow moveFlow;
    @Autowired
    JobLogService logs;

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

    private Instance register(Lab.CairnInstance cairn) {
        return CairnLabInstances.register(instances, jdbc, lab, cairn, true);
    }

    private Job await(long jobId) throws InterruptedException {
        return LabJobs.settled(jobs, jobId, Duration.ofMinutes(10));
    }

    private Job move(Instance source, Instance target, String collections, String conflict) throws InterruptedException {
        FlowService.Review review = flows.review(CairnContentMoveFlow.ID, source.getId(), Map.of("target",
                String.valueOf(target.getId()), "collections", collections, "conflict", conflict));
        Job job = flows.start(CairnContentMoveFlow.ID, source.getId(), review.plan().options(), review.digest());
        return await(job.getId());
    }

    /** Each step's outcome and the job's last log lines, for a failing assertion to show. */
    private String describe(Job job) {
        return LabJobs.describe(job, logs);
    }

    private static JobStep step(Job job, String title) {
        return job.getSteps().stream().filter(s -> s.getTitle().equals(title)).findFirst().orElseThrow();
    }

    /** The target's structure made the source's with the real CLI, as the instances' owners. */
    static void promoteByCli(Lab.CairnInstance source, Lab.CairnInstance target) throws Exception {
        Path snapshot = Path.of("/tmp/panel-move-" + source.name() + "-" + System.nanoTime() + ".yaml");
        try {
            run(source.owner(), source.cliWrapper() + " schema snapshot -y " + snapshot);
            Files.setPosixFilePermissions(snapshot, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            run(target.owner(), target.cliWrapper() + " schema apply -y " + snapshot);
        } finally {
            Files.deleteIfExists(snapshot);
        }
    }

    static String run(String user, String command) throws Exception {
        Process p = new ProcessBuilder("runuser", "-u", user, "--", "sh", "-c", command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(command + ": " + out).isZero();
        return out;
    }

    /** The first column of a query's rows, on the instance's DB (SQLite through sqlite3 as its owner: no file of root's). */
    static List<String> column(Lab.CairnInstance cairn, String sql) throws Exception {
        List<String> values = new ArrayList<>();
        if (cairn.dbClient().equals("sqlite3")) {
            for (String line : run(cairn.owner(), "sqlite3 -readonly " + cairn.dbFilename() + " " + shellQuote(sql)).split("\n")) {
                if (!line.isEmpty()) {
                    values.add(line);
                }
            }
            return values;
        }
        try (Connection c = DriverManager.getConnection(cairn.jdbcUrl(), cairn.dbUser(), cairn.dbPassword());
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    static void update(Lab.CairnInstance cairn, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(cairn.jdbcUrl(), cairn.dbUser(), cairn.dbPassword());
                Statement st = c.createStatement()) {
            st.executeUpdate(sql);
        }
    }

    static Map<String, TableFingerprints.Fingerprint> fingerprints(Lab.CairnInstance cairn) throws Exception {
        try (Connection c = DriverManager.getConnection(cairn.jdbcUrl(), cairn.dbUser(), cairn.dbPassword())) {
            return TableFingerprints.of(c);
        }
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\"'\"'") + "'";
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(in.readAllBytes());
            return HexFormat.of().formatHex(d.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cover file the lab's first article references, its path on both sides. */
    private Path cover(Lab.CairnInstance cairn, Lab.CairnInstance on) throws Exception {
        String id = lab.cairnContent(cairn.name(), "files.thumbnail.of");
        String disk = column(cairn, "SELECT filename_disk FROM directus_files WHERE id = '" + id + "'").get(0);
        return on.storageRoot("local").resolve(disk);
    }

    private void movesAuthorsAndArticlesWithTheirFile(String vendor) throws Exception {
        Lab.CairnInstance s = lab.cairn("cs-" + vendor);
        Lab.CairnInstance t = lab.cairn("ct-" + vendor);
        CairnCloneLabIT.freshTarget(t); // rebuilt only if a test left it changed (each rebuilds it after itself)
        try {
            promoteByCli(s, t);
            Instance source = register(s);
            Instance target = register(t);
            assertThat(moveFlow.collections(source)).as("the wizard's choices (the junction moves with its sides)")
                    .containsExactly("articles", "authors", "categories", "comments", "tags");
            // articles without tags would cut the many-to-many articles.tags: refused, naming the side to add
            assertThatThrownBy(() -> move(source, target, "authors,articles", "refuse")).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("articles_tags (joins articles with tags)").hasMessageContaining("Choose every side it joins");
            List<String> rolesBefore = column(t, "SELECT id FROM directus_roles ORDER BY id");
            // with the categories tree: rows pointing at a later key of their own table (MariaDB checks each as written)
            Job job = move(source, target, "authors,articles,tags,categories", "refuse");
            assertThat(job.getStatus()).as(describe(job)).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(step(job, CairnContentMoveFlow.VERIFY).getMessage()).contains("5 table(s) with 20 row(s) as the "
                    + "source has them, 1 file(s) with their bytes, nothing else changed, source unchanged");
            assertThat(CairnContentMoveCrossVendorLabIT.tree(t)).as("the tree as the source's")
                    .isEqualTo(CairnContentMoveCrossVendorLabIT.tree(s)).hasSize(6);
            assertThat(column(t, "SELECT count(*) FROM articles")).containsExactly("4");
            assertThat(column(t, "SELECT count(*) FROM authors")).containsExactly("3");
            assertThat(column(t, "SELECT count(*) FROM tags")).containsExactly("3");
            assertThat(column(t, "SELECT count(*) FROM articles_tags")).as("the junction's rows with both sides").containsExactly("4");
            assertThat(column(t, "SELECT count(*) FROM comments")).as("not chosen").containsExactly("0");
            assertThat(column(t, "SELECT id FROM directus_roles ORDER BY id")).as("the target's roles its own").isEqualTo(rolesBefore);
            assertThat(sha256(cover(s, t))).isEqualTo(sha256(cover(s, s)));
            String proof = proofReport(job);
            assertThat(proof).contains("OK    authors: 3 row(s), checksums equal", "OK    articles: 4 row(s), checksums equal",
                    "OK    tags: 3 row(s), checksums equal", "OK    articles_tags: 4 row(s), checksums equal",
                    "OK    categories: 6 row(s), checksums equal",
                    "OK    1 of 1 referenced file(s): row and bytes (SHA-256) as the source's", "other table(s) of the target as they were",
                    "OK    The source's");
        } finally {
            Lab.reset(t.name());
        }
    }

    private String proofReport(Job job) throws IOException {
        Artifact report = artifacts.forJob(job.getId()).stream().filter(a -> a.getKind() == ArtifactKind.LOG
                && a.getName().endsWith("-content-move-proof.txt")).findFirst().orElseThrow();
        try (InputStream in = artifacts.open(report.getId())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void mariadbMovesTheChosenCollectionsWithTheirFile() throws Exception {
        movesAuthorsAndArticlesWithTheirFile("mariadb");
    }

    @Test
    void sqliteMovesTheChosenCollectionsWithTheirFile() throws Exception {
        movesAuthorsAndArticlesWithTheirFile("sqlite");
    }

    /**
     * PostgreSQL, one target for all: refusals, a failing move and its rollback, the move, the proof's negative
     * controls, skip and overwrite.
     */
    @Test
    void postgresRefusalsRollbackMoveProofControlsSkipAndOverwrite() throws Exception {
        Lab.CairnInstance s = lab.cairn("cs-pgsql");
        Lab.CairnInstance t = lab.cairn("ct-pgsql");
        CairnCloneLabIT.freshTarget(t); // rebuilt only if a test left it changed (each rebuilds it after itself)
        try {
            Instance source = register(s);
            Instance target = register(t);
            Map<String, String> options = Map.of("target", String.valueOf(target.getId()), "collections", "authors,articles,tags");

            // a target whose structure was not promoted: refused with the diff and the way forward
            List<CheckItem> checks = moveFlow.pairChecks(source, target, options);
            assertThat(checks).anyMatch(i -> i.getStatus() == CheckStatus.BLOCKING && i.getMessage().contains(
                    "authors: no such table on the target") && i.getMessage().contains("Promote the structure first"));
            assertThatThrownBy(() -> flows.review(CairnContentMoveFlow.ID, source.getId(), options))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("Promote the structure first");
            assertThatThrownBy(() -> flows.review(CairnContentMoveFlow.ID, source.getId(), Map.of("target",
                    String.valueOf(target.getId()), "collections", "articles,directus_users")))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("directus_users is one of CairnCMS's own tables");
            assertThatThrownBy(() -> flows.review(CairnContentMoveFlow.ID, source.getId(), Map.of("target",
                    String.valueOf(source.getId()), "collections", "articles")))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("another instance than the source");
            promoteByCli(s, t);
            assertThat(moveFlow.pairChecks(source, target, options)).noneMatch(i -> i.getStatus() == CheckStatus.BLOCKING);

            // articles and tags without their authors: the authors are not on the target, the load fails on the foreign
            // key, nothing is kept; the job offers the rollback, which puts the DB back as the move found it
            assertThat(moveFlow.pairChecks(source, target, Map.of("target", String.valueOf(target.getId()),
                    "collections", "articles,tags"))).anyMatch(i -> i.getStatus() == CheckStatus.WARNING
                    && i.getMessage().contains("articles.author → authors"));
            Map<String, TableFingerprints.Fingerprint> beforeFailing = fingerprints(t);
            Job failed = move(source, target, "articles,tags", "refuse");
            assertThat(failed.getStatus()).as(describe(failed)).isEqualTo(JobStatus.FAILED);
            assertThat(step(failed, CairnContentMoveFlow.LOAD).getStatus()).as(describe(failed)).isEqualTo(StepStatus.FAILED);
            assertThat(column(t, "SELECT count(*) FROM articles")).containsExactly("0");
            List<Flow.FollowUp> followUps = moveFlow.followUps(JobView.of(failed), jobs.options(failed.getId()));
            assertThat(followUps).singleElement().satisfies(f -> {
                assertThat(f.flowId()).isEqualTo(CairnMoveRollbackFlow.ID);
                assertThat(f.instanceId()).isEqualTo(target.getId());
            });
            update(t, "INSERT INTO authors (id, name) VALUES (99, 'Written after the backup')");
            FlowService.Review rollback = flows.review(CairnMoveRollbackFlow.ID, target.getId(), followUps.get(0).options());
            Job restored = await(flows.start(CairnMoveRollbackFlow.ID, target.getId(), rollback.plan().options(),
                    rollback.digest()).getId());
            assertThat(restored.getStatus()).as(describe(restored)).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(fingerprints(t)).as("the target's DB as the move found it").isEqualTo(beforeFailing);

            // the move
            Job moved = move(source, target, "authors,articles,tags", "refuse");
            assertThat(moved.getStatus()).as(describe(moved)).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(step(moved, CairnContentMoveFlow.VERIFY).getMessage()).contains("4 table(s) with 14 row(s)");
            assertThat(column(t, "SELECT last_value FROM authors_id_seq")).as("the sequence advanced").containsExactly("3");
            update(t, "INSERT INTO authors (name) VALUES ('Added on the target')"); // the next id is free
            update(t, "DELETE FROM authors WHERE name = 'Added on the target'");

            // a conflict under refuse
            assertThatThrownBy(() -> flows.review(CairnContentMoveFlow.ID, source.getId(), options))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("row(s) whose key the target already has: "
                            + "1 in directus_files").hasMessageContaining("3 in authors").hasMessageContaining("4 in articles")
                    .hasMessageContaining("3 in tags").hasMessageContaining("4 in articles_tags");

            proofFailsOnEachDifference(source, target, s, t, moved);

            // skip: the target's changed author is kept; overwrite: the source's values replace it
            update(t, "UPDATE authors SET name = 'Renamed on the target' WHERE id = 1");
            Job skipped = move(source, target, "authors,articles,tags", "skip");
            assertThat(skipped.getStatus()).as(describe(skipped)).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(column(t, "SELECT name FROM authors WHERE id = 1")).containsExactly("Renamed on the target");
            assertThat(proofReport(skipped)).contains("INFO  authors: 1 row(s) skipped, kept as the target had them (key(s) 1)");
            Job overwritten = move(source, target, "authors,articles,tags", "overwrite");
            assertThat(overwritten.getStatus()).as(describe(overwritten)).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(column(t, "SELECT name FROM authors WHERE id = 1")).containsExactly("Ada Lovelace");
            assertThat(proofReport(overwritten)).contains("OK    authors: 3 row(s), checksums equal");
        } finally {
            Lab.reset(t.name());
        }
    }

    /**
     * The record and the proof alone, with a gate between them, run again on the moved pair: as it is (passes), then
     * with a moved row changed, the cover's bytes changed, then gone, and a table outside the move changed while the
     * gate waits: each fails with its own line, and the pair passes again once put back.
     */
    private void proofFailsOnEachDifference(Instance source, Instance target, Lab.CairnInstance s, Lab.CairnInstance t,
            Job moved) throws Exception {
        Plan full = flows.review(CairnContentMoveFlow.ID, source.getId(), Map.of("target", String.valueOf(target.getId()),
                "collections", "authors,articles,tags", "conflict", "overwrite")).plan();
        Step record = full.steps().stream().filter(x -> x.title().equals(CairnContentMoveFlow.RECORD)).findFirst().orElseThrow();
        Step prove = full.steps().stream().filter(x -> x.title().equals(CairnContentMoveFlow.VERIFY)).findFirst().orElseThrow();
        Plan proofOnly = new Plan(full.flow(), "Prove again", full.instanceId(), full.instanceName(), List.of(record,
                new Step("Wait", null, null, false, new StepSpec.Gate("change the target now"), java.time.Duration.ofMinutes(10), null),
                prove), full.options());
        assertThat(proveAgain(proofOnly, null).getStatus()).as("the moved pair as it is").isEqualTo(JobStatus.SUCCEEDED);

        update(t, "UPDATE articles SET word_count = word_count + 1 WHERE slug = 'compilers'");
        assertThat(failedProof(proofOnly, null)).contains("FAIL  articles: 1 row(s) differ from the source's");
        update(t, "UPDATE articles SET word_count = word_count - 1 WHERE slug = 'compilers'");

        Path cover = cover(s, t);
        byte[] bytes = Files.readAllBytes(cover);
        byte[] altered = bytes.clone();
        altered[altered.length / 2] ^= 1;
        Files.write(cover, altered);
        assertThat(failedProof(proofOnly, null)).contains("cover.png (" + lab.cairnContent(s.name(), "files.thumbnail.of")
                + "): its bytes on the target differ from the source's");
        Files.delete(cover);
        assertThat(failedProof(proofOnly, null)).contains("its bytes are missing on the target");
        Files.write(cover, bytes);
        run("root", "chown " + t.owner() + ": " + cover);

        assertThat(failedProof(proofOnly, () -> update(t, "INSERT INTO comments (body) VALUES ('Written meanwhile')")))
                .contains("FAIL  comments: changed on the target (0 row(s) before, 1 now)");
        update(t, "DELETE FROM comments");
        assertThat(proveAgain(proofOnly, null).getStatus()).as("a proof recorded after that change").isEqualTo(JobStatus.SUCCEEDED);
    }

    interface Change {
        void apply() throws Exception;
    }

    private Job proveAgain(Plan proofOnly, Change whileWaiting) throws Exception {
        Job job = jobs.start(proofOnly);
        Job waiting = await(job.getId());
        assertThat(waiting.getStatus()).as(waiting.getMessage()).isEqualTo(JobStatus.WAITING);
        if (whileWaiting != null) {
            whileWaiting.apply();
        }
        jobs.continueAtGate(job.getId());
        return await(job.getId());
    }

    private String failedProof(Plan proofOnly, Change whileWaiting) throws Exception {
        Job job = proveAgain(proofOnly, whileWaiting);
        assertThat(job.getStatus()).as(describe(job) + "\n" + proofReport(job)).isEqualTo(JobStatus.FAILED);
        return proofReport(job);
    }
}
