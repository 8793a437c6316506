package dev.migrationpanel.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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

import java.util.HexFormat;

import tools.jackson.databind.json.JsonMapper;

import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceForm;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.remote.TestSshServer;

/**
 * Job ends told to a real HTTP receiver on loopback, from jobs the engine really ran over SSH: the JSON and its
 * signature, retries with back-off until the receiver takes it, giving up, the channel's scope and outcomes, no secret
 * in what is sent or kept, and the admin page's checks.
 */
@SpringBootTest(properties = { "db-scheduler.polling-interval=200ms", "panel.notifications.poll-interval=200ms", "panel.notifications.first-retry=300ms",
        "panel.notifications.max-attempts=3", "panel.notifications.timeout=3s",
        "panel.notifications.public-url=https://panel.example.test" })
@AutoConfigureMockMvc
class NotificationDeliveryTest {

    static final String DB_PASSWORD = "notify-db-secret-5150";
    static final String SIGNING_SECRET = "receiver-shared-signing-key";

    @Autowired
    NotificationService notifications;
    @Autowired
    JobService jobs;
    @Autowired
    InstanceService instances;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    MockMvc mvc;

    @TempDir
    Path tmp;
    TestSshServer ssh;
    Instance instance;
    HttpServer receiver;
    final List<Map<String, String>> received = new CopyOnWriteArrayList<>();
    /** How many requests the receiver refuses with a 500 before it answers 204. */
    final AtomicInteger refuseFirst = new AtomicInteger();

    @BeforeEach
    void setUp() throws Exception {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("admin-ada", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        ssh = TestSshServer.startDefault("deploy", "notify-ssh-pw");
        InstanceForm form = TestInstances.passwordFormWithDbSecret("notify", ssh, tmp, DB_PASSWORD);
        instance = instances.create(form);
        TestInstances.pinHostKey(jdbc, instance.getId(), ssh.hostKey());
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(Map.of("body", body, "signature", header(exchange, WebhookSignature.SIGNATURE_HEADER),
                    "timestamp", header(exchange, WebhookSignature.TIMESTAMP_HEADER),
                    "event", header(exchange, "X-Panel-Event"), "type", header(exchange, "Content-Type")));
            int code = refuseFirst.getAndDecrement() > 0 ? 500 : 204;
            exchange.sendResponseHeaders(code, -1);
            exchange.close();
        });
        receiver.start();
        jdbc.update("delete from notification_channel");
    }

    private static String header(com.sun.net.httpserver.HttpExchange exchange, String name) {
        String value = exchange.getRequestHeaders().getFirst(name);
        return value == null ? "" : value;
    }

    @AfterEach
    void tearDown() throws IOException {
        receiver.stop(0);
        ssh.close();
        jdbc.update("delete from notification_channel");
        SecurityContextHolder.clearContext();
    }

    private String hookUrl() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    private NotificationChannel webhook(String name, Long instanceId, List<String> statuses) {
        return notifications.create(new ChannelForm(name, "WEBHOOK", hookUrl(), SIGNING_SECRET, "",
                instanceId == null ? "" : instanceId.toString(), statuses)).channel();
    }

    private Job run(String title, String command, JobStatus expected) throws InterruptedException {
        Step step = new Step(title, instance.getId(), instance.getName(), true, new StepSpec.RemoteCommand(command),
                Duration.ofSeconds(30), null);
        Job job = jobs.start(new Plan("test.notify", "Notification test", instance.getId(), instance.getName(),
                List.of(step)));
        await("job #" + job.getId() + " ends " + expected, () -> jobs.get(job.getId()).getStatus() == expected);
        return jobs.get(job.getId());
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long until = System.currentTimeMillis() + 20_000;
        while (!condition.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as("waited 20 s for: " + what).isLessThan(until);
            Thread.sleep(50);
        }
    }

    private String deliveryStatus(long channelId) {
        List<String> states = jdbc.queryForList("select status from notification_delivery where channel_id = ?",
                String.class, channelId);
        return states.isEmpty() ? null : states.get(0);
    }

    private Map<String, Object> delivery(long channelId) {
        List<Map<String, Object>> rows = jdbc.queryForList("select * from notification_delivery where channel_id = ?",
                channelId);
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }

    private static String hmac(String secret, String timestamp, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aFailedJobIsPostedSignedAndRetriedUntilTheReceiverTakesIt() throws Exception {
        refuseFirst.set(1);
        NotificationChannel channel = webhook("ops", instance.getId(), List.of("FAILED"));
        Job job = run("Fail with the password in the error", "echo \"refused {{secret:db.password}}\" >&2; exit 3",
                JobStatus.FAILED);

        await("the delivery is taken", () -> "DELIVERED".equals(deliveryStatus(channel.getId())));
        assertThat(received).hasSize(2); // refused once, then taken
        Map<String, String> request = received.get(1);
        assertThat(request.get("type")).isEqualTo("application/json");
        assertThat(request.get("event")).isEqualTo("job.failed");
        assertThat(request.get("signature")).as("the receiver's check with the shared secret")
                .isEqualTo(hmac(SIGNING_SECRET, request.get("timestamp"), request.get("body")));
        assertThat(request.get("signature")).as("a wrong secret does not verify")
                .isNotEqualTo(hmac("some-other-secret", request.get("timestamp"), request.get("body")));
        Map<?, ?> payload = JsonMapper.builder().build().readValue(request.get("body"), Map.class);
        Map<?, ?> jobFields = (Map<?, ?>) payload.get("job");
        assertThat(((Number) jobFields.get("id")).longValue()).isEqualTo(job.getId());
        assertThat(jobFields.get("flow")).isEqualTo("test.notify");
        assertThat(jobFields.get("status")).isEqualTo("FAILED");
        assertThat(jobFields.get("link")).isEqualTo("https://panel.example.test/jobs/" + job.getId());
        assertThat(jobFields.get("durationSeconds")).isInstanceOf(Number.class);
        assertThat((String) jobFields.get("message")).contains("refused ****");
        assertThat(((Map<?, ?>) payload.get("instance")).get("name")).isEqualTo(instance.getName());
        received.forEach(r -> assertThat(r.get("body")).doesNotContain(DB_PASSWORD, SIGNING_SECRET));

        Map<String, Object> row = delivery(channel.getId());
        assertThat(row.get("ATTEMPTS")).isEqualTo(2);
        assertThat((String) row.get("LAST_RESULT")).startsWith("HTTP 204");
        assertThat(jdbc.queryForObject("select count(*) from notification_delivery where payload like ?", Integer.class,
                "%" + DB_PASSWORD + "%")).isZero();
        assertThat(jdbc.queryForObject("select signing_secret_enc from notification_channel where id = ?", String.class,
                channel.getId())).as("the signing secret is encrypted at rest").doesNotContain(SIGNING_SECRET);

        Thread.sleep(800); // a few more polls: the job end is not sent again
        assertThat(received).hasSize(2);
    }

    @Test
    void outcomesAndScopeChooseWhatIsSentAndAReceiverThatNeverTakesItIsGivenUp() throws Exception {
        refuseFirst.set(100);
        NotificationChannel failures = webhook("failures", null, List.of("FAILED"));
        InstanceForm otherForm = TestInstances.passwordForm("notify-other", ssh, tmp);
        Instance other = instances.create(otherForm);
        NotificationChannel otherInstance = webhook("elsewhere", other.getId(), List.of("SUCCEEDED", "FAILED"));
        Job ok = run("Succeed", "true", JobStatus.SUCCEEDED);
        Job failed = run("Fail", "exit 1", JobStatus.FAILED);

        await("the failure's delivery is given up", () -> "FAILED".equals(deliveryStatus(failures.getId())));
        Map<String, Object> row = delivery(failures.getId());
        assertThat(((Number) row.get("JOB_ID")).longValue()).isEqualTo(failed.getId());
        assertThat(row.get("ATTEMPTS")).isEqualTo(3);
        assertThat((String) row.get("LAST_RESULT")).contains("HTTP 500", "gave up after 3 attempts");
        assertThat(received).as("three attempts, nothing for the success").hasSize(3)
                .allMatch(r -> r.get("event").equals("job.failed"));
        assertThat(jdbc.queryForObject("select count(*) from notification_delivery where channel_id = ?", Integer.class,
                otherInstance.getId())).as("a channel of another instance hears nothing").isZero();
        assertThat(jdbc.queryForObject("select count(*) from notification_delivery where job_id = ?", Integer.class,
                ok.getId())).as("no channel wants successes here").isZero();
    }

    @Test
    void aChannelSwitchedOffGivesUpWhatItHadToSend() throws Exception {
        refuseFirst.set(100);
        NotificationChannel channel = webhook("flaky", null, List.of("FAILED"));
        run("Fail", "exit 1", JobStatus.FAILED);
        await("a first attempt", () -> !received.isEmpty());
        notifications.setEnabled(channel.getId(), false);
        int seen = received.size();
        Map<String, Object> row = delivery(channel.getId());
        assertThat(row.get("STATUS")).isEqualTo("FAILED");
        assertThat((String) row.get("LAST_RESULT")).contains("switched off");
        Thread.sleep(1000);
        assertThat(received).hasSize(seen);
    }

    @Test
    void theAdminPageChecksEveryFieldAndNeverShowsTheSecret() throws Exception {
        mvc.perform(get("/admin/notifications").with(user("viewer-vic").roles("OPERATOR"))).andExpect(status().isForbidden());
        String refused = mvc.perform(post("/admin/notifications").with(user("admin-ada").roles("ADMIN")).with(csrf())
                        .param("name", "ops").param("kind", "WEBHOOK").param("url", "https://user:pw@hooks.example.test/x")
                        .param("signingSecret", "short").param("instanceId", "abc"))
                .andExpect(status().isBadRequest()).andReturn().getResponse().getContentAsString();
        assertThat(refused).contains("Put no user or password in the address", "A signing secret has 16 to 200 characters",
                "Choose an instance from the list", "Choose at least one outcome").doesNotContain("Exception");
        String mail = mvc.perform(post("/admin/notifications").with(user("admin-ada").roles("ADMIN")).with(csrf())
                        .param("name", "mail").param("kind", "EMAIL").param("recipients", "ops@example.test")
                        .param("statuses", "FAILED"))
                .andExpect(status().isBadRequest()).andReturn().getResponse().getContentAsString();
        assertThat(mail).contains("E-mail needs an SMTP server");
        mvc.perform(post("/admin/notifications").with(user("admin-ada").roles("ADMIN")).with(csrf())
                        .param("name", "bad").param("kind", "WEBHOOK").param("url", hookUrl()).param("statuses", "RUNNING"))
                .andExpect(status().isBadRequest());
        assertThat(notifications.list()).isEmpty();

        mvc.perform(post("/admin/notifications").with(user("admin-ada").roles("ADMIN")).with(csrf())
                        .param("name", "ops").param("kind", "WEBHOOK").param("url", hookUrl())
                        .param("signingSecret", SIGNING_SECRET).param("statuses", "FAILED", "INTERRUPTED"))
                .andExpect(status().is3xxRedirection()).andExpect(flash().attribute("generatedSecret", (Object) null));
        String page = mvc.perform(get("/admin/notifications").with(user("admin-ada").roles("ADMIN")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains(hookUrl(), "failed, interrupted").doesNotContain(SIGNING_SECRET);

        // no secret given: the panel makes one, shown once in the flash, and it signs the test message
        String generated = (String) mvc.perform(post("/admin/notifications").with(user("admin-ada").roles("ADMIN"))
                        .with(csrf()).param("name", "made").param("kind", "WEBHOOK").param("url", hookUrl())
                        .param("statuses", "FAILED"))
                .andExpect(status().is3xxRedirection()).andReturn().getFlashMap().get("generatedSecret");
        assertThat(generated).matches("[0-9a-f]{64}");
        long made = notifications.list().stream().filter(c -> c.getName().equals("made")).findFirst().orElseThrow().getId();
        mvc.perform(post("/admin/notifications/" + made + "/test").with(user("admin-ada").roles("ADMIN")).with(csrf()))
                .andExpect(status().is3xxRedirection());
        await("the test message", () -> !received.isEmpty());
        assertThat(received.get(0).get("event")).isEqualTo("test");
        assertThat(received.get(0).get("signature"))
                .isEqualTo(hmac(generated, received.get(0).get("timestamp"), received.get(0).get("body")));
        assertThat(mvc.perform(get("/admin/notifications").with(user("admin-ada").roles("ADMIN"))).andReturn()
                .getResponse().getContentAsString()).doesNotContain(generated);
        mvc.perform(post("/admin/notifications/99999/delete").with(user("admin-ada").roles("ADMIN")).with(csrf()))
                .andExpect(status().isNotFound());
        assertThatThrownBy(() -> notifications.setEnabled(99_999, true)).hasMessageContaining("No notification channel");
    }
}
