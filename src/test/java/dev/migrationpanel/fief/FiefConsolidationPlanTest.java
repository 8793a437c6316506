package dev.migrationpanel.fief;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.fief.FiefDatabase.Place;
import dev.migrationpanel.fief.FiefPreflight.Survey;
import dev.migrationpanel.fief.FiefPreflight.Workspace;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.remote.ShellQuote;
import dev.migrationpanel.web.InvalidInputException;

/** The consolidation's plan, built as a value from what a pre-flight found, per vendor: no server is asked anything. */
class FiefConsolidationPlanTest {

    static final String WS = "08e952f1-8a79-4672-99f8-ea6919cd4692";

    static Instance instance() {
        Instance i = TestInstances.entity("fief-prod");
        org.springframework.test.util.ReflectionTestUtils.setField(i, "id", 41L);
        i.setProduct(FiefProfile.ID);
        i.setInstallPath("/srv/fief");
        i.setAppUrl("https://fief.example.org");
        i.setProductSettings("{\"cli\":\"docker exec fief-server fief\",\"startCommand\":\"docker start fief-server\","
                + "\"stopCommand\":\"docker stop fief-server\"}");
        return i;
    }

    static Survey survey(DbVendor vendor, List<String> tables, List<Workspace> workspaces) {
        DbSettings main = switch (vendor) {
            case PGSQL -> new DbSettings(vendor, "127.0.0.1", 5432, "fief", "fief", "pw-not-shown", null);
            case MYSQL -> new DbSettings(vendor, "127.0.0.1", 3306, "my_database", "fief", "pw-not-shown", null);
            default -> new DbSettings(vendor, null, 0, null, null, null, "/data/db/fief.db");
        };
        Map<String, Long> counts = new TreeMap<>();
        tables.forEach(t -> counts.put(t, 3L));
        return new Survey("/home/deploy", main, "fief_", workspaces, workspaces.get(0), Place.workspace(main, WS), counts,
                vendor == DbVendor.PGSQL ? List.of("fief_acr", "fief_clienttype") : List.of(), List.of(),
                List.of("CI deploy", "Terraform"), List.of());
    }

    static Workspace workspace(String id, String name) {
        return new Workspace(id, name, name + ".example.org", null, FiefPreflight.WORKSPACE_REVISION, 5, false, "fief_");
    }

    static final List<String> TABLES = List.of("fief_alembic_version", "fief_users", "fief_webhooks");

    private static String commands(Plan plan) {
        return String.join("\n", plan.steps().stream().map(s -> s.title() + " :: " + s.spec().display()).toList());
    }

    @Test
    void postgresqlMovesTheSchemasRealTablesAndTypesToPublicInOneTransaction() {
        Plan plan = FiefConsolidationFlow.build(instance(), survey(DbVendor.PGSQL, TABLES, List.of(workspace(WS, "Main"))),
                "anne@bretagne.duchy");
        String all = commands(plan);
        assertThat(all).contains("BEGIN; ALTER TABLE \"" + WS + "\".\"fief_alembic_version\" SET SCHEMA public; ALTER TABLE \""
                + WS + "\".\"fief_users\" SET SCHEMA public; ALTER TABLE \"" + WS + "\".\"fief_webhooks\" SET SCHEMA public; "
                + "ALTER TYPE \"" + WS + "\".\"fief_acr\" SET SCHEMA public; ALTER TYPE \"" + WS + "\".\"fief_clienttype\" SET "
                + "SCHEMA public; COMMIT;");
        assertThat(all).as("only the tables the schema has, not the guide's fixed list").doesNotContain("fief_audit_logs");
        assertThat(all).as("the password travels on stdin").contains("PGPASSWORD=****").doesNotContain("pw-not-shown");
        assertThat(all).contains("the dump above is of the whole database fief: schema \"" + WS + "\" is in it");
        assertThat(plan.options()).containsEntry("workspace", WS).containsEntry("adminEmail", "anne@bretagne.duchy");
    }

    @Test
    void theStepsFollowTheGuidesOrderWithBackupsAndTheProof() {
        Plan plan = FiefConsolidationFlow.build(instance(), survey(DbVendor.PGSQL, TABLES, List.of(workspace(WS, "Main"))),
                "anne@bretagne.duchy");
        List<String> titles = plan.steps().stream().map(Step::title).toList();
        int stop = titles.indexOf("Stop Fief (nothing may write while its tables move)");
        int dump = titles.indexOf("Dump the system DB (PostgreSQL)");
        int record = titles.indexOf(FiefConsolidationFlow.RECORD_TITLE);
        int move = indexStarting(titles, "Move the 3 tables");
        int key = indexStarting(titles, "Set ENCRYPTION_KEY");
        int start = indexStarting(titles, "Start Fief 0.28");
        int await = titles.indexOf("Wait for its schema upgrade");
        int grant = titles.indexOf("Grant the admin role (fief grant-admin-role)");
        int keys = titles.indexOf("Recreate the admin API keys");
        int proof = titles.indexOf(FiefConsolidationFlow.PROOF_TITLE);
        int cleanup = titles.indexOf("Clean up the old tables");
        assertThat(List.of(stop, dump, record, move, key, start, await, grant, keys, proof, cleanup)).doesNotContain(-1).isSorted();
        Step grantStep = plan.steps().get(grant);
        assertThat(grantStep.spec().display()).isEqualTo("cd '/srv/fief' && docker exec fief-server fief grant-admin-role "
                + "'anne@bretagne.duchy'");
        assertThat(plan.steps().get(keys).spec().display()).contains("CI deploy, Terraform");
        assertThat(plan.steps().get(key).spec().display()).contains("PANEL_FIEF_KEY=****").contains("ENCRYPTION_KEY=");
        assertThat(plan.steps().get(proof).spec()).isInstanceOfSatisfying(StepSpec.Verify.class, v -> {
            assertThat(v.check()).isEqualTo(FiefProof.PROVE);
            assertThat(v.args()).containsEntry("recordStep", String.valueOf(record)).containsEntry("adminEmail", "anne@bretagne.duchy");
        });
        assertThat(plan.steps().get(stop).spec().display()).isEqualTo("docker stop fief-server");
        assertThat(plan.steps().get(start).spec().display()).isEqualTo("docker start fief-server");
    }

    @Test
    void mysqlRenamesInOneStatementWithBackticksNotTheGuidesDoubleQuotes() {
        Plan plan = FiefConsolidationFlow.build(instance(), survey(DbVendor.MYSQL, TABLES, List.of(workspace(WS, "Main"))),
                "anne@bretagne.duchy");
        String all = commands(plan);
        assertThat(all).contains("RENAME TABLE `" + WS + "`.`fief_alembic_version` TO `my_database`.`fief_alembic_version`, `"
                + WS + "`.`fief_users` TO `my_database`.`fief_users`, `" + WS + "`.`fief_webhooks` TO `my_database`.`fief_webhooks`;");
        assertThat(all).doesNotContain("\"" + WS + "\".").contains("MYSQL_PWD=****");
        assertThat(plan.steps()).as("the workspace database is backed up too")
                .anyMatch(s -> s.spec().display().contains("--databases '" + WS + "'"));
    }

    @Test
    void sqliteSwapsTheFilesKeepingFiefDbBak() {
        Plan plan = FiefConsolidationFlow.build(instance(), survey(DbVendor.SQLITE, TABLES, List.of(workspace(WS, "Main"))),
                "anne@bretagne.duchy");
        String all = commands(plan);
        assertThat(all).contains("cd '/data/db' && test ! -e 'fief.db.bak' && test -f '" + WS + "' && mv 'fief.db' 'fief.db.bak' "
                + "&& { mv '" + WS + "' 'fief.db' || { mv 'fief.db.bak' 'fief.db'; exit 1; }; }");
        assertThat(all).contains("sqlite3 '/data/db/" + WS + "' .dump");
    }

    @Test
    void severalWorkspacesAreNamedInANoteAndShellTextStaysQuoted() {
        Plan plan = FiefConsolidationFlow.build(instance(), survey(DbVendor.PGSQL, TABLES, List.of(workspace(WS, "Main"),
                workspace("d4a7e2c1-0b9f-4c6e-8e31-5a2f7b9c0d48", "Second"))), "x'$(id)@example.org");
        assertThat(plan.steps()).anyMatch(s -> s.title().equals("The other workspaces")
                && s.spec().display().contains("Second (d4a7e2c1-0b9f-4c6e-8e31-5a2f7b9c0d48)"));
        assertThat(commands(plan)).contains("grant-admin-role 'x'\"'\"'$(id)@example.org'");
    }

    @Test
    void optionsAreValidatedOnTheServer() {
        assertThatThrownBy(() -> FiefConsolidationFlow.Options.of(Map.of("adminEmail", "anne"))).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> FiefConsolidationFlow.Options.of(Map.of("adminEmail", "anne@bretagne.duchy", "workspace",
                "../etc"))).isInstanceOf(InvalidInputException.class);
        assertThat(FiefConsolidationFlow.Options.of(Map.of("adminEmail", " anne@bretagne.duchy ", "workspace", WS.toUpperCase())))
                .isEqualTo(new FiefConsolidationFlow.Options("anne@bretagne.duchy", WS));
    }

    @Test
    void theRollbackPutsBothBackupsBackAndTheCleanupWaitsAtAGate() {
        DbSettings main = survey(DbVendor.MYSQL, TABLES, List.of(workspace(WS, "Main"))).main();
        Plan rollback = FiefRollbackFlow.build(instance(), "/home/deploy", main, WS, 7, "main-dump-id", "ws-dump-id");
        String all = commands(rollback);
        assertThat(all).contains("sftp put artifact main-dump-id").contains("sftp put artifact ws-dump-id")
                .contains("'" + WS + "' < '/home/deploy/.migration-panel/fief-41-rollback-workspace-7.sql'");
        assertThat(rollback.steps().get(rollback.steps().size() - 2).spec()).isInstanceOf(StepSpec.Verify.class);
        // no start command of 0.27 on the instance: the last step only says so
        assertThat(rollback.steps().get(rollback.steps().size() - 1).spec()).isNotInstanceOf(StepSpec.RemoteCommand.class);
        assertThat(all).contains("no start command of Fief 0.27 is set");
        // with one, it is run last, after the verification
        Instance with027 = instance();
        TestInstances.settings(with027, FiefProfile.START_BEFORE_028, "docker run -d --name fief-server ghcr.io/fief-dev/fief:0.27.7");
        Plan restarting = FiefRollbackFlow.build(with027, "/home/deploy", main, WS, 7, "main-dump-id", "ws-dump-id");
        Step last = restarting.steps().get(restarting.steps().size() - 1);
        assertThat(last.title()).startsWith("Start Fief 0.27 again");
        assertThat(last.spec()).isEqualTo(new StepSpec.RemoteCommand("docker run -d --name fief-server ghcr.io/fief-dev/fief:0.27.7"));
        assertThat(last.changesInstance()).isTrue();
        Plan cleanup = FiefCleanupFlow.build(instance(), "/home/deploy", main, 7, "anne@bretagne.duchy");
        List<String> kinds = cleanup.steps().stream().map(s -> s.spec().kind()).toList();
        assertThat(kinds.indexOf(StepSpec.GATE)).isLessThan(indexStarting(cleanup.steps().stream().map(Step::title).toList(),
                "Drop the five old tables"));
        assertThat(commands(cleanup)).contains("DROP TABLE IF EXISTS `workspace_users`, `admin_api_key`, `admin_session_tokens`, "
                + "`workspaces`, `alembic_version`;");
    }

    /** An extra workspace moved to another instance: recorded on the source, streamed, moved to public, proved there. */
    @Test
    void anExtraWorkspaceMovesToTheTargetsFreshDatabaseAndIsProvedThere() {
        String second = "d4a7e2c1-0b9f-4c6e-8e31-5a2f7b9c0d48";
        Survey s = survey(DbVendor.PGSQL, TABLES, List.of(workspace(WS, "Main"), workspace(second, "Second")));
        s = new Survey(s.home(), s.main(), s.prefix(), s.workspaces(), s.workspaces().get(1), Place.workspace(s.main(), second),
                s.tables(), s.pgTypes(), s.pgSequences(), s.apiKeyNames(), s.items());
        Instance target = TestInstances.entity("fief-second");
        org.springframework.test.util.ReflectionTestUtils.setField(target, "id", 42L);
        target.setProduct(FiefProfile.ID);
        target.setInstallPath("/srv/fief-second");
        target.setProductSettings("{\"startCommand\":\"docker start fief-second\",\"stopCommand\":\"docker stop fief-second\"}");
        DbSettings into = new DbSettings(DbVendor.PGSQL, "127.0.0.1", 5432, "fief_second", "fief2", "pw-not-shown", null);
        Plan plan = FiefWorkspaceMoveFlow.build(instance(), s, target, new dev.migrationpanel.product.HostFacts("/home/deploy", into),
                "anne@bretagne.duchy");
        List<String> titles = plan.steps().stream().map(Step::title).toList();
        int record = indexStarting(titles, "Record every workspace table");
        int copy = indexStarting(titles, "Copy the workspace's tables");
        assertThat(plan.steps().get(record).instanceId()).isEqualTo(41L);
        assertThat(plan.steps().get(indexStarting(titles, "Stop Fief on the source")).instanceId()).isEqualTo(41L);
        assertThat(indexStarting(titles, "Stop Fief on the target")).isLessThan(record);
        assertThat(record).isLessThan(copy);
        StepSpec.Stream stream = (StepSpec.Stream) plan.steps().get(copy).spec();
        assertThat(stream.fromInstance()).isEqualTo(41L);
        assertThat(stream.secret()).as("the workspace's rows (password hashes, tokens) kept encrypted").isTrue();
        assertThat(stream.fromCommand()).contains("pg_dump").contains("--schema='" + second + "'").contains("'fief'")
                .startsWith("printf 'BEGIN;\\n'").endsWith("printf 'COMMIT;\\n'");
        assertThat(stream.toCommand()).contains("-d 'fief_second'");
        assertThat(plan.steps().get(copy).instanceId()).isEqualTo(42L);
        String all = commands(plan);
        assertThat(all).contains("ALTER TABLE \"" + second + "\".\"fief_users\" SET SCHEMA public;")
                .contains("DROP SCHEMA \"" + second + "\"; COMMIT;").doesNotContain("pw-not-shown");
        assertThat(((StepSpec.Verify) plan.steps().get(indexStarting(titles, "Verify the copy")).spec()).args())
                .containsEntry("copy", "true").containsEntry("recordStep", String.valueOf(record));
        int start = indexStarting(titles, "Start Fief 0.28");
        assertThat(plan.steps().get(start).instanceId()).isEqualTo(42L);
        assertThat(start).isGreaterThan(copy).isLessThan(indexStarting(titles, "Prove the move"));
        assertThat(plan.options()).containsEntry("target", "42").containsEntry("workspace", second);

        Plan mysql = FiefWorkspaceMoveFlow.build(instance(), survey(DbVendor.MYSQL, TABLES, List.of(workspace(WS, "Main"))),
                target, new dev.migrationpanel.product.HostFacts("/home/deploy", new DbSettings(DbVendor.MYSQL, "127.0.0.1", 3306,
                        "fief_second", "fief2", "pw", null)), "anne@bretagne.duchy");
        assertThat(commands(mysql)).contains("mysqldump").contains("'" + WS + "'").doesNotContain("SET SCHEMA");
    }

    private static int indexStarting(List<String> titles, String prefix) {
        for (int i = 0; i < titles.size(); i++) {
            if (titles.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    static Instance dockerInstance(String envFile) {
        Instance i = instance();
        i.setDeploymentType(dev.migrationpanel.instance.DeploymentType.DOCKER);
        i.setContainerName("fief-server");
        i.setInstallPath("/app");
        i.setProductSettings("{\"cli\":\"fief\",\"startCommand\":\"/srv/fief/recreate-028\","
                + "\"stopCommand\":\"docker stop fief-server\"" + (envFile == null ? "" : ",\"dockerEnvFile\":\"" + envFile + "\"")
                + "}");
        return i;
    }

    @Test
    void inDockerTheKeyGoesToTheEnvFileTheContainerIsRecreatedFromAndTheCliRunsInside() {
        Instance docker = dockerInstance("/srv/fief/fief.env");
        assertThat(FiefConsolidationFlow.whyNot(docker)).isNull();
        Plan plan = FiefConsolidationFlow.build(docker, survey(DbVendor.PGSQL, TABLES, List.of(workspace(WS, "Main"))),
                "anne@bretagne.duchy");
        String all = commands(plan);
        List<String> titles = plan.steps().stream().map(Step::title).toList();
        String key = plan.steps().get(titles.indexOf("Set ENCRYPTION_KEY in /srv/fief/fief.env (the environment file container "
                + "fief-server is created from), on its own line (the key the pre-flight saw decrypt the workspace's values)"))
                .spec().display();
        assertThat(key).as("on the SSH host, in the env file, the key on stdin").startsWith("cd '/srv/fief' && umask 077 && "
                + "PANEL_FIEF_KEY=").contains("' 'fief.env' > 'fief.env.panel-new' && cat 'fief.env.panel-new' > 'fief.env'")
                .doesNotContain("docker exec");
        assertThat(all).contains("recreates container fief-server from /srv/fief/fief.env")
                .contains("Grant the admin role (fief grant-admin-role, in the container) :: docker exec -i 'fief-server' sh -c "
                        + "'cd '\"'\"'/app'\"'\"' && fief grant-admin-role '\"'\"'anne@bretagne.duchy'\"'\"''");
        assertThat(all).as("the dump from the host: the container is stopped by then").contains("pg_dump")
                .doesNotContain("docker exec -i 'fief-server' sh -c 'umask 077 && PGPASSWORD");
        // the start recreates the container after the key is written; the stop comes before the backups
        assertThat(titles.indexOf("Start Fief 0.28 (it upgrades the schema on start-up)")).isGreaterThan(titles.indexOf(
                titles.stream().filter(t -> t.startsWith("Set ENCRYPTION_KEY")).findFirst().orElseThrow()));
    }

    @Test
    void dockerWithoutItsEnvFileOrStartAndKubernetesAreRefusedWithTheReason() {
        assertThat(FiefConsolidationFlow.whyNot(dockerInstance(null))).contains("Fief in Docker container fief-server")
                .contains("the environment file the container is created from");
        Instance noStart = dockerInstance("/srv/fief/fief.env");
        noStart.setProductSettings("{\"dockerEnvFile\":\"/srv/fief/fief.env\"}");
        assertThat(FiefConsolidationFlow.whyNot(noStart)).contains("the stop command").contains("the start command, which must "
                + "recreate the container");
        Instance pod = instance();
        pod.setDeploymentType(dev.migrationpanel.instance.DeploymentType.KUBERNETES);
        assertThat(FiefConsolidationFlow.whyNot(pod)).startsWith("Fief in Kubernetes is not supported");
        assertThat(new FiefConsolidationFlow(null).appliesTo(pod)).isFalse();
        assertThat(new FiefConsolidationFlow(null).appliesTo(dockerInstance(null))).isFalse();
        assertThat(new FiefConsolidationFlow(null).appliesTo(dockerInstance("/srv/fief/fief.env"))).isTrue();
        assertThat(FiefConsolidationFlow.whyNot(instance())).isNull();
    }

    @Test
    void theMovesRollbackDropsWhatTheTargetHoldsNowPerVendorAfterABackupThenProvesBothSides() {
        Instance source = instance();
        Instance target = TestInstances.entity("fief-fresh");
        org.springframework.test.util.ReflectionTestUtils.setField(target, "id", 42L);
        target.setProduct(FiefProfile.ID);
        target.setInstallPath("/srv/fief-fresh");
        target.setProductSettings("{\"stopCommand\":\"systemctl stop fief-fresh\"}");
        List<String> tables = List.of("fief_alembic_version", "fief_users");
        DbSettings pg = new DbSettings(DbVendor.PGSQL, "127.0.0.1", 5432, "fresh", "fief", "pw-not-shown", null);
        String pgPlan = commands(FiefMoveRollbackFlow.build(source, target, new dev.migrationpanel.product.HostFacts("/home/d",
                pg), 7L, WS, "fief_", tables, List.of("fief_acr"), List.of()));
        assertThat(pgPlan).contains("BEGIN; DROP TABLE IF EXISTS \"fief_alembic_version\", \"fief_users\" CASCADE; DROP TYPE IF "
                + "EXISTS \"fief_acr\"; COMMIT;").contains("pg_dump").doesNotContain("pw-not-shown")
                .contains("Verify: the target's main database holds no Fief table")
                .contains("Verify: the workspace intact in its old place on the source");
        assertThat(pgPlan.indexOf("pg_dump")).as("the backup before the drop").isLessThan(pgPlan.indexOf("DROP TABLE"));
        DbSettings sqlite = new DbSettings(DbVendor.SQLITE, null, 0, null, null, null, "/srv/fief-fresh/data/db/fief.db");
        assertThat(commands(FiefMoveRollbackFlow.build(source, target, new dev.migrationpanel.product.HostFacts("/home/d",
                sqlite), 7L, WS, "fief_", tables, List.of(), List.of()))).as("SQLite: one table a statement")
                .contains("BEGIN; DROP TABLE IF EXISTS \"fief_alembic_version\"; DROP TABLE IF EXISTS \"fief_users\"; COMMIT;");
        DbSettings my = new DbSettings(DbVendor.MYSQL, "127.0.0.1", 3306, "fresh", "fief", "pw", null);
        assertThat(commands(FiefMoveRollbackFlow.build(source, target, new dev.migrationpanel.product.HostFacts("/home/d", my),
                7L, WS, "fief_", tables, List.of(), List.of()))).contains("SET FOREIGN_KEY_CHECKS = 0; DROP TABLE IF EXISTS "
                        + "`fief_alembic_version`, `fief_users`;");
        // nothing copied: nothing dropped, no backup taken
        String empty = commands(FiefMoveRollbackFlow.build(source, target, new dev.migrationpanel.product.HostFacts("/home/d",
                pg), 7L, WS, "fief_", List.of(), List.of(), List.of()));
        assertThat(empty).contains("holds no Fief table: the move stopped before copying anything").doesNotContain("DROP");
    }

    static final String STAGE = "/home/deploy/.migration-panel/fief-41-container-db";

    private static int indexOf(List<Step> steps, String titleStart) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).title().startsWith(titleStart)) {
                return i;
            }
        }
        throw new AssertionError("no step titled " + titleStart + "…");
    }

    @Test
    void sqliteInDockerCopiesTheStoppedContainersFilesOutAndSwapsThemOnItsVolumeInAOneOffContainer() {
        Instance docker = dockerInstance("/srv/fief/fief.env");
        Plan plan = FiefConsolidationFlow.build(docker, survey(DbVendor.SQLITE, TABLES, List.of(workspace(WS, "Main"))),
                "anne@bretagne.duchy");
        List<Step> steps = plan.steps();
        int stop = indexOf(steps, "Stop Fief");
        int copyOut = indexOf(steps, "Copy /data/db/fief.db and the workspace's file");
        int record = indexOf(steps, "Record every workspace table");
        int swap = indexOf(steps, "Swap the files on the container's volume");
        int copyAfter = indexOf(steps, "Copy the new /data/db/fief.db out");
        int verify = indexOf(steps, "Verify the move");
        int remove = indexOf(steps, "Remove the staged copies");
        int key = indexOf(steps, "Set ENCRYPTION_KEY");
        int start = indexOf(steps, "Start Fief 0.28");
        assertThat(List.of(stop, copyOut, record, swap, copyAfter, verify, remove, key, start)).isSorted();

        assertThat(steps.get(copyOut).spec().display()).isEqualTo("umask 077 && rm -rf '" + STAGE + "' && mkdir -p '" + STAGE
                + "' && docker cp 'fief-server:/data/db/fief.db' '" + STAGE + "/fief.db' && docker cp 'fief-server:/data/db/" + WS
                + "' '" + STAGE + "/" + WS + "'"
                + " && { ! docker cp 'fief-server:/data/db/fief.db-wal' '" + STAGE + "/fief.db-wal' >/dev/null 2>&1 || ! test -s '"
                + STAGE + "/fief.db-wal' || { echo '/data/db/fief.db-wal is not empty: Fief did not close fief.db cleanly; start "
                + "and stop it again first' >&2; exit 1; }; }"
                + " && { ! docker cp 'fief-server:/data/db/fief.db-journal' '" + STAGE + "/fief.db-journal' >/dev/null 2>&1 || ! "
                + "test -s '" + STAGE + "/fief.db-journal' || { echo '/data/db/fief.db-journal is not empty: Fief did not close "
                + "fief.db cleanly; start and stop it again first' >&2; exit 1; }; }"
                + " && { ! docker cp 'fief-server:/data/db/" + WS + "-wal' '" + STAGE + "/" + WS + "-wal' >/dev/null 2>&1 || ! test "
                + "-s '" + STAGE + "/" + WS + "-wal' || { echo '/data/db/" + WS + "-wal is not empty: Fief did not close " + WS
                + " cleanly; start and stop it again first' >&2; exit 1; }; }"
                + " && { ! docker cp 'fief-server:/data/db/" + WS + "-journal' '" + STAGE + "/" + WS + "-journal' >/dev/null 2>&1 "
                + "|| ! test -s '" + STAGE + "/" + WS + "-journal' || { echo '/data/db/" + WS + "-journal is not empty: Fief did "
                + "not close " + WS + " cleanly; start and stop it again first' >&2; exit 1; }; }");
        // the guide's mv, as on a host, but run in a one-off container of the image with the stopped container's volumes
        assertThat(steps.get(swap).spec().display()).isEqualTo("image=$(docker inspect -f '{{.Image}}' 'fief-server') && "
                + "docker run --rm --network none --volumes-from 'fief-server' --entrypoint sh \"$image\" -c "
                + ShellQuote.quote(FiefSteps.sqliteSwap(survey(DbVendor.SQLITE, TABLES, List.of(workspace(WS, "Main"))).main(),
                        WS)));
        assertThat(steps.get(swap).changesInstance()).isTrue();
        // backups, record and check read the copies on the host; nothing runs in the stopped container until the start
        String beforeStart = String.join("\n", steps.subList(0, start).stream().map(s -> s.spec().display()).toList());
        assertThat(beforeStart).doesNotContain("docker exec")
                .contains("sqlite3 '" + STAGE + "/fief.db' .dump > '/home/deploy/.migration-panel/fief-41-main-before-"
                        + "consolidation.sql'")
                .contains("sqlite3 '" + STAGE + "/" + WS + "' .dump > '/home/deploy/.migration-panel/fief-41-workspace-before-"
                        + "consolidation.sql'");
        assertThat(steps.stream().filter(s -> s.title().equals("Download the dump")).count()).isEqualTo(2);
        assertThat(((StepSpec.Verify) steps.get(record).spec()).args()).containsEntry(FiefProof.HOST_COPY, STAGE);
        assertThat(((StepSpec.Verify) steps.get(verify).spec()).args()).containsEntry(FiefProof.HOST_COPY, STAGE + "/after")
                .containsEntry("recordStep", String.valueOf(record));
        assertThat(steps.get(copyAfter).spec().display()).startsWith("umask 077 && rm -rf '" + STAGE + "/after' && mkdir -p '"
                + STAGE + "/after' && docker cp 'fief-server:/data/db/fief.db' '" + STAGE + "/after/fief.db'");
        assertThat(steps.get(remove).spec().display()).isEqualTo("rm -rf '" + STAGE + "'");
        // the proof reads the running 0.28 container's file (no host copy)
        assertThat(((StepSpec.Verify) steps.get(indexOf(steps, "Prove the consolidation")).spec()).args())
                .doesNotContainKey(FiefProof.HOST_COPY);
        // a host install on SQLite keeps the plain swap and reads in place
        Plan onHost = FiefConsolidationFlow.build(instance(), survey(DbVendor.SQLITE, TABLES, List.of(workspace(WS, "Main"))),
                "anne@bretagne.duchy");
        assertThat(commands(onHost)).doesNotContain("docker cp").doesNotContain("--volumes-from")
                .contains(":: " + FiefSteps.sqliteSwap(survey(DbVendor.SQLITE, TABLES, List.of(workspace(WS, "Main"))).main(), WS));
    }

    @Test
    void sqliteInDockerRollsBackThroughFilesRestoredOnTheHostAndWrittenIntoTheVolumeByTheImagesUser() {
        Instance docker = dockerInstance("/srv/fief/fief.env");
        DbSettings main = new DbSettings(DbVendor.SQLITE, null, 0, null, null, null, "/data/db/fief.db");
        Plan plan = FiefRollbackFlow.build(docker, "/home/deploy", main, WS, 7L, "a-main", "a-ws");
        List<Step> steps = plan.steps();
        String all = commands(plan);
        int stop = indexOf(steps, "Stop Fief");
        int putMain = indexOf(steps, "Put /data/db/fief.db back");
        int putWs = indexOf(steps, "Put the workspace's file");
        int aside = indexOf(steps, "Set the swap's fief.db.bak aside");
        int verify = indexOf(steps, "Verify: the workspace's tables back");
        assertThat(List.of(stop, indexOf(steps, "Restore the main database's backup into"), putMain, putWs, aside,
                indexOf(steps, "Copy both files out"), verify, indexOf(steps, "Remove the staged copies"))).isSorted();
        assertThat(steps.get(putMain).spec().display()).isEqualTo("image=$(docker inspect -f '{{.Image}}' 'fief-server') && "
                + "docker run --rm -i --network none --volumes-from 'fief-server' --entrypoint sh \"$image\" -c 'cat > "
                + "'\"'\"'/data/db/fief.db.panel-restoring'\"'\"' && mv -f '\"'\"'/data/db/fief.db.panel-restoring'\"'\"' "
                + "'\"'\"'/data/db/fief.db'\"'\"'' < '" + STAGE + "/fief.db'");
        assertThat(steps.get(putWs).spec().display()).endsWith("< '" + STAGE + "/" + WS + "'");
        assertThat(all).contains("sqlite3 -bail '" + STAGE + "/fief.db.restoring' < '/home/deploy/.migration-panel/fief-41-"
                + "rollback-main-7.sql'").doesNotContain("docker exec");
        assertThat(((StepSpec.Verify) steps.get(verify).spec()).args()).containsEntry(FiefProof.HOST_COPY, STAGE + "/after")
                .containsEntry("recordJob", "7");
        assertThat(steps.get(steps.size() - 1).title()).isEqualTo("Start Fief 0.27 again");
    }
}
