package dev.migrationpanel.fief;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.instance.CheckStatus;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.job.FlowService;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.job.log.JobLogService;
import dev.migrationpanel.job.log.LogLine;
import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.lab.LabJobs;
import dev.migrationpanel.lab.LabLocks;
import dev.migrationpanel.web.InvalidInputException;

/**
 * The Fief 0.28 consolidation through the panel on the lab's Fief-0.27-shaped instances (real PostgreSQL, MariaDB,
 * sqlite3 over the real sshd; the 0.28 server and CLI are the lab's stand-ins): per vendor the whole cycle — the
 * consolidation and its proof, the proof failing on a row altered after the move and passing once it is put back, the
 * cleanup of the old tables behind its gate, the rollback putting the workspace back. Each failure switch of the lab
 * gives a refusal or a failed job whose rollback works. The lab instances are rebuilt as they were afterwards.
 */
@SpringBootTest
@ResourceLock(LabLocks.FIEF)
class FiefConsolidationLabIT {

    @Autowired
    InstanceService instances;
    @Autowired
    FlowService flows;
    @Autowired
    JobService jobs;
    @Autowired
    JobLogService logs;
    @Autowired
    ArtifactStore artifacts;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    FiefPreflight preflight;

    final Lab lab = Lab.get();

    @BeforeEach
    void signIn() {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("lab-admin", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
    }

    @AfterEach
    void signOut() {
        SecurityContextHolder.clearContext();
    }

    private Job run(String flow, Instance instance, Map<String, String> options) throws InterruptedException {
        FlowService.Review review = flows.review(flow, instance.getId(), options);
        return await(flows.start(flow, instance.getId(), review.plan().options(), review.digest()).getId());
    }

    private Job await(long id) throws InterruptedException {
        return LabJobs.settled(jobs, id, Duration.ofMinutes(5));
    }

    private String log(long jobId) {
        return String.join("\n", logs.after(jobId, 0, JobLogService.MAX_PAGE).stream().map(LogLine::line).toList());
    }

    private static Map<String, String> ofJob(Job job) {
        return Map.of("job", String.valueOf(job.getId()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"fief-pgsql", "fief-mariadb", "fief-sqlite"})
    void consolidatesProvesCleansUpAndRollsBack(String name) throws Exception {
        FiefLab.reset(name, "none");
        try {
            Instance fief = FiefLab.register(instances, jdbc, lab, name);
            String admin = FiefLab.property(lab, name, "admin.email");
            String ws = FiefLab.property(lab, name, "workspace");
            assertThat(FiefLab.column(lab, name, "SELECT name FROM workspaces")).containsExactly("My workspace");
            // as 0.27 made it: the main workspace's domain is the instance's FIEF_DOMAIN
            assertThat(FiefLab.column(lab, name, "SELECT domain FROM workspaces"))
                    .containsExactly(FiefLab.property(lab, name, "url").replaceFirst("^http://", ""));
            // the main workspace holds the client FIEF_CLIENT_ID names (0.28's admin dashboard signs in through it);
            // negative control: settings naming a client it does not hold get a warning, the id never shown
            assertThat(item(preflight.run(fief, null, admin), "Admin client").getStatus()).isEqualTo(CheckStatus.OK);
            var elsewhere = item(preflight.run(fief, null, admin, new FiefPreflight.SignIn("fief-other",
                    dev.migrationpanel.instance.EnvFile.parse("FIEF_CLIENT_ID=client-of-another-workspace\n"))), "Admin client");
            assertThat(elsewhere.getStatus()).isEqualTo(CheckStatus.WARNING);
            assertThat(elsewhere.getMessage()).startsWith("no client of My workspace has the FIEF_CLIENT_ID of the .env of "
                    + "fief-other").doesNotContain("client-of-another-workspace");
            // every OAuth account has a user: later releases would keep them all. Negative control (on PostgreSQL,
            // where the test reaches the workspace schema from the main database): one without a user is warned of
            assertThat(item(preflight.run(fief, null, admin), "OAuth accounts").getStatus()).isEqualTo(CheckStatus.OK);
            if (name.equals("fief-pgsql")) {
                String accounts = "\"" + ws + "\".fief_oauth_accounts";
                String account = FiefLab.column(lab, name, "SELECT id || ' ' || user_id FROM " + accounts + " LIMIT 1").get(0);
                String[] idAndUser = account.split(" ");
                FiefLab.execute(lab, name, "UPDATE " + accounts + " SET user_id = NULL WHERE id = '" + idAndUser[0] + "'");
                var orphan = item(preflight.run(fief, null, admin), "OAuth accounts");
                FiefLab.execute(lab, name, "UPDATE " + accounts + " SET user_id = '" + idAndUser[1] + "' WHERE id = '"
                        + idAndUser[0] + "'");
                assertThat(orphan.getStatus()).isEqualTo(CheckStatus.WARNING);
                assertThat(orphan.getMessage()).startsWith("1 OAuth account(s) belong to no user").contains("a736fe95ec4f");
            }

            Job job = run(FiefConsolidationFlow.ID, fief, Map.of("adminEmail", admin));
            String log = log(job.getId());
            assertThat(job.getStatus()).as(job.getMessage() + "\n" + log).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(log).contains("OK    fief_users: 5 row(s), checksum equal")
                    .contains("fief_alembic_version: 6c06c7d908a7 → 6d9fa141730c")
                    .contains(admin + " holds the Administrator role")
                    .contains("fief_oauth_providers.client_secret: 2 value(s), each decrypts")
                    .contains("fief_oauth_accounts.refresh_token: 1 value(s), each decrypts")
                    .doesNotContain(FiefLab.property(lab, name, "key"));
            assertThat(artifacts.forJob(job.getId())).extracting(a -> a.getName())
                    .anyMatch(n -> n.contains("main-before-consolidation"))
                    .anyMatch(n -> n.endsWith("-consolidation-proof.txt"));
            // the test's own eyes: the workspace's rows in the main database, 0.28's tables beside them
            assertThat(FiefLab.column(lab, name, "SELECT count(*) FROM fief_users")).containsExactly("5");
            assertThat(FiefLab.column(lab, name, "SELECT count(*) FROM fief_admin_api_key")).containsExactly("0");

            // negative control: a row altered after the move fails the proof; put back, it passes again
            String email = FiefLab.column(lab, name, "SELECT email FROM fief_users WHERE email LIKE 'claude%'").get(0);
            FiefLab.execute(lab, name, "UPDATE fief_users SET email = 'mallory@bretagne.duchy' WHERE email = '" + email + "'");
            Job tampered = run(FiefCheckFlow.ID, fief, ofJob(job));
            assertThat(tampered.getStatus()).isEqualTo(JobStatus.FAILED);
            assertThat(log(tampered.getId())).contains("FAIL  fief_users: recorded 5 row(s)");
            FiefLab.execute(lab, name, "UPDATE fief_users SET email = '" + email + "' WHERE email = 'mallory@bretagne.duchy'");
            assertThat(run(FiefCheckFlow.ID, fief, ofJob(job)).getStatus()).isEqualTo(JobStatus.SUCCEEDED);

            // the guide's cleanup, behind its gate
            Job cleanup = run(FiefCleanupFlow.ID, fief, ofJob(job));
            assertThat(cleanup.getStatus()).as(cleanup.getMessage()).isEqualTo(JobStatus.WAITING);
            jobs.continueAtGate(cleanup.getId());
            cleanup = await(cleanup.getId());
            assertThat(cleanup.getStatus()).as(cleanup.getMessage() + "\n" + log(cleanup.getId())).isEqualTo(JobStatus.SUCCEEDED);
            assertThatThrownBy(() -> FiefLab.column(lab, name, "SELECT count(*) FROM workspaces")).isNotNull();

            // negative control: the 0.27 stand-in refuses the 0.28 layout (it starts only once the workspace is back)
            assertThat(new ProcessBuilder("runuser", "-u", FiefLab.property(lab, name, "owner"), "--",
                    FiefLab.property(lab, name, "stop")).redirectErrorStream(true).start().waitFor()).isZero();
            Process refused = new ProcessBuilder("runuser", "-u", FiefLab.property(lab, name, "owner"), "--",
                    FiefLab.property(lab, name, "start027")).redirectErrorStream(true).start();
            String refusal = new String(refused.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(refused.waitFor()).as(refusal).isEqualTo(1);
            assertThat(refusal).contains("not in the pre-0.28 layout");

            // the rollback: backups put back, the tables in their old place, Fief 0.27 started again
            Job rollback = run(FiefRollbackFlow.ID, fief, ofJob(job));
            assertThat(rollback.getStatus()).as(rollback.getMessage() + "\n" + log(rollback.getId())).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(log(rollback.getId())).contains("back in").contains("0.27 started");
            java.net.http.HttpResponse<String> openid = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                    .newBuilder(java.net.URI.create(FiefLab.property(lab, name, "url") + "/.well-known/openid-configuration"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(openid.statusCode()).isEqualTo(200);
            assertThat(FiefLab.column(lab, name, "SELECT name FROM workspaces")).containsExactly("My workspace");
            if (!name.equals("fief-sqlite")) {
                assertThatThrownBy(() -> FiefLab.column(lab, name, "SELECT count(*) FROM fief_users")).isNotNull();
            }
            assertThat(ws).isNotBlank();
        } finally {
            FiefLab.reset(name, "none");
        }
    }

    @Autowired
    FiefCloudExport cloudExports;

    @Test
    void importsAFiefCloudExportSettingItsKeyMaskedEverywhere() throws Exception {
        FiefLab.reset("fief-cloud", "none");
        try {
            Instance cloud = FiefLab.register(instances, jdbc, lab, "fief-cloud");
            String key = FiefLab.property(lab, "fief-cloud", "key");
            java.nio.file.Path export = java.nio.file.Path.of(lab.property("fief.cloud.export"));
            assertThat(java.nio.file.Files.readAllLines(export).get(0)).isEqualTo("-- ENCRYPTION_KEY=" + key);
            assertThatThrownBy(() -> cloudExports.store(cloud, new java.io.ByteArrayInputStream("CREATE TABLE x (id int);\n"
                    .getBytes()), SecurityContextHolder.getContext().getAuthentication()))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("first line must be -- ENCRYPTION_KEY=");
            String dump;
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(export)) {
                dump = cloudExports.store(cloud, in, SecurityContextHolder.getContext().getAuthentication());
            }
            FlowService.Review review = flows.review(FiefCloudImportFlow.ID, cloud.getId(), Map.of("dump", dump,
                    "adminEmail", "anne@bretagne.duchy"));
            assertThat(String.join("\n", review.plan().steps().stream().map(s -> s.spec().display()).toList()))
                    .doesNotContain(key).contains("psql -X -q -v ON_ERROR_STOP=1 --single-transaction");
            Job job = await(flows.start(FiefCloudImportFlow.ID, cloud.getId(), review.plan().options(), review.digest()).getId());
            String log = log(job.getId());
            assertThat(job.getStatus()).as(job.getMessage() + "\n" + log).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(log).contains("fief_oauth_providers.client_secret: 2 value(s), each decrypts")
                    .contains("anne@bretagne.duchy holds the Administrator role").doesNotContain(key);
            assertThat(java.nio.file.Files.readAllLines(java.nio.file.Path.of(FiefLab.property(lab, "fief-cloud", "path"), ".env")))
                    .as("the export's key set in the instance's environment, once").containsOnlyOnce("ENCRYPTION_KEY=" + key);
            assertThat(FiefLab.column(lab, "fief-cloud", "SELECT count(*) FROM fief_users")).containsExactly("3");
            // a database that already holds Fief's tables is refused
            assertThatThrownBy(() -> flows.review(FiefCloudImportFlow.ID, cloud.getId(), Map.of("dump", dump,
                    "adminEmail", "anne@bretagne.duchy"))).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("already holds Fief's tables");
        } finally {
            FiefLab.reset("fief-cloud", "none");
        }
    }

    /**
     * Two workspaces on PostgreSQL: the second one moved into the fresh database of another registered Fief instance (the
     * lab's fief-cloud install), proved there against its record; refused while the target's ENCRYPTION_KEY is not the
     * source's, and once the target holds Fief's tables.
     */
    @Test
    void movesAnExtraWorkspaceToAnInstanceOfItsOwn() throws Exception {
        FiefLab.reset("fief-pgsql", "second-workspace");
        FiefLab.reset("fief-cloud", "none");
        try {
            Instance source = FiefLab.register(instances, jdbc, lab, "fief-pgsql");
            Instance target = FiefLab.register(instances, jdbc, lab, "fief-cloud");
            String second = lab.property("fief.second.workspace");
            Map<String, String> options = Map.of("workspace", second, "target", String.valueOf(target.getId()),
                    "adminEmail", "anne@bretagne.duchy");
            // negative control: the target's .env has no ENCRYPTION_KEY yet
            assertThatThrownBy(() -> flows.review(FiefWorkspaceMoveFlow.ID, source.getId(), options))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("Target ENCRYPTION_KEY: not set");
            java.nio.file.Path env = java.nio.file.Path.of(FiefLab.property(lab, "fief-cloud", "path"), ".env");
            java.nio.file.Files.writeString(env, "ENCRYPTION_KEY=" + FiefLab.property(lab, "fief-pgsql", "key") + "\n",
                    java.nio.file.StandardOpenOption.APPEND);

            Job job = run(FiefWorkspaceMoveFlow.ID, source, options);
            String log = log(job.getId());
            assertThat(job.getStatus()).as(job.getMessage() + "\n" + log).isEqualTo(JobStatus.SUCCEEDED);
            // the second workspace (the lab's seed 2) has 3 users
            assertThat(log).contains("OK    fief_users: 3 row(s), checksum equal")
                    .contains("fief_alembic_version: 6c06c7d908a7 → 6d9fa141730c")
                    .contains("anne@bretagne.duchy holds the Administrator role")
                    .doesNotContain(FiefLab.property(lab, "fief-pgsql", "key"));
            // the test's own eyes: the second workspace's users in the target's public schema; the source's untouched
            assertThat(FiefLab.column(lab, "fief-cloud", "SELECT count(*) FROM fief_users")).containsExactly("3");
            assertThat(FiefLab.column(lab, "fief-pgsql", "SELECT count(*) FROM \"" + second + "\".fief_users"))
                    .containsExactly("3");
            assertThat(FiefLab.column(lab, "fief-pgsql", "SELECT count(*) FROM workspaces")).containsExactly("2");
            // a target that now holds Fief's tables is refused
            assertThatThrownBy(() -> flows.review(FiefWorkspaceMoveFlow.ID, source.getId(), options))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("already holds Fief's tables");

            // the move's rollback: the target fresh again (so the move is accepted again), the workspace intact
            rollBackTheMove(job, source, "fief-cloud", "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
            assertThat(flows.review(FiefWorkspaceMoveFlow.ID, source.getId(), options).plan().steps()).isNotEmpty();
        } finally {
            FiefLab.reset("fief-cloud", "none");
            FiefLab.reset("fief-pgsql", "none");
        }
    }

    /** Runs the move's rollback and checks with the test's own eyes: the target holds no table, the source answers. */
    private void rollBackTheMove(Job move, Instance source, String target, String countTargetTables) throws Exception {
        Job rollback = run(FiefMoveRollbackFlow.ID, source, ofJob(move));
        String log = log(rollback.getId());
        assertThat(rollback.getStatus()).as(rollback.getMessage() + "\n" + log).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(log).contains("holds no Fief table").contains("back in");
        assertThat(FiefLab.column(lab, target, countTargetTables)).containsExactly("0");
        java.net.http.HttpResponse<String> openid = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create(source.getAppUrl() + "/.well-known/openid-configuration")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(openid.statusCode()).as("the source's Fief 0.27 answers").isEqualTo(200);
    }

    /**
     * The same move on MariaDB (mysqldump of the workspace's database into the target's) and SQLite (its file's .dump into
     * the target's new main file), into the lab's fresh installs, then rolled back: the target fresh again.
     */
    @ParameterizedTest
    @ValueSource(strings = {"mariadb", "sqlite"})
    void movesAnExtraWorkspaceOnMariaDbAndSqliteAndRollsItBack(String vendor) throws Exception {
        String from = "fief-" + vendor;
        String to = "fief-fresh-" + vendor;
        FiefLab.reset(from, "second-workspace");
        FiefLab.reset(to, "none");
        try {
            Instance source = FiefLab.register(instances, jdbc, lab, from);
            Instance target = FiefLab.register(instances, jdbc, lab, to);
            String second = lab.property("fief.second.workspace");
            Map<String, String> options = Map.of("workspace", second, "target", String.valueOf(target.getId()),
                    "adminEmail", "anne@bretagne.duchy");
            Job job = run(FiefWorkspaceMoveFlow.ID, source, options);
            String log = log(job.getId());
            assertThat(job.getStatus()).as(job.getMessage() + "\n" + log).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(log).contains("OK    fief_users: 3 row(s), checksum equal")
                    .contains("fief_alembic_version: 6c06c7d908a7 → 6d9fa141730c")
                    .contains("anne@bretagne.duchy holds the Administrator role")
                    .doesNotContain(FiefLab.property(lab, from, "key"));
            assertThat(FiefLab.column(lab, to, "SELECT count(*) FROM fief_users")).containsExactly("3");
            assertThatThrownBy(() -> flows.review(FiefWorkspaceMoveFlow.ID, source.getId(), options))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("already holds Fief's tables");

            rollBackTheMove(job, source, to, vendor.equals("sqlite") ? "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                    : "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'fief_fresh'");
            assertThat(flows.review(FiefWorkspaceMoveFlow.ID, source.getId(), options).plan().steps()).isNotEmpty();
            assertThat(FiefLab.column(lab, from, "SELECT count(*) FROM workspaces")).containsExactly("2");
        } finally {
            FiefLab.reset(to, "none");
            FiefLab.reset(from, "none");
        }
    }

    @Test
    void eachFailureSwitchIsRefusedOrFailsWithAWorkingRollback() throws Exception {
        try {
            FiefLab.reset("fief-sqlite", "wrong-key");
            Instance sqlite = FiefLab.register(instances, jdbc, lab, "fief-sqlite");
            assertThatThrownBy(() -> flows.review(FiefConsolidationFlow.ID, sqlite.getId(), Map.of("adminEmail",
                    "anne@bretagne.duchy"))).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("ENCRYPTION_KEY: does not decrypt the workspace's Fernet values")
                    .hasMessageNotContaining(FiefLab.property(lab, "fief-sqlite", "wrong.key"));
            FiefLab.reset("fief-sqlite", "none");
            assertThatThrownBy(() -> flows.review(FiefConsolidationFlow.ID, sqlite.getId(), Map.of("adminEmail",
                    "nobody@bretagne.duchy"))).isInstanceOf(InvalidInputException.class).hasMessageContaining("is no user");
            assertThatThrownBy(() -> flows.review(FiefConsolidationFlow.ID, sqlite.getId(), Map.of("adminEmail",
                    "not an address"))).isInstanceOf(InvalidInputException.class);

            FiefLab.reset("fief-pgsql", "clash");
            Instance pg = FiefLab.register(instances, jdbc, lab, "fief-pgsql");
            assertThatThrownBy(() -> flows.review(FiefConsolidationFlow.ID, pg.getId(), Map.of("adminEmail",
                    "anne@bretagne.duchy"))).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("Name clashes: the main database already has fief_webhooks");

            // names that move with the tables and are taken in main: PostgreSQL indexes (a primary key's too), MariaDB
            // foreign keys; each listed, refused before anything runs
            FiefLab.reset("fief-pgsql", "index-clash");
            assertThatThrownBy(() -> flows.review(FiefConsolidationFlow.ID, pg.getId(), Map.of("adminEmail",
                    "anne@bretagne.duchy"))).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("Index and constraint names: schema \"public\" of PostgreSQL database fief_main "
                            + "already has fief_webhooks_pkey (index), ix_fief_webhook_logs_created_at (index)");
            FiefLab.reset("fief-mariadb", "index-clash");
            Instance myClash = FiefLab.register(instances, jdbc, lab, "fief-mariadb");
            assertThatThrownBy(() -> flows.review(FiefConsolidationFlow.ID, myClash.getId(), Map.of("adminEmail",
                    "anne@bretagne.duchy"))).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("Index and constraint names: MySQL database `fief_main` already has "
                            + "fief_webhook_logs_ibfk_1 (foreign key)");
            FiefLab.reset("fief-mariadb", "none");
            assertThat(flows.review(FiefConsolidationFlow.ID, myClash.getId(), Map.of("adminEmail", "anne@bretagne.duchy"))
                    .plan().steps()).isNotEmpty();

            FiefLab.reset("fief-pgsql", "second-workspace");
            assertThatThrownBy(() -> flows.review(FiefConsolidationFlow.ID, pg.getId(), Map.of("adminEmail",
                    "anne@bretagne.duchy"))).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("2 workspaces: Fief 0.28 runs one workspace per instance");
            FlowService.Review chosen = flows.review(FiefConsolidationFlow.ID, pg.getId(), Map.of("adminEmail",
                    "anne@bretagne.duchy", "workspace", FiefLab.property(lab, "fief-pgsql", "workspace")));
            assertThat(chosen.plan().steps()).anyMatch(s -> s.title().equals("The other workspaces")
                    && s.spec().display().contains(lab.property("fief.second.workspace")));

            FiefLab.reset("fief-mariadb", "other-server");
            Instance my = FiefLab.register(instances, jdbc, lab, "fief-mariadb");
            assertThatThrownBy(() -> flows.review(FiefConsolidationFlow.ID, my.getId(), Map.of("adminEmail",
                    "anne@bretagne.duchy"))).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("keeps its data on its own POSTGRESQL server");

            // a move that fails half way: nothing moves (one transaction, one RENAME), the rollback puts all back
            for (String name : List.of("fief-pgsql", "fief-mariadb")) {
                FiefLab.reset(name, "half-move");
                Instance instance = FiefLab.register(instances, jdbc, lab, name);
                Job job = run(FiefConsolidationFlow.ID, instance, Map.of("adminEmail", "anne@bretagne.duchy"));
                assertThat(job.getStatus()).as(name).isEqualTo(JobStatus.FAILED);
                assertThat(job.getMessage()).as(name).containsAnyOf("must be owner", "Trigger in wrong schema", "exit");
                assertThat(FiefLab.column(lab, name, "SELECT count(*) FROM workspaces")).containsExactly("1");
                Job rollback = run(FiefRollbackFlow.ID, instance, ofJob(job));
                assertThat(rollback.getStatus()).as(name + ": " + rollback.getMessage() + "\n" + log(rollback.getId()))
                        .isEqualTo(JobStatus.SUCCEEDED);
            }
        } finally {
            for (String name : List.of("fief-pgsql", "fief-mariadb", "fief-sqlite")) {
                FiefLab.reset(name, "none");
            }
        }
    }

    private static dev.migrationpanel.instance.CheckItem item(FiefPreflight.Survey survey, String name) {
        return survey.items().stream().filter(i -> i.getName().equals(name)).findFirst().orElseThrow(
                () -> new AssertionError("no pre-flight item " + name + " in " + survey.items()));
    }
}
