package dev.migrationpanel.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.migrationpanel.MigrationPanelApplication;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.job.log.JobLogService;
import dev.migrationpanel.remote.TestSshServer;

/**
 * The panel stopped in the middle of a job and started again, for real: two application contexts, one
 * after the other, on the same database file. The job ends up interrupted at the step it was in, holds
 * no lock, and resumes from that step on the new panel.
 */
class PanelRestartTest {

    @TempDir
    Path data;

    private ConfigurableApplicationContext startPanel() {
        // command-line arguments: they win over the test configuration files
        return new SpringApplicationBuilder(MigrationPanelApplication.class)
                .run("--spring.datasource.url=jdbc:h2:file:" + data.resolve("panel"), "--panel.data-dir=" + data,
                        "--server.port=0", "--panel.jobs.node-name=restart-node", "--db-scheduler.shutdown-max-wait=2s");
    }

    private static Job await(ConfigurableApplicationContext panel, long id, JobStatus expected) throws InterruptedException {
        JobService jobs = panel.getBean(JobService.class);
        long until = System.currentTimeMillis() + 30_000;
        Job job = jobs.get(id);
        while (job.getStatus() != expected && System.currentTimeMillis() < until) {
            Thread.sleep(50);
            job = jobs.get(id);
        }
        assertThat(job.getStatus()).as(job.getMessage()).isEqualTo(expected);
        return job;
    }

    @Test
    void aJobRunningWhenThePanelStopsIsInterruptedAndResumesOnTheNextStart() throws Exception {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("restart-admin",
                null, AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        Path flag = Files.createDirectories(data.resolve("work")).resolve("second-run");
        long jobId;
        long instanceId;
        try (TestSshServer server = TestSshServer.startDefault("deploy", "restart-pw")) {
            ConfigurableApplicationContext first = startPanel();
            try {
                Instance instance = first.getBean(InstanceService.class)
                        .create(TestInstances.passwordForm("restart-instance", server, data));
                instanceId = instance.getId();
                TestInstances.pinHostKey(first.getBean(JdbcTemplate.class), instanceId, server.hostKey());
                Job job = first.getBean(JobService.class).start(new Plan("test.restart", "Restart test", instanceId,
                        instance.getName(), List.of(
                        new Step("Quick", instanceId, instance.getName(), false, new StepSpec.RemoteCommand("echo one"),
                                Duration.ofSeconds(30), null),
                        new Step("Slow", instanceId, instance.getName(), true, new StepSpec.RemoteCommand(
                                "test -f '" + flag + "' && echo resumed || { echo slow; sleep 120; }"),
                                Duration.ofMinutes(5), null))));
                jobId = job.getId();
                JobLogService logs = first.getBean(JobLogService.class);
                long until = System.currentTimeMillis() + 20_000;
                while (logs.after(jobId, 0, 100).stream().noneMatch(l -> l.line().equals("slow"))
                        && System.currentTimeMillis() < until) {
                    Thread.sleep(50);
                }
            } finally {
                first.close(); // the panel stops while step 2 runs
            }

            Files.writeString(flag, "x");
            try (ConfigurableApplicationContext second = startPanel()) {
                Job interrupted = second.getBean(JobService.class).get(jobId);
                assertThat(interrupted.getStatus()).isEqualTo(JobStatus.INTERRUPTED);
                assertThat(interrupted.getResumeFrom()).isEqualTo(1);
                assertThat(interrupted.getSteps().get(0).getStatus()).isEqualTo(StepStatus.SUCCEEDED);
                assertThat(interrupted.getSteps().get(1).getStatus()).isEqualTo(StepStatus.INTERRUPTED);
                assertThat(second.getBean(JdbcTemplate.class).queryForList(
                        "select job_id from instance_lock where instance_id = ?", instanceId)).isEmpty();

                second.getBean(JobService.class).resume(jobId, null);
                await(second, jobId, JobStatus.SUCCEEDED);
                assertThat(second.getBean(JobLogService.class).after(jobId, 0, 100))
                        .extracting(l -> l.line()).containsSubsequence("one", "slow", "resumed");
            }
        } finally {
            SecurityContextHolder.clearContext();
        }
    }
}
