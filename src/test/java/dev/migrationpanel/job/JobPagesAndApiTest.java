package dev.migrationpanel.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.web.servlet.MockMvc;

import dev.migrationpanel.instance.FakeInstall;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.remote.TestSshServer;
import dev.migrationpanel.security.ApiTokenService;
import dev.migrationpanel.security.Role;
import dev.migrationpanel.security.UserService;
import tools.jackson.databind.json.JsonMapper;

/** The job history and job pages, and the jobs/flows API: filters, roles, review-then-run with the digest. */
@SpringBootTest
@AutoConfigureMockMvc
class JobPagesAndApiTest {

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
    JdbcTemplate jdbc;

    final JsonMapper json = JsonMapper.builder().build();
    @TempDir
    Path tmp;
    TestSshServer server;
    Instance instance;

    @BeforeEach
    void setUp() throws Exception {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("page-admin", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        server = TestSshServer.startDefault("deploy", "pages-ssh-pw");
        Path install = FakeInstall.create(tmp.resolve("df"), FakeInstall.sqliteEnv());
        instance = instances.create(TestInstances.passwordForm("pages", server, install));
        TestInstances.pinHostKey(jdbc, instance.getId(), server.hostKey());
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
        SecurityContextHolder.clearContext();
    }

    private Job gateJob() throws InterruptedException {
        Job job = jobs.start(new Plan("test.pages", "Gate for pages", instance.getId(), instance.getName(), List.of(
                new Step("Confirm", null, null, false, new StepSpec.Gate("Ready?"), Duration.ofHours(1), null),
                new Step("Echo", instance.getId(), instance.getName(), true, new StepSpec.RemoteCommand("echo 'after the gate'"),
                        Duration.ofSeconds(30), "nothing"))));
        long until = System.currentTimeMillis() + 20_000;
        while (jobs.get(job.getId()).getStatus() != JobStatus.WAITING && System.currentTimeMillis() < until) {
            Thread.sleep(50);
        }
        return job;
    }

    private String token(Role role) {
        String name = role.name().toLowerCase() + "-" + System.nanoTime() % 1_000_000;
        users.create(name, role, "long-enough-password", "long-enough-password");
        return "Bearer " + tokens.create(name, "t").token();
    }

    @Test
    void theJobPageShowsThePlanTheLogAndTheActionsOfTheRole() throws Exception {
        Job job = gateJob();
        mvc.perform(get("/jobs/" + job.getId()).with(user("v").roles("VIEWER")))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("echo &#39;after the gate&#39;")))
                .andExpect(content().string(containsString("changes the instance")))
                .andExpect(content().string(containsString("Undo: nothing")))
                .andExpect(content().string(containsString("data-stream-url=\"/jobs/" + job.getId() + "/log/stream\"")))
                .andExpect(content().string(org.hamcrest.Matchers.not(containsString("id=\"continue-job\""))));
        mvc.perform(get("/jobs/" + job.getId()).with(user("o").roles("OPERATOR")))
                .andExpect(content().string(containsString("id=\"continue-job\"")))
                .andExpect(content().string(containsString("id=\"cancel-job\"")));
        mvc.perform(get("/jobs/" + job.getId() + "/steps").with(user("v").roles("VIEWER")))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("data-status=\"WAITING\"")));

        mvc.perform(post("/jobs/" + job.getId() + "/continue").with(csrf()).with(user("v").roles("VIEWER")))
                .andExpect(status().isForbidden());
        mvc.perform(post("/jobs/" + job.getId() + "/continue").with(csrf()).with(user("o").roles("OPERATOR")))
                .andExpect(redirectedUrl("/jobs/" + job.getId()))
                .andExpect(flash().attribute("flashOk", "Confirmed: the job runs on."));
        long until = System.currentTimeMillis() + 20_000;
        while (jobs.get(job.getId()).getStatus() != JobStatus.SUCCEEDED && System.currentTimeMillis() < until) {
            Thread.sleep(50);
        }
        mvc.perform(post("/jobs/" + job.getId() + "/cancel").with(csrf()).with(user("o").roles("OPERATOR")))
                .andExpect(flash().attribute("flashError", "Job #" + job.getId() + " is succeeded: there is nothing to cancel"));
        mvc.perform(get("/jobs/" + job.getId()).with(user("o").roles("OPERATOR")))
                .andExpect(content().string(containsString("All 2 steps succeeded")))
                .andExpect(content().string(org.hamcrest.Matchers.not(containsString("id=\"cancel-job\""))));
    }

    @Test
    void theHistoryFiltersAndPages() throws Exception {
        Job job = gateJob();
        jobs.cancel(job.getId());
        mvc.perform(get("/jobs").param("instanceId", instance.getId().toString()).param("status", "CANCELLED")
                        .with(user("v").roles("VIEWER")))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("Gate for pages")));
        mvc.perform(get("/jobs").param("instanceId", instance.getId().toString()).param("status", "SUCCEEDED")
                        .with(user("v").roles("VIEWER")))
                .andExpect(content().string(containsString("No job matches.")));
        String viewer = token(Role.VIEWER);
        mvc.perform(get("/api/v1/jobs").param("instanceId", instance.getId().toString()).param("flow", "test.pages")
                        .param("from", java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString())
                        .header("Authorization", viewer))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.content", hasSize(1)))
                .andExpect(jsonPath("$.content[0].status").value("CANCELLED"))
                .andExpect(jsonPath("$.content[0].steps", hasSize(0)));
        mvc.perform(get("/api/v1/jobs").param("instanceId", instance.getId().toString())
                        .param("to", java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1).toString())
                        .header("Authorization", viewer))
                .andExpect(jsonPath("$.totalElements").value(0));
        mvc.perform(get("/api/v1/jobs/" + job.getId()).header("Authorization", viewer))
                .andExpect(jsonPath("$.steps", hasSize(2)))
                .andExpect(jsonPath("$.steps[1].command").value("echo 'after the gate'"));
        mvc.perform(post("/api/v1/jobs/" + job.getId() + "/resume").header("Authorization", viewer))
                .andExpect(status().isForbidden());
        mvc.perform(get("/api/v1/jobs/424242").header("Authorization", viewer))
                .andExpect(status().isNotFound()).andExpect(jsonPath("$.detail").value("No job with id 424242"));
    }

    @Test
    void theApiReviewsThenRunsExactlyThatPlanAndRefusesABusyInstance() throws Exception {
        String operator = token(Role.OPERATOR);
        String body = "{\"flow\":\"dreamfactory.backup\",\"instanceId\":" + instance.getId() + "}";
        String plan = mvc.perform(post("/api/v1/jobs/plan").header("Authorization", operator)
                        .contentType(MediaType.APPLICATION_JSON).content(body))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.steps", hasSize(5)))
                .andExpect(jsonPath("$.steps[2].command", containsString("sqlite3 ")))
                .andReturn().getResponse().getContentAsString();
        String digest = json.readTree(plan).get("planDigest").asString();

        mvc.perform(post("/api/v1/jobs").header("Authorization", operator).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"flow\":\"dreamfactory.backup\",\"instanceId\":" + instance.getId() + ",\"planDigest\":\"00\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.planDigest", containsString("changed since you reviewed it")));

        Job holder = gateJob();
        mvc.perform(post("/api/v1/jobs").header("Authorization", operator).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"flow\":\"dreamfactory.backup\",\"instanceId\":" + instance.getId()
                                + ",\"planDigest\":\"" + digest + "\"}"))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.detail", containsString("is busy with job #" + holder.getId())));
        jobs.cancel(holder.getId());

        String started = mvc.perform(post("/api/v1/jobs").header("Authorization", operator)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"flow\":\"dreamfactory.backup\",\"instanceId\":" + instance.getId()
                                + ",\"planDigest\":\"" + digest + "\"}"))
                .andExpect(status().isCreated())
                .andReturn().getResponse().getContentAsString();
        long id = json.readTree(started).get("id").asLong();
        long until = System.currentTimeMillis() + 30_000;
        while (jobs.get(id).getStatus().isActive() && System.currentTimeMillis() < until) {
            Thread.sleep(100);
        }
        assertThat(jobs.get(id).getStatus()).as(jobs.get(id).getMessage()).isEqualTo(JobStatus.SUCCEEDED);
        mvc.perform(get("/api/v1/jobs/" + id + "/artifacts").header("Authorization", operator))
                .andExpect(status().isOk()).andExpect(jsonPath("$", hasSize(2)));
        mvc.perform(get("/api/v1/flows").param("instanceId", instance.getId().toString()).header("Authorization", operator))
                .andExpect(jsonPath("$[0].id").value("dreamfactory.backup"));
    }
}
