package dev.migrationpanel.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

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
import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.lab.LabLocks;
import dev.migrationpanel.remote.TestSshServer;

/**
 * E-mail through a real SMTP server: the lab's aiosmtpd (Debian's python3-aiosmtpd) accepts what the panel sends
 * and writes it into a Maildir, which this test reads — the message a recipient would get, with no secret in it.
 */
@SpringBootTest(properties = { "db-scheduler.polling-interval=200ms", "panel.notifications.poll-interval=200ms" })
@ResourceLock(LabLocks.SMTP)
class NotificationMailLabIT {

    static final String DB_PASSWORD = "mail-db-secret-8086";

    @DynamicPropertySource
    static void smtp(DynamicPropertyRegistry registry) {
        Lab lab = Lab.get();
        registry.add("spring.mail.host", () -> lab.property("smtp.host"));
        registry.add("spring.mail.port", () -> lab.property("smtp.port"));
        registry.add("panel.notifications.mail-from", () -> "panel@lab.test");
    }

    @Autowired
    NotificationService notifications;
    @Autowired
    JobService jobs;
    @Autowired
    InstanceService instances;
    @Autowired
    JdbcTemplate jdbc;

    @TempDir
    Path tmp;
    TestSshServer ssh;
    Instance instance;

    @BeforeEach
    void setUp() throws Exception {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("admin-ada", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        ssh = TestSshServer.startDefault("deploy", "mail-ssh-pw");
        InstanceForm form = TestInstances.passwordFormWithDbSecret("mail", ssh, tmp, DB_PASSWORD);
        instance = instances.create(form);
        TestInstances.pinHostKey(jdbc, instance.getId(), ssh.hostKey());
    }

    @AfterEach
    void tearDown() throws IOException {
        ssh.close();
        SecurityContextHolder.clearContext();
    }

    /** The message in the lab's Maildir whose text contains {@code marker}, waiting up to 20 s for it. */
    private static String mailContaining(String marker) throws Exception {
        Path inbox = Path.of(Lab.get().property("smtp.maildir")).resolve("new");
        long until = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < until) {
            try (Stream<Path> files = Files.list(inbox)) {
                Optional<String> found = files.map(NotificationMailLabIT::read).filter(m -> m.contains(marker)).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no e-mail containing '" + marker + "' reached the lab SMTP server's Maildir " + inbox);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void aFailedJobIsMailedToEveryRecipient() throws Exception {
        // the lab's Maildir keeps every earlier run's messages: look for this run's instance and channel only
        String channelName = "on-call-" + System.nanoTime();
        NotificationChannel channel = notifications.create(new ChannelForm(channelName, "EMAIL", "", "",
                "oncall@lab.test, dba@lab.test", instance.getId().toString(), List.of("FAILED"))).channel();
        Step step = new Step("Fail loudly", instance.getId(), instance.getName(), true,
                new StepSpec.RemoteCommand("echo \"denied for {{secret:db.password}}\" >&2; exit 4"),
                Duration.ofSeconds(30), null);
        Job job = jobs.start(new Plan("test.mail", "Mail test", instance.getId(), instance.getName(), List.of(step)));

        String mail = mailContaining("Instance: " + instance.getName());
        assertThat(jobs.get(job.getId()).getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(mail).contains("Subject: [migration panel] Job #" + job.getId() + " failed", "From: panel@lab.test",
                "oncall@lab.test", "dba@lab.test", "Instance: " + instance.getName(), "denied for ****", "Log: /jobs/" + job.getId())
                .doesNotContain(DB_PASSWORD);
        assertThat(jdbc.queryForObject("select status from notification_delivery where channel_id = ?", String.class,
                channel.getId())).isEqualTo("DELIVERED");

        notifications.sendTest(channel.getId());
        assertThat(mailContaining("A test of notification channel '" + channelName + "'")).contains("Subject: [migration panel] Test message");
    }
}
