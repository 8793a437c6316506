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
import org.junit.jupiter.api.parallel.ResourceLock;
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
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.job.StepStatus;
import dev.migrationpanel.job.log.JobLogService;
import dev.migrationpanel.job.log.LogLine;
import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.lab.LabLocks;
import dev.migrationpanel.remote.SshSession;
import dev.migrationpanel.web.InvalidInputException;

/**
 * The major migration over the real sshd, from the lab's 7.0.0 sources (holding values encrypted with their
 * own APP_KEY) to fresh 7.1.0 targets owned by another user, on MariaDB, PostgreSQL and SQLite; the proof
 * that can fail (APP_KEY step left out); an import failing half way, resumed; the refusals.
 */
@SpringBootTest
@ResourceLock(LabLocks.DREAMFACTORY)
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

    /**
     * The lab's encrypted values on the target, read with the lab's own client: every lookup's value (whole
     * columns), the credentials inside sql_db_config.connection's JSON, email_config's username and password.
     */
    private List<String> encryptedValues(String labTarget, Instance target) throws Exception {
        Lab.LabInstance li = lab.instance(labTarget);
        List<String> rows = new ArrayList<>();
        if ("sqlite".equals(li.dbConnection())) {
            rows.addAll(ssh(target, "sqlite3 -readonly '" + li.dbDatabase() + "' \"" + LAB_ENCRYPTED_ROWS + "\"").lines().toList());
        } else {
            try (Connection c = DriverManager.getConnection(li.jdbcUrl(), li.dbUsername(), li.dbPassword());
                    Statement st = c.createStatement(); ResultSet rs = st.executeQuery(LAB_ENCRYPTED_ROWS)) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
        }
        return encryptedStrings(rows);
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
        // the source's record ran beside the stream (the default transfer into a plain host): their times overlap
        JobStep record = step(job, DreamFactoryMigrationFlow.RECORD_TITLE);
        JobStep stream = step(job, DreamFactoryMigrationFlow.STREAM_TITLE);
        assertThat(record.isBesideNext()).isTrue();
        assertThat(record.getPosition()).isEqualTo(stream.getPosition() - 1);
        assertThat(record.getStartedAt()).isBefore(stream.getFinishedAt());
        assertThat(stream.getStartedAt()).isBefore(record.getFinishedAt());
        // the target: the source's key, the rest of its .env as it was, the new release's schema on the source's data
        String sourceKey = lab.instance("ms-" + vendor).appKey();
        assertThat(ssh(target, "cd '" + target.getInstallPath() + "' && grep '^APP_KEY=' .env")).isEqualTo("APP_KEY=" + sourceKey);
        assertThat(ssh(target, "cd '" + target.getInstallPath() + "' && grep -v '^APP_KEY=' .env")).isEqualTo(targetEnvBefore);
        assertThat(ssh(target, "cd '" + target.getInstallPath() + "' && php artisan --version")).isEqualTo("DreamFactory 7.1.0");
        assertThat(ssh(target, "cd '" + target.getInstallPath() + "' && php artisan migrate:status")).doesNotContain("Pending");
        List<String> encrypted = encryptedValues("mt-" + vendor, target);
        LaravelEncrypter withSourceKey = new LaravelEncrypter(sourceKey);
        assertThat(encrypted).extracting(withSourceKey::decryptString).containsExactlyInAnyOrder("Lab Corp",
                "lab-secret", "partner-secret-0042", "gold", "crm_app", "crm-lab-password",
                "reporter", "reports-lab-password", "mailer@lab.test", "mail-lab-password");
        // the source: untouched
        assertThat(ssh(source, "cd '" + source.getInstallPath() + "' && sha256sum .env")).isEqualTo(sourceEnvBefore);
        assertThat(ssh(source, "cd '" + source.getInstallPath() + "' && php artisan --version")).isEqualTo("DreamFactory 7.0.0");
        // the artifacts: both .env files, both dumps, the recorded state and the report
        List<Artifact> stored = artifacts.forJob(job.getId());
        assertThat(stored).extracting(Artifact::getKind).containsExactlyInAnyOrder(ArtifactKind.OTHER, ArtifactKind.ENV_FILE,
                ArtifactKind.DB_DUMP, ArtifactKind.ENV_FILE, ArtifactKind.DB_DUMP, ArtifactKind.LOG, ArtifactKind.OTHER,
                ArtifactKind.LOG);
        assertThat(stored).filteredOn(a -> a.getKind() == ArtifactKind.DB_DUMP || a.getKind() == ArtifactKind.ENV_FILE)
                .allMatch(Artifact::isEncrypted).allMatch(a -> a.getSha256().matches("[0-9a-f]{64}"));
        String report = artifactText(job.getId(), PROOF_REPORT);
        assertThat(step(job, DreamFactoryMigrationFlow.IMPORT_CHECK_TITLE).getMessage())
                .matches("\\d+ tables imported exactly \\(rows and checksums equal to the source's\\)");
        assertThat(artifactText(job.getId(), "-import-check.txt")).contains("OK    service: 10 row(s), checksums equal",
                "OK    migrations: ").doesNotContain("FAIL", "INFO");
        assertThat(report).contains("OK    user: 2 row(s), checksums equal", "OK    APP_KEY: the target's equals the source's",
                "INFO  snowflake_marketplace_usage: new in the target", "added by the target's newer release: "
                        + "2025_01_02_120000_add_redirect_uri_to_role_table, 2025_11_23_000000_create_snowflake_marketplace_usage_table",
                "OK    service: 10 row(s), checksums equal", "OK    role: 2 row(s), checksums equal",
                "INFO  role: column(s) redirect_uri added by the target's newer release (not compared)",
                "OK    lookup.value: 4 encrypted value(s), each decrypts",
                "OK    sql_db_config.connection.username: 2 encrypted value(s), each decrypts",
                "OK    sql_db_config.connection.password: 2 encrypted value(s), each decrypts",
                "OK    email_config.username: 1 encrypted value(s), each decrypts",
                "OK    email_config.password: 1 encrypted value(s), each decrypts")
                .doesNotContain("FAIL").doesNotContain(sourceKey);
        assertThat(proof.getMessage()).contains("10 encrypted value(s) decrypt");
        // kept for the README's excerpt of a real report
        java.nio.file.Files.createDirectories(java.nio.file.Path.of("target/proof-reports"));
        java.nio.file.Files.writeString(java.nio.file.Path.of("target/proof-reports/migration-proof-" + vendor + ".txt"), report);
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
        String report = artifactText(job.getId(), PROOF_REPORT);
        assertThat(report).contains("FAIL  lookup.value: 4 of 4 encrypted value(s) do not decrypt with the target's APP_KEY")
                .contains("FAIL  sql_db_config.connection.password: 2 of 2 encrypted value(s) do not decrypt")
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

    /**
     * The proof's negative controls on PostgreSQL, each in a whole migration with one write added to its plan. Before
     * the import check, on the target, as a broken import would leave it: a value changed, a table missing; each
     * fails the import check with its own line, and nothing after it runs. After the import check, as the new release's
     * commands would write: an encrypted value's MAC altered fails the proof (the table written since is listed); the
     * source written between its record and the proof, once with a value it already had and once with another, fails
     * the proof. A proof planned without an import check (an older plan, run again on the migrated pair) compares with
     * the source itself: it passes, then fails on a changed value.
     */
    @Test
    void theProofFailsOnAChangedValueAMissingTableAnAlteredEncryptedValueAndAWrittenSource() throws Exception {
        Instance source = register("ms-pgsql");
        Instance target = register("mt-pgsql");
        Lab.LabInstance t = lab.instance("mt-pgsql");
        try {
            proofFailsOnEachDifference(source, target, t);
        } finally {
            Lab.reset("mt-pgsql"); // a fresh target again for the lab's other tests
        }
    }

    private void proofFailsOnEachDifference(Instance source, Instance target, Lab.LabInstance t) throws Exception {
        // a target the first of these runs leaves used: the review asks to wipe it, as an admin would confirm
        Plan full = flows.review(DreamFactoryMigrationFlow.ID, source.getId(),
                Map.of("target", String.valueOf(target.getId()), "wipeTarget", "true")).plan();

        for (String[] broken : List.of(
                new String[] {"UPDATE service SET label = 'Changed on the target' WHERE name = 'mysql_crm'",
                        "FAIL  service: source 10 row(s) checksum"},
                new String[] {"ALTER TABLE app RENAME TO app2", "FAIL  app: missing on the target (3 row(s) on the source)"})) {
            Job job = await(jobs.start(withStepBefore(full, DreamFactoryMigrationFlow.IMPORT_CHECK_TITLE,
                    write(target, broken[0]))).getId());
            assertThat(job.getStatus()).as(broken[0]).isEqualTo(JobStatus.FAILED);
            assertThat(step(job, DreamFactoryMigrationFlow.IMPORT_CHECK_TITLE).getMessage())
                    .startsWith("The import differs from the source on 1 point(s): ");
            assertThat(artifactText(job.getId(), "-import-check.txt")).as(broken[0]).contains(broken[1]);
            assertThat(step(job, "Apply the new release's schema").getStatus()).as("nothing after it ran")
                    .isEqualTo(StepStatus.PENDING);
        }

        // one byte of one encrypted password's MAC, inside the JSON document (as imported: the source's), written
        // after the import check
        String connection;
        Lab.LabInstance s = lab.instance("ms-pgsql");
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.dbUsername(), s.dbPassword());
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT connection FROM sql_db_config ORDER BY service_id LIMIT 1")) {
            rs.next();
            connection = rs.getString(1);
        }
        int mac = connection.indexOf("\"password\":\"") + 12;
        String payload = connection.substring(mac, connection.indexOf('"', mac));
        String decoded = new String(java.util.Base64.getDecoder().decode(payload), StandardCharsets.UTF_8);
        int macAt = decoded.indexOf("\"mac\":\"") + 7;
        String altered = decoded.substring(0, macAt) + (decoded.charAt(macAt) == 'a' ? 'b' : 'a') + decoded.substring(macAt + 1);
        String alteredConnection = connection.replace(payload, java.util.Base64.getEncoder().encodeToString(
                altered.getBytes(StandardCharsets.UTF_8)));
        assertThat(failedProof(withStepBefore(full, DreamFactoryMigrationFlow.PROOF_TITLE, write(target,
                "UPDATE sql_db_config SET connection = '" + alteredConnection + "' WHERE connection = '" + connection + "'"))))
                .contains("FAIL  sql_db_config.connection.password: 1 of 2 encrypted value(s) do not decrypt with the "
                        + "target's APP_KEY (first: row 8: The MAC is invalid")
                .contains("INFO  sql_db_config: written since the import by the new release's migrations or seeders")
                .contains("OK    service: 10 row(s), checksums equal");

        // the source written between its record and the proof: a row written with the value it had, which PostgreSQL's
        // row versions show (its content checksum could not), and a real change
        for (String sourceWrite : List.of("UPDATE service SET label = label WHERE name = 'mysql_crm'",
                "UPDATE service SET label = 'Changed on the source' WHERE name = 'mysql_crm'")) {
            String report = failedProof(withStepBefore(full, DreamFactoryMigrationFlow.PROOF_TITLE, write(source, sourceWrite)));
            assertThat(report).as(sourceWrite).contains("FAIL  service of the source was written during the migration")
                    .contains("OK    service: 10 row(s)");
            sql(source, s, "UPDATE service SET label = 'CRM database' WHERE name = 'mysql_crm'");
        }

        // a plan made before the import check existed, run again on the migrated pair: its proof compares the target
        // with the source's record itself
        Step record = stepOf(full, DreamFactoryMigrationFlow.RECORD_TITLE);
        Step proof = stepOf(full, DreamFactoryMigrationFlow.PROOF_TITLE);
        Map<String, String> olderArgs = new java.util.HashMap<>(((StepSpec.Verify) proof.spec()).args());
        olderArgs.remove("importStep");
        olderArgs.put("recordStep", "0");
        Plan older = new Plan(full.flow(), "Prove again, as an older plan", full.instanceId(), full.instanceName(), List.of(
                new Step(record.title(), record.instanceId(), record.instanceName(), false, record.spec(), record.timeout(), null),
                new Step(proof.title(), proof.instanceId(), proof.instanceName(), false, new StepSpec.Verify(
                        MigrationProof.PROVE, ((StepSpec.Verify) proof.spec()).description(), olderArgs), proof.timeout(), null)),
                full.options());
        assertThat(await(jobs.start(older).getId()).getStatus()).as("the migrated pair as it is").isEqualTo(JobStatus.SUCCEEDED);
        sql(target, t, "UPDATE service SET label = 'Changed on the target' WHERE name = 'mysql_crm'");
        assertThat(failedProof(older)).contains("FAIL  service: source 10 row(s) checksum");
    }

    private static Step stepOf(Plan plan, String title) {
        return plan.steps().stream().filter(s -> s.title().equals(title)).findFirst().orElseThrow();
    }

    /**
     * The plan with {@code added} before the step titled {@code before}; the checks after it read the steps they read
     * before (their step numbers moved on by one where they point at or past it).
     */
    private static Plan withStepBefore(Plan plan, String before, Step added) {
        int at = plan.steps().indexOf(stepOf(plan, before));
        List<Step> steps = new ArrayList<>(plan.steps().subList(0, at));
        steps.add(added);
        for (Step step : plan.steps().subList(at, plan.steps().size())) {
            if (step.spec() instanceof StepSpec.Verify v) {
                Map<String, String> args = new java.util.HashMap<>(v.args());
                args.replaceAll((k, value) -> k.endsWith("Step") && Integer.parseInt(value) >= at
                        ? String.valueOf(Integer.parseInt(value) + 1) : value);
                step = new Step(step.title(), step.instanceId(), step.instanceName(), step.changesInstance(),
                        new StepSpec.Verify(v.check(), v.description(), args), step.timeout(), step.undo());
            }
            steps.add(step);
        }
        return new Plan(plan.flow(), plan.title(), plan.instanceId(), plan.instanceName(), steps, plan.options());
    }

    private static Step write(Instance instance, String sql) {
        return new Step("Write " + instance.getName(), instance.getId(), instance.getName(), true,
                new StepSpec.Sql(sql, false), java.time.Duration.ofSeconds(30), null);
    }

    /** The report of a proof that failed. */
    private String failedProof(Plan plan) throws Exception {
        Job job = await(jobs.start(plan).getId());
        assertThat(job.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(step(job, DreamFactoryMigrationFlow.PROOF_TITLE).getStatus()).isEqualTo(StepStatus.FAILED);
        return artifactText(job.getId(), PROOF_REPORT);
    }

    /**
     * What DreamFactory's own seeders write after the import is the new release's doing, listed by the proof, not
     * failed: on the source the admin edited a default app's description (AppSeeder resets it to the release's) and
     * renamed the default "db" service (the seeder creates a new "db"). The import is still proven exact, the API
     * check accepts the service the seeders added, and the target holds what the real seeders leave. On PostgreSQL the
     * proof re-reads only the tables written since the import check (their row versions changed); on MariaDB it reads
     * every table again.
     */
    @ParameterizedTest
    @ValueSource(strings = {"mariadb", "pgsql"})
    void whatTheNewReleasesSeedersWriteAfterTheImportIsListedNotFailed(String vendor) throws Exception {
        Instance source = register("ms-" + vendor);
        Instance target = register("mt-" + vendor);
        Lab.LabInstance s = lab.instance("ms-" + vendor);
        Lab.LabInstance t = lab.instance("mt-" + vendor);
        sql(source, s, "UPDATE app SET description = 'Our admin console' WHERE name = 'admin'",
                "UPDATE service SET name = 'local_sqlite' WHERE name = 'db'");
        try {
            String credentials = apiCheck.storeCredentials(source, "admin@lab.test", "lab-admin-password");
            Job job = migrate(source, target, Map.of("apiCredentials", credentials));
            String report = artifactText(job.getId(), PROOF_REPORT);
            assertThat(job.getStatus()).as(job.getMessage() + "\n" + report).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(artifactText(job.getId(), "-import-check.txt")).contains("OK    app: 3 row(s), checksums equal",
                    "OK    service: 10 row(s), checksums equal").doesNotContain("FAIL");
            assertThat(report).contains(
                    "INFO  app: written since the import by the new release's migrations or seeders (3 row(s) imported, "
                            + "equal to the source's; 3 now)",
                    "INFO  service: written since the import by the new release's migrations or seeders (10 row(s) "
                            + "imported, equal to the source's; 11 now)",
                    "OK    user: 2 row(s), checksums equal").doesNotContain("FAIL");
            assertThat(ssh(target, "cd '" + target.getInstallPath() + "' && php artisan --version")).isEqualTo("DreamFactory 7.1.0");
            try (Connection c = DriverManager.getConnection(t.jdbcUrl(), t.dbUsername(), t.dbPassword());
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT (SELECT description FROM app WHERE name = 'admin'), "
                            + "(SELECT count(*) FROM service WHERE name IN ('db', 'local_sqlite'))")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("An application for administering this instance.");
                assertThat(rs.getInt(2)).isEqualTo(2);
            }
            assertThat(step(job, "Verify: sign in to the target's API").getStatus()).isEqualTo(StepStatus.SUCCEEDED);
            assertThat(logs.after(job.getId(), 0, JobLogService.MAX_PAGE).stream().map(LogLine::line).toList())
                    .anyMatch(l -> l.contains("/api/v2/system/service lists the source's 10 service(s), and [db] the new "
                            + "release's seeders added to its system DB"));
        } finally {
            sql(source, s, "UPDATE app SET description = 'An application for administering this instance.' WHERE name = 'admin'",
                    "UPDATE service SET name = 'db' WHERE name = 'local_sqlite'");
            Lab.reset("mt-" + vendor);
        }
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

        String report = java.util.Objects.requireNonNullElse(artifactText(failed.getId(), PROOF_REPORT), "(no proof report)");
        assertThat(resumed.getStatus()).as(resumed.getMessage() + "\n" + report).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(step(resumed, DreamFactoryMigrationFlow.PROOF_TITLE).getMessage()).contains("source unchanged");
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
                .hasMessageContaining("not a fresh install (2 users, 2 role(s), 4 lookup(s), 3 service(s) of its own)");
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
