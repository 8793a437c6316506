package dev.migrationpanel.dreamfactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
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
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.job.Flow;
import dev.migrationpanel.job.FlowService;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.job.JobStep;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.StepStatus;
import dev.migrationpanel.job.log.JobLogService;
import dev.migrationpanel.job.log.LogLine;
import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.remote.SshSession;
import dev.migrationpanel.web.InvalidInputException;

/**
 * The major migration over the real sshd, from the lab's 7.0.0 sources (holding values encrypted with their
 * own APP_KEY) to fresh 7.1.0 targets owned by another user, on MariaDB, PostgreSQL and SQLite; the proof
 * that can fail (APP_KEY step left out); an import failing half way, resumed; the refusals.
 */
@SpringBootTest
class MajorMigrationLabIT extends LabFlowTestSupport {

    @Autowired
    JobLogService logs;
    @Autowired
    MigrationApiCheck apiCheck;

    private Instance register(String labInstance) {
        return register(labInstance, "ecdsa", true);
    }

    private Job await(long jobId) throws InterruptedException {
        return await(jobId, Duration.ofMinutes(3));
    }

    private Job migrate(Instance source, Instance target, Map<String, String> extra) throws InterruptedException {
        Map<String, String> options = new java.util.HashMap<>(extra);
        options.put("target", String.valueOf(target.getId()));
        return await(start(DreamFactoryMigrationFlow.ID, source.getId(), options).getId());
    }

    private static JobStep step(Job job, String titleStart) {
        return job.getSteps().stream().filter(s -> s.getTitle().startsWith(titleStart)).findFirst().orElseThrow();
    }

    private String read(Artifact artifact) throws Exception {
        try (InputStream in = artifacts.open(artifact.getId())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The encrypted lookup and DB credentials on the target, read with the lab's own client. */
    private List<String> encryptedValues(String labTarget, Instance target) throws Exception {
        Lab.LabInstance li = lab.instance(labTarget);
        String sql = "SELECT value FROM lookup WHERE private = 1 UNION ALL SELECT connection FROM sql_db_config";
        if ("sqlite".equals(li.dbConnection())) {
            return ssh(target, "sqlite3 -readonly '" + li.dbDatabase() + "' \"" + sql + "\"").lines().toList();
        }
        List<String> values = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(li.jdbcUrl(), li.dbUsername(), li.dbPassword());
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    @ParameterizedTest
    @ValueSource(strings = {"mariadb", "pgsql", "sqlite"})
    void migratesToAFreshNewerInstallAndProvesIt(String vendor) throws Exception {
        Instance source = register("ms-" + vendor);
        Instance target = register("mt-" + vendor);
        String targetEnvBefore = ssh(target, "cd '" + target.getInstallPath() + "' && grep -v '^APP_KEY=' .env");
        String sourceEnvBefore = ssh(source, "cd '" + source.getInstallPath() + "' && sha256sum .env");

        // the source's admin, carried to the target: the optional API check signs in with it
        String credentials = apiCheck.storeCredentials(source, "admin@lab.test", "lab-admin-password");
        Job job = migrate(source, target, Map.of("apiCredentials", credentials));

        assertThat(job.getStatus()).as(job.getMessage()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(step(job, "Verify: sign in to the target's API").getMessage())
                .isEqualTo("Signed in as admin@lab.test; 4 endpoints list what the source held");
        assertThat(step(job, "Verify: the target answers over HTTP").getStatus()).isEqualTo(StepStatus.SUCCEEDED);
        JobStep proof = step(job, DreamFactoryMigrationFlow.PROOF_TITLE);
        assertThat(proof.getStatus()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(proof.getMessage()).contains("APP_KEY carried", "source unchanged").doesNotContain(" 0 encrypted");
        // the target: the source's key, the rest of its .env as it was, the new release's schema on the source's data
        String sourceKey = lab.instance("ms-" + vendor).appKey();
        assertThat(ssh(target, "cd '" + target.getInstallPath() + "' && grep '^APP_KEY=' .env")).isEqualTo("APP_KEY=" + sourceKey);
        assertThat(ssh(target, "cd '" + target.getInstallPath() + "' && grep -v '^APP_KEY=' .env")).isEqualTo(targetEnvBefore);
        assertThat(ssh(target, "cd '" + target.getInstallPath() + "' && php artisan --version")).isEqualTo("DreamFactory 7.1.0");
        assertThat(ssh(target, "cd '" + target.getInstallPath() + "' && php artisan migrate:status")).doesNotContain("Pending");
        List<String> encrypted = encryptedValues("mt-" + vendor, target);
        assertThat(encrypted).hasSize(2);
        LaravelEncrypter withSourceKey = new LaravelEncrypter(sourceKey);
        assertThat(encrypted).extracting(withSourceKey::decryptString).anyMatch(v -> v.equals("lab-secret"))
                .anyMatch(v -> v.contains("crm-lab-password"));
        // the source: untouched
        assertThat(ssh(source, "cd '" + source.getInstallPath() + "' && sha256sum .env")).isEqualTo(sourceEnvBefore);
        assertThat(ssh(source, "cd '" + source.getInstallPath() + "' && php artisan --version")).isEqualTo("DreamFactory 7.0.0");
        // the artifacts: both .env files, both dumps, the recorded state and the report
        List<Artifact> stored = artifacts.forJob(job.getId());
        assertThat(stored).extracting(Artifact::getKind).containsExactlyInAnyOrder(ArtifactKind.OTHER, ArtifactKind.ENV_FILE,
                ArtifactKind.DB_DUMP, ArtifactKind.ENV_FILE, ArtifactKind.DB_DUMP, ArtifactKind.LOG);
        assertThat(stored).filteredOn(a -> a.getKind() == ArtifactKind.DB_DUMP || a.getKind() == ArtifactKind.ENV_FILE)
                .allMatch(Artifact::isEncrypted).allMatch(a -> a.getSha256().matches("[0-9a-f]{64}"));
        String report = read(stored.stream().filter(a -> a.getKind() == ArtifactKind.LOG).findFirst().orElseThrow());
        assertThat(report).contains("OK    user: 2 row(s), checksums equal", "OK    APP_KEY: the target's equals the source's",
                "INFO  limits: new in the target", "added by the target's newer release: 2025_01_15_120000_create_limits_table",
                "OK    lookup.value: 1 of 1 sampled value(s) decrypt", "OK    sql_db_config.connection: 1 of 1")
                .doesNotContain("FAIL").doesNotContain(sourceKey);
        assertThat(logs.after(job.getId(), 0, JobLogService.MAX_PAGE).stream().map(LogLine::line).toList())
                .as("the job's log").isNotEmpty().noneMatch(l -> l.contains(sourceKey))
                .noneMatch(l -> l.contains(lab.instance("mt-" + vendor).appKey()))
                .noneMatch(l -> l.contains("lab-admin-password"));
        assertThat(sourceKey)
                .isNotEqualTo(lab.instance("mt-" + vendor).appKey());
        assertThat(ssh(target, "ls .migration-panel | grep -c '^migration-from-" + source.getId() + "-' || true"))
                .as("nothing left staged on the target").isEqualTo("0");
        assertThat(ssh(source, "ls .migration-panel | grep -c '^dreamfactory-" + source.getId() + "-' || true")).isEqualTo("0");
    }

    @Test
    void withoutTheAppKeyStepTheProofFailsAndTheTargetIsRestoredAsItWas() throws Exception {
        Instance source = register("ms-sqlite");
        Instance target = register("mt-sqlite");
        String sqlite = lab.instance("mt-sqlite").dbDatabase();
        String targetBefore = ssh(target, "cd '" + target.getInstallPath() + "' && sha256sum .env && sqlite3 '" + sqlite
                + "' .dump | sha256sum");
        FlowService.Review review = flows.review(DreamFactoryMigrationFlow.ID, source.getId(),
                Map.of("target", String.valueOf(target.getId())));
        Plan full = review.plan();
        // an admin's own script that forgot the key: the same plan without that one step
        Plan withoutKey = new Plan(full.flow(), full.title(), full.instanceId(), full.instanceName(),
                full.steps().stream().filter(s -> !s.title().startsWith("Set APP_KEY")).toList(), full.options());
        Job job = await(jobs.start(withoutKey).getId());

        assertThat(job.getStatus()).isEqualTo(JobStatus.FAILED);
        JobStep proof = step(job, DreamFactoryMigrationFlow.PROOF_TITLE);
        assertThat(proof.getStatus()).isEqualTo(StepStatus.FAILED);
        assertThat(proof.getMessage()).contains("The proof failed", "APP_KEY: the target's differs from the source's");
        String report = read(artifacts.forJob(job.getId()).stream().filter(a -> a.getKind() == ArtifactKind.LOG)
                .findFirst().orElseThrow());
        assertThat(report).contains("FAIL  lookup.value: 1 of 1 sampled value(s) do not decrypt with the target's APP_KEY")
                .contains("OK    user: 2 row(s), checksums equal");

        // the follow-up puts the target back from the backups the migration took first
        Flow.FollowUp restore = flows.followUps(job).stream()
                .filter(f -> f.flowId().equals(DreamFactoryRestoreTargetFlow.ID)).findFirst().orElseThrow();
        assertThat(restore.instanceId()).isEqualTo(target.getId());
        FlowService.Review review2 = flows.review(restore.flowId(), restore.instanceId(), restore.options());
        Job restored = await(flows.start(restore.flowId(), restore.instanceId(), review2.plan().options(),
                review2.digest()).getId());
        assertThat(restored.getStatus()).as(restored.getMessage()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(ssh(target, "cd '" + target.getInstallPath() + "' && sha256sum .env && sqlite3 '" + sqlite
                + "' .dump | sha256sum")).isEqualTo(targetBefore);
    }

    @Test
    void theApiCheckFailsOnCredentialsTheTargetRefuses() throws Exception {
        Instance source = register("ms-mariadb");
        Instance target = register("mt-mariadb");
        String credentials = apiCheck.storeCredentials(source, "admin@lab.test", "not-the-password");
        Job job = migrate(source, target, Map.of("apiCredentials", credentials));

        assertThat(job.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(step(job, DreamFactoryMigrationFlow.PROOF_TITLE).getStatus()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(step(job, "Verify: sign in to the target's API").getMessage())
                .isEqualTo("Signing in to the target's API as admin@lab.test failed: HTTP 401 Invalid credentials supplied.");
        assertThat(logs.after(job.getId(), 0, JobLogService.MAX_PAGE)).extracting(LogLine::line)
                .noneMatch(l -> l.contains("not-the-password"));
    }

    @ParameterizedTest
    @CsvSource({"mariadb, stream", "pgsql, stream", "sqlite, stream", "mariadb, staged", "pgsql, staged", "sqlite, staged"})
    void anImportFailingHalfWayLeavesTheSourceAloneAndResumes(String vendor, String transfer) throws Exception {
        Instance source = register("ms-" + vendor);
        Instance target = register("mt-" + vendor);
        Lab.LabInstance s = lab.instance("ms-" + vendor);
        Lab.LabInstance t = lab.instance("mt-" + vendor);
        // the source holds a table the target already has a view of that name for: the import creates the
        // tables before it, then stops there (migrate:fresh drops tables, not views)
        sql(source, s, "CREATE TABLE zz_extra (id INTEGER PRIMARY KEY, note VARCHAR(20))",
                "INSERT INTO zz_extra (id, note) VALUES (1, 'kept')");
        sql(target, t, "CREATE VIEW zz_extra AS SELECT 1 AS id");

        Job failed = migrate(source, target, Map.of("transfer", transfer));

        assertThat(failed.getStatus()).isEqualTo(JobStatus.FAILED);
        JobStep importStep = step(failed, transfer.equals("stream") ? DreamFactoryMigrationFlow.STREAM_TITLE : "Import the dump");
        assertThat(importStep.getStatus()).isEqualTo(StepStatus.FAILED);
        assertThat(importStep.getMessage()).as("one clear line").containsPattern("exit(ed with)? code").doesNotContain("\n")
                .containsIgnoringCase("zz_extra");
        if (transfer.equals("stream")) {
            assertThat(importStep.getMessage()).as("the side that failed").contains("on " + target.getName());
        }
        assertThat(failed.getSteps()).filteredOn(st -> st.getPosition() < importStep.getPosition())
                .allMatch(st -> st.getStatus() == StepStatus.SUCCEEDED);
        // the target was backed up before it changed: its .env and its dump are artifacts
        assertThat(artifacts.forJob(failed.getId())).extracting(Artifact::getName)
                .contains(target.getName() + ".env", target.getName() + "-before-migration-" + (vendor.equals("mariadb")
                        ? "mysql" : vendor) + "-dump.sql");

        sql(target, t, "DROP VIEW zz_extra");
        jobs.resume(failed.getId(), null);
        Job resumed = await(failed.getId());

        assertThat(resumed.getStatus()).as(resumed.getMessage()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(step(resumed, DreamFactoryMigrationFlow.PROOF_TITLE).getMessage()).contains("source unchanged");
        String report = read(artifacts.forJob(failed.getId()).stream().filter(a -> a.getKind() == ArtifactKind.LOG)
                .findFirst().orElseThrow());
        assertThat(report).contains("OK    zz_extra: 1 row(s), checksums equal");
    }

    @Test
    void refusesTheSameInstanceOtherVendorsAndAUsedTargetWithoutConfirmation() throws Exception {
        Instance source = register("ms-mariadb");
        Instance sqliteTarget = register("mt-sqlite");
        Instance used = register("ms-sqlite");
        Instance sqliteSource = register("ms-sqlite");
        assertThatThrownBy(() -> flows.review(DreamFactoryMigrationFlow.ID, source.getId(),
                Map.of("target", String.valueOf(source.getId())))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("another instance than the source");
        assertThatThrownBy(() -> flows.review(DreamFactoryMigrationFlow.ID, source.getId(),
                Map.of("target", String.valueOf(sqliteTarget.getId())))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("a native dump does not cross vendors");
        assertThatThrownBy(() -> flows.review(DreamFactoryMigrationFlow.ID, sqliteSource.getId(),
                Map.of("target", String.valueOf(used.getId())))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not a fresh install (2 users, 2 role(s), 2 lookup(s), 1 service(s) of its own)");
        assertThat(flows.review(DreamFactoryMigrationFlow.ID, sqliteSource.getId(),
                Map.of("target", String.valueOf(used.getId()), "wipeTarget", "true")).plan().steps()).isNotEmpty();
    }

    private void sql(Instance instance, Lab.LabInstance li, String... statements) throws Exception {
        if ("sqlite".equals(li.dbConnection())) {
            for (String statement : statements) {
                try (SshSession ssh = connections.openSsh(instance)) {
                    assertThat(ssh.run("sqlite3 '" + li.dbDatabase() + "' \"" + statement + "\"", Duration.ofSeconds(30)).ok())
                            .as(statement).isTrue();
                }
            }
            return;
        }
        try (Connection c = DriverManager.getConnection(li.jdbcUrl(), li.dbUsername(), li.dbPassword());
                Statement st = c.createStatement()) {
            for (String statement : statements) {
                st.execute(statement);
            }
        }
    }
}
