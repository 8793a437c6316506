package dev.migrationpanel.cairncms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

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
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.job.FlowService;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.job.log.JobLogService;
import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.lab.LabJobs;
import dev.migrationpanel.lab.LabLocks;
import dev.migrationpanel.web.InvalidInputException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The content move across DB vendors on the lab's real CairnCMS: SQLite source {@code cs-sqlite} (a development
 * install, the usual way across: SQLite values are untyped text, dates epoch milliseconds, booleans 0/1), PostgreSQL
 * target {@code ct-pgsql}, the target's structure made the source's with the real CLI first. Without an API token the
 * move is refused with the reason; with a static token of the target's admin, {@code authors,articles,tags} (with the
 * junction articles_tags and the cover file) are replayed through the target's items API and pass the proof
 * (type-tolerant row comparison, the file's bytes, nothing else changed but the API's own log, the source unchanged);
 * the token never shows in the job's log or plan; the target's key sequences are past the replayed keys (an item
 * created afterwards without a key gets a new one). Negative control: the proof alone, run again on the moved pair,
 * passes, fails with a moved row changed on the target, and passes once it is put back.
 * Then PostgreSQL → MariaDB ({@code ct-mariadb}) with the sources' {@code categories} tree and each conflict policy
 * (see {@link #postgresToMariadbCarriesATreeAndEachConflictPolicyProves}).
 */
@SpringBootTest
@ResourceLock(LabLocks.CAIRNCMS)
class CairnContentMoveCrossVendorLabIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

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

    private Job await(long jobId) throws InterruptedException {
        return LabJobs.settled(jobs, jobId, Duration.ofMinutes(10));
    }

    private String describe(Job job) {
        return LabJobs.describe(job, logs);
    }

    private String proofReport(Job job) throws IOException {
        Artifact report = artifacts.forJob(job.getId()).stream().filter(a -> a.getKind() == ArtifactKind.LOG
                && a.getName().endsWith("-content-move-proof.txt")).findFirst().orElseThrow();
        try (InputStream in = artifacts.open(report.getId())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A static token set on the target's admin through its API (as an admin does in the app's user page). */
    static String staticToken(Lab.CairnInstance cairn) throws Exception {
        return staticToken(cairn.appUrl(), cairn.adminEmail(), cairn.adminPassword());
    }

    static String staticToken(String appUrl, String adminEmail, String adminPassword) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(appUrl + "/auth/login"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(
                        Map.of("email", adminEmail, "password", adminPassword)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        String access = JSON.readTree(login.body()).get("data").get("access_token").asText();
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String token = "panel-it-" + HexFormat.of().formatHex(random);
        HttpResponse<String> set = http.send(HttpRequest.newBuilder(URI.create(appUrl + "/users/me"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + access)
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(Map.of("token", token))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        return token;
    }

    /** An item created through the instance's items API without a key; the key it was given. */
    private static String createdKey(Lab.CairnInstance cairn, String token, String collection, Map<String, Object> item)
            throws Exception {
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(cairn.appUrl()
                + "/items/" + collection)).header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(item))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        return JSON.readTree(created.body()).get("data").get("id").asText();
    }

    private static String sha256(java.nio.file.Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(java.nio.file.Files.readAllBytes(file)));
    }

    @Test
    void sqliteToPostgresReplaysThroughTheItemsApiAndProves() throws Exception {
        Lab.CairnInstance s = lab.cairn("cs-sqlite");
        Lab.CairnInstance t = lab.cairn("ct-pgsql");
        CairnCloneLabIT.freshTarget(t); // rebuilt only if a test left it changed (each rebuilds it after itself)
        try {
            CairnContentMoveLabIT.promoteByCli(s, t);
            Instance source = CairnLabInstances.register(instances, jdbc, lab, s, true);
            Instance target = CairnLabInstances.register(instances, jdbc, lab, t, true);
            Map<String, String> noToken = Map.of("target", String.valueOf(target.getId()), "collections", "authors,articles,tags");
            // refused without a token, with the reason and what to give
            assertThatThrownBy(() -> flows.review(CairnContentMoveFlow.ID, source.getId(), noToken))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("runs on SQLite")
                    .hasMessageContaining("Give a static API token of an admin of " + target.getName());

            // a token the target does not know: refused before any plan
            String wrong = moveFlow.storeApiToken(target, "panel-it-not-a-token-of-the-target");
            assertThatThrownBy(() -> flows.review(CairnContentMoveFlow.ID, source.getId(), Map.of("target",
                    String.valueOf(target.getId()), "collections", "authors,articles,tags", "apiCredentials", wrong)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("The token is refused by " + target.getName());

            String token = staticToken(t);
            String credentials = moveFlow.storeApiToken(target, token);
            FlowService.Review review = flows.review(CairnContentMoveFlow.ID, source.getId(), Map.of("target",
                    String.valueOf(target.getId()), "collections", "authors,articles,tags", "apiCredentials", credentials));
            Plan plan = review.plan();
            assertThat(plan.steps()).extracting(Step::title).contains(CairnContentMoveFlow.REPLAY, CairnContentMoveFlow.VERIFY)
                    .doesNotContain(CairnContentMoveFlow.LOAD);
            assertThat(plan.steps()).allSatisfy(st -> assertThat(st.spec().display()).doesNotContain(token));
            Job job = await(flows.start(CairnContentMoveFlow.ID, source.getId(), plan.options(), review.digest()).getId());
            assertThat(job.getStatus()).as(describe(job)).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(job.getSteps().stream().filter(st -> st.getTitle().equals(CairnContentMoveFlow.VERIFY)).findFirst()
                    .orElseThrow().getMessage()).as(describe(job)).contains("4 table(s) with 14 row(s) as the source has them, "
                    + "1 file(s) with their bytes, nothing else changed, source unchanged");
            assertThat(logs.after(job.getId(), 0, JobLogService.MAX_PAGE)).noneMatch(l -> l.line().contains(token));
            String proof = proofReport(job);
            assertThat(proof).contains("articles: all 4 of the source's row(s) on the target",
                    "date_created not compared: the target's API sets it itself on create",
                    "OK    1 of 1 referenced file(s): row and bytes (SHA-256) as the source's", "OK    The source's");
            assertThat(CairnContentMoveLabIT.column(t, "SELECT count(*) FROM articles_tags")).containsExactly("4");
            String cover = lab.cairnContent(s.name(), "files.thumbnail.of");
            String disk = CairnContentMoveLabIT.column(s, "SELECT filename_disk FROM directus_files WHERE id = '" + cover + "'").get(0);
            assertThat(CairnContentMoveLabIT.column(t, "SELECT filename_disk FROM directus_files WHERE id = '" + cover + "'"))
                    .as("the bytes' name kept verbatim").containsExactly(disk);
            assertThat(sha256(t.storageRoot("local").resolve(disk))).isEqualTo(sha256(s.storageRoot("local").resolve(disk)));
            // the replay sent each row with its key: PostgreSQL's sequences were advanced past them after it
            String next = createdKey(t, token, "authors", Map.of("name", "Created after the move"));
            assertThat(Long.parseLong(next)).as("a new author's key").isGreaterThan(Long.parseLong(
                    CairnContentMoveLabIT.column(s, "SELECT max(id) FROM authors").get(0)));
            CairnContentMoveLabIT.update(t, "DELETE FROM authors WHERE id = " + Long.parseLong(next));

            // negative control: the proof alone on the moved pair passes, fails on a changed row, passes once put back
            Step record = plan.steps().stream().filter(x -> x.title().equals(CairnContentMoveFlow.RECORD)).findFirst().orElseThrow();
            Step prove = plan.steps().stream().filter(x -> x.title().equals(CairnContentMoveFlow.VERIFY)).findFirst().orElseThrow();
            Plan proofOnly = new Plan(plan.flow(), "Prove again", plan.instanceId(), plan.instanceName(), List.of(record, prove),
                    plan.options());
            Job again = await(jobs.start(proofOnly).getId());
            assertThat(again.getStatus()).as(describe(again)).isEqualTo(JobStatus.SUCCEEDED);
            CairnContentMoveLabIT.update(t, "UPDATE articles SET word_count = word_count + 1 WHERE slug = 'compilers'");
            Job failed = await(jobs.start(proofOnly).getId());
            assertThat(failed.getStatus()).as(describe(failed)).isEqualTo(JobStatus.FAILED);
            assertThat(proofReport(failed)).contains("FAIL  articles: 1 row(s) differ from the source's");
            CairnContentMoveLabIT.update(t, "UPDATE articles SET word_count = word_count - 1 WHERE slug = 'compilers'");
            Job passes = await(jobs.start(proofOnly).getId());
            assertThat(passes.getStatus()).as(describe(passes)).isEqualTo(JobStatus.SUCCEEDED);
        } finally {
            Lab.reset(t.name());
        }
    }

    /**
     * MariaDB → SQLite, the third side of the triangle (with SQLite → PostgreSQL and PostgreSQL → MariaDB every vendor is
     * a source and a target once): MariaDB's values as its driver gives them (tinyint booleans, DATETIME text, JSON in a
     * longtext) replayed into SQLite and proved, the booleans and the JSON as the source has them.
     */
    @Test
    void mariadbToSqliteReplaysAndProves() throws Exception {
        Lab.CairnInstance s = lab.cairn("cs-mariadb");
        Lab.CairnInstance t = lab.cairn("ct-sqlite");
        CairnCloneLabIT.freshTarget(t); // rebuilt only if a test left it changed (each rebuilds it after itself)
        try {
            CairnContentMoveLabIT.promoteByCli(s, t);
            Instance source = CairnLabInstances.register(instances, jdbc, lab, s, true);
            Instance target = CairnLabInstances.register(instances, jdbc, lab, t, true);
            String token = staticToken(t);
            Job job = move(source, target, "authors,articles,tags", "refuse", moveFlow.storeApiToken(target, token));
            assertThat(job.getStatus()).as(describe(job)).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(stepMessage(job, CairnContentMoveFlow.REPLAY)).as(describe(job)).contains("MySQL / MariaDB → SQLite");
            assertThat(stepMessage(job, CairnContentMoveFlow.VERIFY)).as(describe(job)).contains("4 table(s) with 14 "
                    + "row(s) as the source has them, 1 file(s) with their bytes, nothing else changed, source unchanged");
            assertThat(logs.after(job.getId(), 0, JobLogService.MAX_PAGE)).noneMatch(l -> l.line().contains(token));
            assertThat(CairnContentMoveLabIT.column(t, "SELECT active FROM authors ORDER BY id")).as("booleans")
                    .containsExactlyElementsOf(CairnContentMoveLabIT.column(s, "SELECT active + 0 FROM authors ORDER BY id"))
                    .contains("0", "1");
            assertThat(CairnContentMoveLabIT.column(t, "SELECT count(*) FROM articles_tags")).containsExactly("4");
        } finally {
            Lab.reset(t.name());
        }
    }

    private Job move(Instance source, Instance target, String collections, String conflict, String credentials)
            throws InterruptedException {
        FlowService.Review review = flows.review(CairnContentMoveFlow.ID, source.getId(), Map.of("target",
                String.valueOf(target.getId()), "collections", collections, "conflict", conflict, "apiCredentials", credentials));
        return await(flows.start(CairnContentMoveFlow.ID, source.getId(), review.plan().options(), review.digest()).getId());
    }

    private static String stepMessage(Job job, String title) {
        return job.getSteps().stream().filter(st -> st.getTitle().equals(title)).findFirst().orElseThrow().getMessage();
    }

    /** The record and the proof of a move's plan, with steps of the caller's between them. */
    private static Plan proofWith(Plan plan, String title, Step... between) {
        List<Step> steps = new java.util.ArrayList<>();
        steps.add(plan.steps().stream().filter(x -> x.title().equals(CairnContentMoveFlow.RECORD)).findFirst().orElseThrow());
        steps.addAll(List.of(between));
        steps.add(plan.steps().stream().filter(x -> x.title().equals(CairnContentMoveFlow.VERIFY)).findFirst().orElseThrow());
        return new Plan(plan.flow(), title, plan.instanceId(), plan.instanceName(), steps, plan.options());
    }

    /** Each category as "name<parent's name", on either vendor. */
    static List<String> tree(Lab.CairnInstance cairn) throws Exception {
        return CairnContentMoveLabIT.column(cairn, "SELECT " + (cairn.dbClient().equals("mysql")
                ? "concat(k.name, '<', coalesce(p.name, '-'))" : "k.name || '<' || coalesce(p.name, '-')")
                + " FROM categories k LEFT JOIN categories p ON p.id = k.parent ORDER BY k.id");
    }

    /**
     * PostgreSQL → MariaDB through the panel: authors, articles, tags (the junction and the cover file with them) and
     * categories, a tree whose rows point at a later key, replayed and proved (the tree created parents first, MariaDB's
     * auto_increment past the explicit keys); then the conflict policies on the moved pair: refuse refused at review
     * and, for a plan reviewed before the target had the rows, by the replay before it writes anything; skip with rows
     * the target changed and lost (the lost ones created, the changed one kept, the skipped ones listed); overwrite
     * (the target's rows the source's again). Negative controls: a category's parent changed on the target fails the
     * proof (passes once put back), a skipped row changed during the move fails it, an overwritten row changed fails it.
     */
    @Test
    void postgresToMariadbCarriesATreeAndEachConflictPolicyProves() throws Exception {
        Lab.CairnInstance s = lab.cairn("cs-pgsql");
        Lab.CairnInstance t = lab.cairn("ct-mariadb");
        assertThat(lab.cairnContent(s.name(), "items.categories")).as("cs-pgsql has the categories tree (a lab built "
                + "before it: src/test/lab/lab.sh cairn-reset cs-pgsql)").isEqualTo("6");
        CairnCloneLabIT.freshTarget(t); // rebuilt only if a test left it changed (each rebuilds it after itself)
        try {
            CairnContentMoveLabIT.promoteByCli(s, t);
            Instance source = CairnLabInstances.register(instances, jdbc, lab, s, true);
            Instance target = CairnLabInstances.register(instances, jdbc, lab, t, true);
            String token = staticToken(t);
            String credentials = moveFlow.storeApiToken(target, token);
            String collections = "authors,articles,tags,categories";
            // reviewed now, started once the target has the rows: the replay itself must refuse
            FlowService.Review authorsEarly = flows.review(CairnContentMoveFlow.ID, source.getId(), Map.of("target",
                    String.valueOf(target.getId()), "collections", "authors", "apiCredentials", credentials));

            FlowService.Review review = flows.review(CairnContentMoveFlow.ID, source.getId(), Map.of("target",
                    String.valueOf(target.getId()), "collections", collections, "apiCredentials", credentials));
            Plan plan = review.plan();
            assertThat(plan.steps().stream().filter(st -> st.title().equals(CairnContentMoveFlow.REPLAY)).findFirst()
                    .orElseThrow().spec().display()).contains("categories.parent point(s) at its own table");
            Job job = await(flows.start(CairnContentMoveFlow.ID, source.getId(), plan.options(), review.digest()).getId());
            assertThat(job.getStatus()).as(describe(job)).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(stepMessage(job, CairnContentMoveFlow.REPLAY)).as(describe(job)).contains("21 row(s) created",
                    "PostgreSQL → MySQL / MariaDB");
            assertThat(stepMessage(job, CairnContentMoveFlow.VERIFY)).as(describe(job)).contains("5 table(s) with 20 "
                    + "row(s) as the source has them, 1 file(s) with their bytes, nothing else changed, source unchanged");
            assertThat(logs.after(job.getId(), 0, JobLogService.MAX_PAGE)).noneMatch(l -> l.line().contains(token))
                    .anyMatch(l -> l.line().contains("categories: parent point(s) at categories itself: rows created parents first"));
            assertThat(proofReport(job)).contains("categories: all 6 of the source's row(s) on the target",
                    "articles: all 4 of the source's row(s) on the target", "OK    1 of 1 referenced file(s)");
            assertThat(tree(t)).containsExactlyElementsOf(tree(s)).contains("Quicksort<Sorting", "Sorting<Algorithms");
            assertThat(CairnContentMoveLabIT.column(t, "SELECT published + 0 FROM articles ORDER BY slug"))
                    .as("booleans as MariaDB's tinyint").containsExactly("0", "1", "1", "0");
            // MariaDB has no sequence: its auto_increment went past the explicit keys, an editor's next author is 4
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> added = http.send(HttpRequest.newBuilder(URI.create(t.appUrl() + "/items/authors"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Added on the target\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
            assertThat(JSON.readTree(added.body()).get("data").get("id").asInt()).isEqualTo(4);
            CairnContentMoveLabIT.update(t, "DELETE FROM authors WHERE id = 4");

            // negative control of the tree: a parent changed on the target fails the proof, passes once put back
            CairnContentMoveLabIT.update(t, "UPDATE categories SET parent = NULL WHERE name = 'Quicksort'");
            Job failed = await(jobs.start(proofWith(plan, "Prove again")).getId());
            assertThat(failed.getStatus()).as(describe(failed)).isEqualTo(JobStatus.FAILED);
            assertThat(proofReport(failed)).contains("FAIL  categories: 1 row(s) differ from the source's");
            CairnContentMoveLabIT.update(t, "UPDATE categories SET parent = (SELECT id FROM (SELECT id FROM categories "
                    + "WHERE name = 'Sorting') p) WHERE name = 'Quicksort'");
            Job passes = await(jobs.start(proofWith(plan, "Prove again")).getId());
            assertThat(passes.getStatus()).as(describe(passes)).isEqualTo(JobStatus.SUCCEEDED);

            // refuse: at review, naming the rows; and by the replay, for a plan reviewed before, writing nothing
            assertThatThrownBy(() -> flows.review(CairnContentMoveFlow.ID, source.getId(), Map.of("target",
                    String.valueOf(target.getId()), "collections", collections, "apiCredentials", credentials)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("row(s) whose key the target already has")
                    .hasMessageContaining("6 in categories").hasMessageContaining("3 in authors");
            CairnContentMoveLabIT.update(t, "UPDATE authors SET name = 'Renamed on the target' WHERE id = 1");
            String activity = CairnContentMoveLabIT.column(t, "SELECT count(*) FROM directus_activity").get(0);
            Job refused = await(jobs.start(authorsEarly.plan()).getId());
            assertThat(refused.getStatus()).as(describe(refused)).isEqualTo(JobStatus.FAILED);
            assertThat(stepMessage(refused, CairnContentMoveFlow.REPLAY)).as(describe(refused))
                    .contains("The target already has row(s) the move would write (3 in authors): nothing written");
            assertThat(CairnContentMoveLabIT.column(t, "SELECT name FROM authors ORDER BY id"))
                    .containsExactly("Renamed on the target", "Alan Turing", "Grace Hopper");
            assertThat(CairnContentMoveLabIT.column(t, "SELECT count(*) FROM directus_activity"))
                    .as("no write reached the API").containsExactly(activity);

            // skip: the target lost a category and a junction row and changed an author: the lost created, the rest kept
            CairnContentMoveLabIT.update(t, "DELETE FROM categories WHERE name = 'Sorting networks'");
            String junction = CairnContentMoveLabIT.column(t, "SELECT min(id) FROM articles_tags").get(0);
            CairnContentMoveLabIT.update(t, "DELETE FROM articles_tags WHERE id = " + junction);
            Job skipped = move(source, target, collections, "skip", credentials);
            assertThat(skipped.getStatus()).as(describe(skipped)).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(stepMessage(skipped, CairnContentMoveFlow.REPLAY)).as(describe(skipped))
                    .contains("2 row(s) created, 19 skipped");
            assertThat(CairnContentMoveLabIT.column(t, "SELECT name FROM authors WHERE id = 1")).containsExactly("Renamed on the target");
            assertThat(tree(t)).containsExactlyElementsOf(tree(s));
            assertThat(proofReport(skipped)).contains("INFO  authors: 1 row(s) skipped, kept as the target had them (key(s) 1)",
                    "INFO  authors: 3 row(s) whose key the target had, skipped (key(s) 1, 2, 3): 2 of them as the source has "
                    + "them, 1 as the target had them", "INFO  categories: 5 row(s) whose key the target had, skipped",
                    "categories: all 6 of the source's row(s) on the target", "articles_tags: all 4 of the source's row(s)");
            // negative control of skip: a kept row changed while the move runs fails the proof
            Plan skipPlan = proofWith(skippedPlan(source, target, collections, credentials), "Prove with a kept row changed",
                    new Step("Change the kept author", target.getId(), target.getName(), true, new StepSpec.Sql(
                            "UPDATE authors SET name = 'Changed while moving' WHERE id = 1", false),
                            java.time.Duration.ofMinutes(1), null));
            Job skipFails = await(jobs.start(skipPlan).getId());
            assertThat(skipFails.getStatus()).as(describe(skipFails)).isEqualTo(JobStatus.FAILED);
            assertThat(proofReport(skipFails)).contains("FAIL  authors: 1 row(s) differ from the source's (first key 1)");

            // overwrite: the target's changed rows the source's again
            CairnContentMoveLabIT.update(t, "UPDATE categories SET parent = NULL WHERE name = 'Mergesort'");
            Job overwritten = move(source, target, collections, "overwrite", credentials);
            assertThat(overwritten.getStatus()).as(describe(overwritten)).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(stepMessage(overwritten, CairnContentMoveFlow.REPLAY)).as(describe(overwritten))
                    .contains("0 row(s) created, 21 overwritten");
            assertThat(CairnContentMoveLabIT.column(t, "SELECT name FROM authors WHERE id = 1")).containsExactly("Ada Lovelace");
            assertThat(tree(t)).containsExactlyElementsOf(tree(s));
            String proof = proofReport(overwritten);
            assertThat(proof).contains("OK    authors: 3 row(s) whose key the target had, overwritten: each as the source has "
                    + "it (key(s) 1, 2, 3)", "OK    categories: 6 row(s) whose key the target had, overwritten");
            // negative control of overwrite: an overwritten row changed after fails the proof
            Plan overwritePlan = overwrittenPlan(source, target, collections, credentials);
            CairnContentMoveLabIT.update(t, "UPDATE categories SET name = 'Renamed after' WHERE name = 'Mergesort'");
            Job overwriteFails = await(jobs.start(proofWith(overwritePlan, "Prove again")).getId());
            assertThat(overwriteFails.getStatus()).as(describe(overwriteFails)).isEqualTo(JobStatus.FAILED);
            assertThat(proofReport(overwriteFails)).contains("FAIL  categories: 1 row(s) differ from the source's",
                    "FAIL  categories: 1 of the 6 row(s) whose key the target had not overwritten with the source's");
            assertThat(logs.after(overwritten.getId(), 0, JobLogService.MAX_PAGE)).noneMatch(l -> l.line().contains(token));
        } finally {
            Lab.reset(t.name());
        }
    }

    /** A plan of the move under skip, as the panel makes it now (the target has the rows). */
    private Plan skippedPlan(Instance source, Instance target, String collections, String credentials) {
        return flows.review(CairnContentMoveFlow.ID, source.getId(), Map.of("target", String.valueOf(target.getId()),
                "collections", collections, "conflict", "skip", "apiCredentials", credentials)).plan();
    }

    private Plan overwrittenPlan(Instance source, Instance target, String collections, String credentials) {
        return flows.review(CairnContentMoveFlow.ID, source.getId(), Map.of("target", String.valueOf(target.getId()),
                "collections", collections, "conflict", "overwrite", "apiCredentials", credentials)).plan();
    }
}
