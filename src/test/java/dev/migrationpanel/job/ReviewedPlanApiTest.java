package dev.migrationpanel.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import dev.migrationpanel.MovableClock;
import dev.migrationpanel.instance.FakeInstall;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceForm;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.remote.TestSshServer;
import dev.migrationpanel.security.ApiTokenService;
import dev.migrationpanel.security.Role;
import dev.migrationpanel.security.UserService;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Review, then start by the plan's id over the API: deterministic however long the client takes (within the
 * review's time), once per review; expired, unknown, reused and changed plans refused, each with one clear line.
 */
@SpringBootTest
@AutoConfigureMockMvc
@Import(MovableClock.Config.class)
class ReviewedPlanApiTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    JobService jobs;
    @Autowired
    InstanceService instances;
    @Autowired
    UserService users;
    @Autowired
    ApiTokenService tokens;
    @Autowired
    ReviewedPlans reviewedPlans;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    MovableClock clock;

    final JsonMapper json = JsonMapper.builder().build();
    @TempDir
    Path tmp;
    TestSshServer server;
    Path install;
    Instance instance;
    String operator;

    @BeforeEach
    void setUp() throws Exception {
        server = TestSshServer.startDefault("deploy", "reviewed-ssh-pw");
        install = FakeInstall.create(tmp.resolve("df"), FakeInstall.sqliteEnv());
        InstanceForm form = TestInstances.passwordForm("reviewed", server, install);
        form.getProductSettings().put("webUser", "www-data");
        form.getProductSettings().put("webGroup", "www-data");
        instance = instances.create(form);
        TestInstances.pinHostKey(jdbc, instance.getId(), server.hostKey());
        String name = "operator-" + System.nanoTime() % 1_000_000;
        users.create(name, Role.OPERATOR, "long-enough-password", "long-enough-password");
        operator = "Bearer " + tokens.create(name, "t").token();
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
    }

    private ResultActions send(String path, String body) throws Exception {
        return mvc.perform(post(path).header("Authorization", operator)
                .contentType(MediaType.APPLICATION_JSON).content(body));
    }

    private JsonNode review(String flow, String options) throws Exception {
        String answer = send("/api/v1/jobs/plan", "{\"flow\":\"" + flow + "\",\"instanceId\":" + instance.getId()
                + ",\"options\":" + options + "}")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.planId", matchesPattern("[0-9a-f-]{36}")))
                .andExpect(jsonPath("$.planDigest", matchesPattern("[0-9a-f]{64}")))
                .andReturn().getResponse().getContentAsString();
        return json.readTree(answer);
    }

    private static String startBody(JsonNode review) {
        return "{\"planId\":\"" + review.get("planId").asString() + "\",\"planDigest\":\""
                + review.get("planDigest").asString() + "\"}";
    }

    private long started(ResultActions result) throws Exception {
        String answer = result.andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
        long id = json.readTree(answer).get("id").asLong();
        long until = System.currentTimeMillis() + 60_000;
        while (jobs.get(id).getStatus().isActive() && System.currentTimeMillis() < until) {
            Thread.sleep(100);
        }
        assertThat(jobs.get(id).getStatus().isActive()).as("job #" + id + " ended").isFalse();
        return id;
    }

    private List<String> commands(long jobId) {
        return JobView.of(jobs.get(jobId)).steps().stream().map(JobView.StepView::command).toList();
    }

    private static List<String> commands(JsonNode review) {
        return review.get("steps").valueStream().map(s -> s.get("command").asString()).toList();
    }

    @Test
    void anUpgradeReviewedThenStartedSecondsLaterRunsThePlanShownByItsIdOrWithItsResolvedOptions() throws Exception {
        JsonNode review = review("dreamfactory.minor-upgrade", "{\"ref\":\"master\",\"maintenance\":\"false\"}");
        JsonNode resolved = review.get("resolvedOptions");
        assertThat(resolved.get("stamp").asString()).matches("\\d{8}-\\d{6}");
        assertThat(resolved.get("maintenance").asString()).isEqualTo("false");
        assertThat(resolved.get("webUser").asString()).isEqualTo("www-data");
        // an upgrade's steps run one after the other: none names a step it runs beside
        assertThat(review.get("steps").valueStream().map(s -> s.has("besideStep") && s.get("besideStep").isNull()).toList())
                .isNotEmpty().containsOnly(true);
        Instant expires = Instant.parse(review.get("expiresAt").asString());
        assertThat(Duration.between(clock.instant(), expires)).isBetween(Duration.ofMinutes(29), Duration.ofMinutes(30));

        // the client takes its time: three seconds on the panel's clock, and one real second
        clock.advance(Duration.ofSeconds(3));
        Thread.sleep(1_000);

        // the same choices give another plan now (a new backup stamp): that is what used to be refused
        send("/api/v1/jobs", "{\"flow\":\"dreamfactory.minor-upgrade\",\"instanceId\":" + instance.getId()
                + ",\"options\":{\"ref\":\"master\",\"maintenance\":\"false\"},\"planDigest\":\""
                + review.get("planDigest").asString() + "\"}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.planDigest", containsString("changed since you reviewed it")));

        long byId = started(send("/api/v1/jobs", startBody(review)));
        assertThat(commands(byId)).isEqualTo(commands(review));
        assertThat(commands(byId)).contains("cp -a '" + install + "' '" + install + ".backup-"
                + resolved.get("stamp").asString() + "'");

        // the plain body works as well after the wait, with the review's resolved options passed back
        long plain = started(send("/api/v1/jobs", "{\"flow\":\"dreamfactory.minor-upgrade\",\"instanceId\":"
                + instance.getId() + ",\"options\":" + resolved + ",\"planDigest\":\""
                + review.get("planDigest").asString() + "\"}"));
        assertThat(commands(plain)).isEqualTo(commands(review));
        assertThat(jdbc.queryForObject("select started_job_id from reviewed_plan where id = ?", Long.class,
                review.get("planId").asString())).isEqualTo(byId);
    }

    @Test
    void expiredUnknownReusedAndChangedPlansAreRefusedWithOneClearLine() throws Exception {
        // expired: 31 minutes later on the panel's clock
        JsonNode stale = review("dreamfactory.backup", "{}");
        clock.advance(Duration.ofMinutes(31));
        send("/api/v1/jobs", startBody(stale))
                .andExpect(status().isGone())
                .andExpect(content().contentTypeCompatibleWith("application/problem+json"))
                .andExpect(jsonPath("$.detail").value("The reviewed plan " + stale.get("planId").asString() + " expired at "
                        + Instant.parse(stale.get("expiresAt").asString()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        + ": review it again"));
        // swept once past its time: then it is unknown
        assertThat(reviewedPlans.sweep()).isGreaterThanOrEqualTo(1);
        send("/api/v1/jobs", startBody(stale))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.detail", containsString("No reviewed plan " + stale.get("planId").asString())));
        clock.reset(); // the jobs below are queued at the panel's time

        // unknown, malformed, or with more than its digest
        send("/api/v1/jobs", "{\"planId\":\"" + UUID.randomUUID() + "\",\"planDigest\":\"00\"}")
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.detail", containsString("review the plan again")));
        send("/api/v1/jobs", "{\"planId\":\"abc\",\"planDigest\":\"00\"}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.planId").value("planId is the id the review answered with (a UUID)"));
        JsonNode fresh = review("dreamfactory.backup", "{}");
        send("/api/v1/jobs", "{\"planId\":\"" + fresh.get("planId").asString() + "\",\"flow\":\"dreamfactory.backup\","
                + "\"planDigest\":\"" + fresh.get("planDigest").asString() + "\"}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.planId", containsString("planId with planDigest alone")));

        // a digest that is not the review's
        send("/api/v1/jobs", "{\"planId\":\"" + fresh.get("planId").asString() + "\",\"planDigest\":\"00\"}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.planDigest", containsString("is not the digest of the reviewed plan")));
        send("/api/v1/jobs", "{\"planId\":\"" + fresh.get("planId").asString() + "\"}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.planDigest", containsString("Review the plan first")));

        // used once, then refused
        long job = started(send("/api/v1/jobs", startBody(fresh)));
        send("/api/v1/jobs", startBody(fresh))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.detail").value("The reviewed plan " + fresh.get("planId").asString()
                        + " already started job #" + job + ": a reviewed plan runs once; review it again to run it again"));

        // the instance changed after the review (its .env names another system DB file): refused as before
        JsonNode changed = review("dreamfactory.backup", "{}");
        Files.writeString(install.resolve(".env"), FakeInstall.sqliteEnv()
                .replace("storage/databases/database.sqlite", "storage/databases/other.sqlite"));
        send("/api/v1/jobs", startBody(changed))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.planDigest").value(
                        "The plan changed since you reviewed it (the instance or its settings changed): review it again"));
        assertThat(jdbc.queryForObject("select started_job_id from reviewed_plan where id = ?", Long.class,
                changed.get("planId").asString())).isNull();
    }

    @Test
    void theOpenApiDocumentDescribesTheReviewedPlan() throws Exception {
        mvc.perform(get("/v3/api-docs").with(user("docs").roles("VIEWER")))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("resolvedOptions")))
                .andExpect(content().string(containsString("{planId, planDigest}")))
                .andExpect(content().string(containsString("expiresAt")));
    }
}
