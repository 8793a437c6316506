package dev.migrationpanel.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.migrationpanel.MigrationPanelApplication;
import dev.migrationpanel.instance.FakeInstall;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.job.FlowService;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.remote.TestSshServer;
import dev.migrationpanel.security.Role;
import dev.migrationpanel.security.UserService;

/**
 * A start scheduled on one panel, which then stops; the next panel on the same database starts the job at its time
 * (not before, and within seconds after) — the maintenance window survives a restart.
 */
class ScheduledStartRestartTest {

    // room for the second panel to start (about 5 s here); on a machine so busy that it starts later, "not before its
    // time" still holds through the job's creation time, checked below
    static final Duration AHEAD = Duration.ofSeconds(20);

    @TempDir
    Path data;

    private ConfigurableApplicationContext startPanel() {
        return new SpringApplicationBuilder(MigrationPanelApplication.class)
                .run("--spring.datasource.url=jdbc:h2:file:" + data.resolve("panel"), "--panel.data-dir=" + data,
                        "--server.port=0", "--panel.jobs.node-name=schedule-node", "--db-scheduler.shutdown-max-wait=2s",
                        "--db-scheduler.polling-interval=500ms", "--panel.schedules.min-ahead=5s");
    }

    @Test
    void aStartScheduledBeforeARestartRunsOnTimeAfterIt() throws Exception {
        Path install = FakeInstall.create(data.resolve("df"), FakeInstall.sqliteEnv());
        try (TestSshServer server = TestSshServer.startDefault("deploy", "schedule-restart-pw")) {
            long scheduledId;
            Instant startAt;
            ConfigurableApplicationContext first = startPanel();
            try {
                first.getBean(UserService.class).create("window-olga", Role.OPERATOR, "long-enough-password",
                        "long-enough-password");
                SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken(
                        "window-olga", null, AuthorityUtils.createAuthorityList("ROLE_OPERATOR")));
                Instance instance = first.getBean(InstanceService.class)
                        .create(TestInstances.passwordForm("schedule-restart", server, install));
                TestInstances.pinHostKey(first.getBean(JdbcTemplate.class), instance.getId(), server.hostKey());
                String digest = first.getBean(FlowService.class).review("dreamfactory.backup", instance.getId(), Map.of())
                        .digest();
                startAt = Instant.now().plus(AHEAD);
                scheduledId = first.getBean(ScheduledStarts.class)
                        .schedule("dreamfactory.backup", instance.getId(), Map.of(), digest, startAt).id();
            } finally {
                SecurityContextHolder.clearContext();
                first.close();
            }

            ConfigurableApplicationContext second = startPanel();
            try {
                ScheduledStarts starts = second.getBean(ScheduledStarts.class);
                ScheduledStarts.State early = starts.get(scheduledId).state();
                if (Instant.now().isBefore(startAt.minusSeconds(1))) {
                    assertThat(early).as("not started before its time").isEqualTo(ScheduledStarts.State.SCHEDULED);
                }
                long until = System.currentTimeMillis() + AHEAD.toMillis() + 30_000;
                while (starts.get(scheduledId).state() != ScheduledStarts.State.STARTED
                        && System.currentTimeMillis() < until) {
                    Thread.sleep(100);
                }
                ScheduledStarts.Scheduled started = starts.get(scheduledId);
                assertThat(started.state()).as(started.message()).isEqualTo(ScheduledStarts.State.STARTED);
                JobService jobs = second.getBean(JobService.class);
                Job job = jobs.get(started.jobId());
                assertThat(job.getCreatedAt()).as("on time: not before, within seconds after")
                        .isAfterOrEqualTo(startAt).isBefore(startAt.plusSeconds(10));
                assertThat(job.getStartedBy()).isEqualTo("window-olga");
                long done = System.currentTimeMillis() + 30_000;
                while (jobs.get(job.getId()).getStatus().isActive() && System.currentTimeMillis() < done) {
                    Thread.sleep(100);
                }
                assertThat(jobs.get(job.getId()).getStatus()).isEqualTo(JobStatus.SUCCEEDED);
            } finally {
                second.close();
            }
        }
    }
}
