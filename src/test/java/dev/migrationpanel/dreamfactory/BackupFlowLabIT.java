package dev.migrationpanel.dreamfactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.instance.InstanceForm;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.job.FlowService;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.job.log.JobLogService;
import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.lab.LabLocks;
import dev.migrationpanel.remote.SshSession;
import dev.migrationpanel.web.InvalidInputException;

/**
 * "Back up now" on the lab's DreamFactory-shaped installs over the real sshd, for each DB vendor: the
 * .env and the dump land in the artifact store, whole and checksummed, and nothing is left behind.
 */
@SpringBootTest
@ResourceLock(LabLocks.DREAMFACTORY)
class BackupFlowLabIT extends LabFlowTestSupport {

    @Autowired
    JobLogService logs;

    private Instance register(String labInstance) {
        return register(labInstance, "rsa", false);
    }

    private Job await(long id) throws InterruptedException {
        return await(id, java.time.Duration.ofMinutes(1));
    }

    private static String read(InputStream in) throws Exception {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mariadb", "pgsql", "sqlite"})
    void backsUpEnvAndDatabase(String labInstance) throws Exception {
        Instance instance = register(labInstance);
        Lab.LabInstance li = lab.instance(labInstance);
        FlowService.Review review = flows.review(DreamFactoryBackupFlow.ID, instance.getId(), Map.of());
        assertThat(review.plan().steps()).hasSize(5);
        assertThat(review.plan().steps()).allSatisfy(s -> assertThat(s.changesInstance()).isFalse());
        String shown = review.plan().steps().toString();
        if (li.dbPassword() != null) {
            assertThat(shown).doesNotContain(li.dbPassword());
        }

        Job job = flows.start(DreamFactoryBackupFlow.ID, instance.getId(), Map.of(), review.digest());
        Job done = await(job.getId());
        assertThat(done.getStatus()).as(done.getMessage()).isEqualTo(JobStatus.SUCCEEDED);

        List<Artifact> stored = artifacts.forJob(job.getId());
        Artifact env = stored.stream().filter(a -> a.getKind() == ArtifactKind.ENV_FILE).findFirst().orElseThrow();
        Artifact dump = stored.stream().filter(a -> a.getKind() == ArtifactKind.DB_DUMP).findFirst().orElseThrow();
        assertThat(env.isEncrypted()).isTrue();
        assertThat(dump.isEncrypted()).isTrue();

        String envText = read(artifacts.open(env.getId()));
        String dumpText = read(artifacts.open(dump.getId()));
        try (SshSession ssh = connections.openSsh(instance)) {
            assertThat(envText).isEqualTo(ssh.run("cat " + li.path() + "/.env", java.time.Duration.ofSeconds(10)).stdout());
            assertThat(ssh.run("ls -A .migration-panel | grep -c 'dreamfactory-" + instance.getId() + "-' || true",
                    java.time.Duration.ofSeconds(10)).stdout().trim()).as("the staged dump was removed").isEqualTo("0");
        }
        assertThat(envText).contains("APP_KEY=" + li.appKey());
        assertThat(dumpText).containsIgnoringCase("CREATE TABLE").contains("admin@lab.test");

        List<String> log = logs.after(job.getId(), 0, 5000).stream().map(l -> l.line()).toList();
        assertThat(log).contains("All 5 steps succeeded");
        if (li.dbPassword() != null) {
            assertThat(log).noneMatch(l -> l.contains(li.dbPassword()));
        }
        assertThat(log).noneMatch(l -> l.contains(li.appKey()));
    }

    @Test
    void aPlanThatChangedSinceTheReviewIsRefused() {
        Instance instance = register("sqlite");
        FlowService.Review review = flows.review(DreamFactoryBackupFlow.ID, instance.getId(), Map.of());
        InstanceForm edit = InstanceForm.from(instance);
        edit.setDbSqlitePath("/opt/lab/elsewhere.sqlite");
        instances.update(instance.getId(), edit);
        assertThatThrownBy(() -> flows.start(DreamFactoryBackupFlow.ID, instance.getId(), Map.of(), review.digest()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("The plan changed since you reviewed it");
        assertThatThrownBy(() -> flows.start(DreamFactoryBackupFlow.ID, instance.getId(), Map.of(), null))
                .hasMessageContaining("Review the plan first");
    }
}
