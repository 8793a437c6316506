package dev.migrationpanel.cairncms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import dev.migrationpanel.job.log.LogLine;
import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.web.InvalidInputException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The content move across DB vendors on the lab's real CairnCMS: PostgreSQL source {@code cs-pgsql}, SQLite target
 * {@code ct-sqlite} (the cheapest pair: no second DB server), the target's structure made the source's with the real
 * CLI first. Without an API token the move is refused with the reason; with a static token of the target's admin,
 * {@code authors,articles,tags} (with the junction articles_tags and the cover file) are replayed through the target's
 * items API and pass the proof (type-tolerant row comparison, the file's bytes, nothing else changed but the API's own
 * log, the source unchanged); the token never shows in the job's log or plan. Negative control: the proof alone, run
 * again on the moved pair, passes, fails with a moved row changed on the target, and passes once it is put back.
 */
@SpringBootTest
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

    private Job await(long jobId, JobStatus wanted) throws InterruptedException {
        long until = System.currentTimeMillis() + 600_000L;
        Job job = jobs.get(jobId);
        while (job.getStatus() != wanted && job.getStatus().isActive() && System.currentTimeMillis() < until) {
            Thread.sleep(200);
            job = jobs.get(jobId);
        }
        return job;
    }

    private String describe(Job job) {
        StringBuilder text = new StringBuilder("job " + job.getId() + " " + job.getStatus() + ": " + job.getMessage());
        job.getSteps().forEach(s -> text.append("\n  ").append(s.getTitle()).append(": ").append(s.getStatus())
                .append(s.getMessage() == null ? "" : " " + s.getMessage()));
        List<LogLine> lines = logs.after(job.getId(), 0, JobLogService.MAX_PAGE);
        lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(l -> text.append("\n  | ").append(l.line()));
        return text.toString();
    }

    private String proofReport(Job job) throws IOException {
        Artifact report = artifacts.forJob(job.getId()).stream().filter(a -> a.getKind() == ArtifactKind.LOG
                && a.getName().endsWith("-content-move-proof.txt")).findFirst().orElseThrow();
        try (InputStream in = artifacts.open(report.getId())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A static token set on the target's admin through its API (as an admin does in the app's user page). */
    private static String staticToken(Lab.CairnInstance cairn) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(cairn.appUrl() + "/auth/login"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(
                        Map.of("email", cairn.adminEmail(), "password", cairn.adminPassword())))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        String access = JSON.readTree(login.body()).get("data").get("access_token").asText();
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String token = "panel-it-" + HexFormat.of().formatHex(random);
        HttpResponse<String> set = http.send(HttpRequest.newBuilder(URI.create(cairn.appUrl() + "/users/me"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + access)
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(Map.of("token", token))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        return token;
    }

    private static String sha256(java.nio.file.Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(java.nio.file.Files.readAllBytes(file)));
    }

    @Test
    void postgresToSqliteReplaysThroughTheItemsApiAndProves() throws Exception {
        Lab.CairnInstance s = lab.cairn("cs-pgsql");
        Lab.CairnInstance t = lab.cairn("ct-sqlite");
        Lab.reset(t.name());
        try {
            CairnContentMoveLabIT.promoteByCli(s, t);
            Instance source = CairnLabInstances.register(instances, jdbc, lab, s, true);
            Instance target = CairnLabInstances.register(instances, jdbc, lab, t, true);
            Map<String, String> noToken = Map.of("target", String.valueOf(target.getId()), "collections", "authors,articles,tags");
            // refused without a token, with the reason and what to give
            assertThatThrownBy(() -> flows.review(CairnContentMoveFlow.ID, source.getId(), noToken))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("runs on PostgreSQL")
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
            Job job = await(flows.start(CairnContentMoveFlow.ID, source.getId(), plan.options(), review.digest()).getId(),
                    JobStatus.SUCCEEDED);
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

            // negative control: the proof alone on the moved pair passes, fails on a changed row, passes once put back
            Step record = plan.steps().stream().filter(x -> x.title().equals(CairnContentMoveFlow.RECORD)).findFirst().orElseThrow();
            Step prove = plan.steps().stream().filter(x -> x.title().equals(CairnContentMoveFlow.VERIFY)).findFirst().orElseThrow();
            Plan proofOnly = new Plan(plan.flow(), "Prove again", plan.instanceId(), plan.instanceName(), List.of(record, prove),
                    plan.options());
            Job again = await(jobs.start(proofOnly).getId(), JobStatus.SUCCEEDED);
            assertThat(again.getStatus()).as(describe(again)).isEqualTo(JobStatus.SUCCEEDED);
            CairnContentMoveLabIT.run(t.owner(), "sqlite3 " + t.dbFilename()
                    + " \"UPDATE articles SET word_count = word_count + 1 WHERE slug = 'compilers'\"");
            Job failed = await(jobs.start(proofOnly).getId(), JobStatus.FAILED);
            assertThat(failed.getStatus()).as(describe(failed)).isEqualTo(JobStatus.FAILED);
            assertThat(proofReport(failed)).contains("FAIL  articles: 1 row(s) differ from the source's");
            CairnContentMoveLabIT.run(t.owner(), "sqlite3 " + t.dbFilename()
                    + " \"UPDATE articles SET word_count = word_count - 1 WHERE slug = 'compilers'\"");
            Job passes = await(jobs.start(proofOnly).getId(), JobStatus.SUCCEEDED);
            assertThat(passes.getStatus()).as(describe(passes)).isEqualTo(JobStatus.SUCCEEDED);
        } finally {
            Lab.reset(t.name());
        }
    }
}
