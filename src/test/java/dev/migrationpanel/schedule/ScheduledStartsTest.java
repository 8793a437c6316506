package dev.migrationpanel.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.web.servlet.MockMvc;

import com.sun.net.httpserver.HttpServer;

import dev.migrationpanel.instance.FakeInstall;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.job.FlowService;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.remote.TestSshServer;
import dev.migrationpanel.security.ApiTokenService;
import dev.migrationpanel.security.Role;
import dev.migrationpanel.security.UserService;
import dev.migrationpanel.web.InvalidInputException;

/**
 * Maintenance windows: a reviewed plan kept with its digest and started at its time (here: fired as db-scheduler
 * fires it) only while it is still the plan reviewed, as the one who scheduled it; refusals said and notified;
 * cancel; a missed window; the page's and the form's checks.
 */
@SpringBootTest(properties = { "db-scheduler.polling-interval=200ms", "panel.notifications.poll-interval=200ms" })
@AutoConfigureMockMvc
class ScheduledStartsTest {

    static final String FLOW = "dreamfactory.backup";

    @Autowired
    ScheduledStarts starts;
    @Autowired
    FlowService flows;
    @Autowired
    JobService jobs;
    @Autowired
    InstanceService instances;
    @Autowired
    UserService users;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    MockMvc mvc;
    @Autowired
    ApiTokenService tokens;

    @TempDir
    Path tmp;
    TestSshServer ssh;
    Instance instance;
    String operator;

    @BeforeEach
    void setUp() throws Exception {
        ssh = TestSshServer.startDefault("deploy", "schedule-ssh-pw");
        Path install = FakeInstall.create(tmp.resolve("df"), FakeInstall.sqliteEnv());
        operator = "sched-op-" + System.nanoTime() % 1_000_000;
        users.create(operator, Role.OPERATOR, "long-enough-password", "long-enough-password");
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken(operator, null,
                AuthorityUtils.createAuthorityList("ROLE_OPERATOR")));
        instance = instances.create(TestInstances.passwordForm("schedule", ssh, install));
        TestInstances.pinHostKey(jdbc, instance.getId(), ssh.hostKey());
    }

    @AfterEach
    void tearDown() throws Exception {
        ssh.close();
        SecurityContextHolder.clearContext();
    }

    private ScheduledStarts.Scheduled scheduleIn(Duration ahead) {
        signInAs(operator, "ROLE_OPERATOR"); // a MockMvc request or a fire before cleared the thread's sign-in
        String digest = flows.review(FLOW, instance.getId(), Map.of()).digest();
        return starts.schedule(FLOW, instance.getId(), Map.of(), digest, Instant.now().plus(ahead));
    }

    private static void signInAs(String name, String role) {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken(name, null,
                AuthorityUtils.createAuthorityList(role)));
    }

    /** What db-scheduler does at the time: the task runs on a scheduler thread, with nobody signed in. */
    private ScheduledStarts.Scheduled fire(long id) {
        SecurityContextHolder.clearContext();
        starts.fire(id);
        return starts.get(id);
    }

    private Instant queuedAt(long id) {
        List<Timestamp> at = jdbc.queryForList("select execution_time from scheduled_tasks where task_name = ? "
                + "and task_instance = ?", Timestamp.class, ScheduleTask.NAME, ScheduleQueue.executionId(id));
        return at.isEmpty() ? null : at.get(0).toInstant().truncatedTo(ChronoUnit.MILLIS);
    }

    @Test
    void aReviewedPlanStartsAtItsTimeAsTheOperatorWhoScheduledIt() throws Exception {
        ScheduledStarts.Scheduled scheduled = scheduleIn(Duration.ofHours(2));
        assertThat(scheduled.state()).isEqualTo(ScheduledStarts.State.SCHEDULED);
        assertThat(queuedAt(scheduled.id())).as("in db-scheduler's table: kept across restarts")
                .isEqualTo(scheduled.startAt().truncatedTo(ChronoUnit.MILLIS));

        ScheduledStarts.Scheduled fired = fire(scheduled.id());
        assertThat(fired.state()).as(fired.message()).isEqualTo(ScheduledStarts.State.STARTED);
        assertThat(fired.jobId()).isNotNull();
        assertThat(jobs.get(fired.jobId()).getStartedBy()).isEqualTo(operator);
        assertThat(jobs.get(fired.jobId()).getFlow()).isEqualTo(FLOW);
        long until = System.currentTimeMillis() + 30_000;
        while (jobs.get(fired.jobId()).getStatus().isActive() && System.currentTimeMillis() < until) {
            Thread.sleep(100);
        }
        assertThat(jobs.get(fired.jobId()).getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(fire(scheduled.id()).jobId()).as("fired twice, started once").isEqualTo(fired.jobId());
    }

    @Test
    void aPlanThatChangedIsRefusedAndChannelsThatHearOfFailuresAreTold() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            mvc.perform(post("/admin/notifications").with(user("admin-ada").roles("ADMIN")).with(csrf())
                    .param("name", "window-watch-" + instance.getId()).param("kind", "WEBHOOK")
                    .param("url", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook")
                    .param("instanceId", instance.getId().toString()).param("statuses", "FAILED"))
                    .andExpect(status().is3xxRedirection());
            ScheduledStarts.Scheduled scheduled = scheduleIn(Duration.ofHours(1));
            // the instance changes after the review: its install moves (to a copy that works, so only the plan differs)
            Path moved = FakeInstall.create(tmp.resolve("df-moved"), FakeInstall.sqliteEnv());
            jdbc.update("update instance set install_path = ? where id = ?", moved.toString(), instance.getId());

            ScheduledStarts.Scheduled fired = fire(scheduled.id());
            assertThat(fired.state()).isEqualTo(ScheduledStarts.State.REFUSED);
            assertThat(fired.jobId()).isNull();
            assertThat(fired.message()).contains("The plan changed since you reviewed it");
            long until = System.currentTimeMillis() + 20_000;
            while (received.isEmpty() && System.currentTimeMillis() < until) {
                Thread.sleep(100);
            }
            assertThat(received).hasSize(1);
            assertThat(received.get(0)).contains("\"event\":\"schedule.refused\"", "\"id\":" + scheduled.id(),
                    "The plan changed since you reviewed it");
        } finally {
            receiver.stop(0);
            jdbc.update("delete from notification_channel where name = ?", "window-watch-" + instance.getId());
        }
    }

    @Test
    void aMissedWindowAndAnOperatorWhoMayNoLongerRunJobsAreRefused() {
        ScheduledStarts.Scheduled late = scheduleIn(Duration.ofHours(1));
        jdbc.update("update scheduled_start set start_at = ? where id = ?",
                Timestamp.from(Instant.now().minus(Duration.ofMinutes(40))), late.id());
        assertThat(fire(late.id()).message()).contains("Missed its window");

        ScheduledStarts.Scheduled disabled = scheduleIn(Duration.ofHours(1));
        long userId = users.findByUsername(operator).orElseThrow().getId();
        signInAs("admin-ada", "ROLE_ADMIN");
        users.changeRole(userId, Role.VIEWER);
        ScheduledStarts.Scheduled fired = fire(disabled.id());
        assertThat(fired.state()).isEqualTo(ScheduledStarts.State.REFUSED);
        assertThat(fired.message()).contains(operator, "may no longer run jobs");
    }

    @Test
    void aStartStillToComeCanBeCancelledOnce() throws Exception {
        ScheduledStarts.Scheduled scheduled = scheduleIn(Duration.ofDays(3));
        mvc.perform(post("/schedules/" + scheduled.id() + "/cancel").with(user(operator).roles("OPERATOR")).with(csrf()))
                .andExpect(redirectedUrl("/schedules"))
                .andExpect(flash().attribute("flashOk", "Scheduled start #" + scheduled.id() + " cancelled"));
        assertThat(starts.get(scheduled.id()).state()).isEqualTo(ScheduledStarts.State.CANCELLED);
        assertThat(queuedAt(scheduled.id())).as("removed from db-scheduler's queue").isNull();
        assertThat(fire(scheduled.id()).jobId()).as("a cancelled start never runs").isNull();
        mvc.perform(post("/schedules/" + scheduled.id() + "/cancel").with(user(operator).roles("OPERATOR")).with(csrf()))
                .andExpect(flash().attribute("flashError",
                        "Scheduled start #" + scheduled.id() + " is cancelled: only a start still to come can be cancelled"));
        String page = mvc.perform(get("/schedules").with(user("viewer-vic").roles("VIEWER"))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(page).contains("data-id=\"" + scheduled.id() + "\"", "Cancelled by " + operator);
        mvc.perform(post("/schedules/" + scheduled.id() + "/cancel").with(user("viewer-vic").roles("VIEWER")).with(csrf()))
                .andExpect(status().isForbidden());
    }

    @Test
    void theTimeAndTheDigestAreChecked() throws Exception {
        String digest = flows.review(FLOW, instance.getId(), Map.of()).digest();
        assertThatThrownBy(() -> starts.schedule(FLOW, instance.getId(), Map.of(), digest, Instant.now().minusSeconds(5)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("past or less than 60 s away");
        assertThatThrownBy(() -> starts.schedule(FLOW, instance.getId(), Map.of(), digest,
                Instant.now().plus(Duration.ofDays(91)))).hasMessageContaining("up to 90 days ahead");
        assertThatThrownBy(() -> starts.schedule(FLOW, instance.getId(), Map.of(), "0".repeat(64),
                Instant.now().plus(Duration.ofHours(1)))).hasMessageContaining("The plan changed since you reviewed it");
        String path = "/instances/" + instance.getId() + "/flows/" + FLOW + "/schedule";
        mvc.perform(post(path).with(user(operator).roles("OPERATOR")).with(csrf()).param("planDigest", digest)
                .param("startAt", "next tuesday"))
                .andExpect(flash().attribute("flashError", "The start time is a date and time in UTC, e.g. 2026-12-24T22:00"));
        mvc.perform(post(path).with(user(operator).roles("OPERATOR")).with(csrf()).param("planDigest", digest)
                .param("startAt", ""))
                .andExpect(flash().attribute("flashError", "Give the start time (UTC), e.g. 2026-12-24T22:00"));
        String at = java.time.LocalDateTime.ofInstant(Instant.now().plus(Duration.ofHours(5)), java.time.ZoneOffset.UTC)
                .truncatedTo(ChronoUnit.MINUTES).toString();
        mvc.perform(post(path).with(user(operator).roles("OPERATOR")).with(csrf()).param("planDigest", digest)
                .param("startAt", at)).andExpect(redirectedUrl("/schedules"));
        mvc.perform(post(path).with(user("viewer-vic").roles("VIEWER")).with(csrf()).param("planDigest", digest)
                .param("startAt", at)).andExpect(status().isForbidden());
    }

    @Test
    void overTheApiAPlanReviewedThereIsScheduledListedAndCancelled() throws Exception {
        String bearer = "Bearer " + tokens.create(operator, "t").token();
        String review = mvc.perform(post("/api/v1/jobs/plan").header("Authorization", bearer)
                        .contentType("application/json").content("{\"flow\":\"" + FLOW + "\",\"instanceId\":" + instance.getId() + "}"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        var json = tools.jackson.databind.json.JsonMapper.builder().build().readTree(review);
        String planId = json.get("planId").asString();
        String digest = json.get("planDigest").asString();
        String at = Instant.now().plus(Duration.ofHours(3)).truncatedTo(ChronoUnit.SECONDS).toString();

        mvc.perform(post("/api/v1/schedules").header("Authorization", bearer).contentType("application/json")
                        .content("{\"planId\":\"" + planId + "\",\"planDigest\":\"" + "f".repeat(64) + "\",\"startAt\":\"" + at + "\"}"))
                .andExpect(status().isBadRequest());
        mvc.perform(post("/api/v1/schedules").header("Authorization", bearer).contentType("application/json")
                        .content("{\"planId\":\"" + java.util.UUID.randomUUID() + "\",\"planDigest\":\"" + digest + "\",\"startAt\":\"" + at + "\"}"))
                .andExpect(status().isNotFound());
        mvc.perform(post("/api/v1/schedules").header("Authorization", bearer).contentType("application/json")
                        .content("{\"planId\":\"" + planId + "\",\"planDigest\":\"" + digest + "\",\"startAt\":\"yesterday\"}"))
                .andExpect(status().isBadRequest());
        String created = mvc.perform(post("/api/v1/schedules").header("Authorization", bearer).contentType("application/json")
                        .content("{\"planId\":\"" + planId + "\",\"planDigest\":\"" + digest + "\",\"startAt\":\"" + at + "\"}"))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
        long id = tools.jackson.databind.json.JsonMapper.builder().build().readTree(created).get("id").asLong();
        assertThat(starts.get(id).startAt()).isEqualTo(Instant.parse(at));
        assertThat(starts.get(id).createdBy()).isEqualTo(operator);
        assertThat(mvc.perform(get("/api/v1/schedules").header("Authorization", bearer)).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString()).contains("\"id\":" + id, "\"state\":\"SCHEDULED\"");
        mvc.perform(post("/api/v1/schedules/" + id + "/cancel").header("Authorization", bearer))
                .andExpect(status().isNoContent());
        mvc.perform(post("/api/v1/schedules/" + id + "/cancel").header("Authorization", bearer))
                .andExpect(status().isBadRequest());
        mvc.perform(get("/api/v1/schedules/999999").header("Authorization", bearer)).andExpect(status().isNotFound());
    }
}
