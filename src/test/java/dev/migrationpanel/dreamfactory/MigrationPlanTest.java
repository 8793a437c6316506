package dev.migrationpanel.dreamfactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.test.util.ReflectionTestUtils;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.instance.DeploymentType;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.web.InvalidInputException;

/**
 * The major-migration plan as a value: the guide's steps in the guide's order, the source only read, the
 * target backed up first, the transfer path of each deployment type as the exact commands it builds (a cluster
 * cannot run here; Docker runs for real in DockerDeploymentLabIT), and the refusals.
 */
class MigrationPlanTest {

    private final DreamFactoryMigrationFlow flow = new DreamFactoryMigrationFlow(null, null, null);

    static final DbSettings MYSQL_DB = new DbSettings(DbVendor.MYSQL, "127.0.0.1", 3306, "dreamfactory", "df_admin", null, null);

    /** What the shared backup step appends to the dump command: the source's row counts (see DumpCommands). */
    static String withCounts(String dumpFile) {
        return " && " + StepSpec.hideSecrets(dev.migrationpanel.database.DumpCommands.appendRowCounts(MYSQL_DB, dumpFile));
    }

    private static Instance instance(long id, String name, DeploymentType type) {
        Instance i = new Instance();
        ReflectionTestUtils.setField(i, "id", id);
        i.setName(name);
        i.setProduct("dreamfactory");
        i.setSshUser("deploy");
        i.setInstallPath("/opt/dreamfactory");
        i.setDeploymentType(type);
        dev.migrationpanel.instance.TestInstances.settings(i, WebSettings.SERVER, WebServer.NGINX.name());
        if (type == DeploymentType.DOCKER) {
            i.setContainerName("df-docker-web-1");
        } else if (type == DeploymentType.KUBERNETES) {
            i.setK8sNamespace("df-namespace");
            i.setK8sPod("df-pod");
        }
        return i;
    }

    private static DreamFactorySteps.Facts facts(DbVendor vendor, String version) {
        DbSettings db = vendor == DbVendor.SQLITE
                ? new DbSettings(vendor, null, 0, null, null, null, "/opt/dreamfactory/storage/databases/dreamfactory.sqlite")
                : new DbSettings(vendor, "127.0.0.1", vendor.defaultPort(), "dreamfactory", "df_admin", "db-secret-pw", null);
        return new DreamFactorySteps.Facts("/home/deploy", db, version, DreamFactoryProfile.DEFAULT_CIPHER);
    }

    private static List<String> commands(Plan plan) {
        return plan.steps().stream().map(s -> s.spec().display()).toList();
    }

    private static Map<String, String> proofArgs(Plan plan) {
        return plan.steps().stream().filter(s -> s.title().equals(DreamFactoryMigrationFlow.PROOF_TITLE))
                .map(s -> ((StepSpec.Verify) s.spec()).args()).findFirst().orElseThrow();
    }

    /**
     * The import is checked against the source's record right after it and before the new release's migrate --seed
     * (whose seeders write to the default apps and services), and the proof compares with that check's state.
     */
    private static void importCheckedBeforeTheSeedersAndReadByTheProof(Plan plan, int recordStep) {
        List<String> titles = plan.steps().stream().map(Step::title).toList();
        int check = titles.indexOf(DreamFactoryMigrationFlow.IMPORT_CHECK_TITLE);
        assertThat(titles.get(check - 1)).matches("Import the dump.*|Maintenance mode off.*");
        assertThat(titles.get(check + 1)).isEqualTo("Apply the new release's schema (artisan migrate --seed)");
        StepSpec.Verify spec = (StepSpec.Verify) plan.steps().get(check).spec();
        assertThat(spec.check()).isEqualTo(MigrationProof.CHECK_IMPORT);
        assertThat(spec.args()).containsExactly(Map.entry("recordStep", String.valueOf(recordStep)));
        assertThat(plan.steps().get(check).changesInstance()).isFalse();
        assertThat(proofArgs(plan)).containsEntry("recordStep", String.valueOf(recordStep))
                .containsEntry("importStep", String.valueOf(check));
    }

    private Plan plan(Instance source, Instance target, DbVendor vendor, Map<String, String> options) {
        return DreamFactoryMigrationFlow.build(source, facts(vendor, "5.4.1"), target, facts(vendor, "7.1.0"),
                flow.options(source, options));
    }

    @Test
    void stagedTheGuidesStepsInTheGuidesOrder() {
        Instance source = instance(1, "df-old", DeploymentType.HOST);
        Instance target = instance(2, "df-new", DeploymentType.HOST);
        Plan plan = plan(source, target, DbVendor.MYSQL, Map.of("target", "2", "transfer", "staged"));
        assertThat(plan.options()).containsEntry("transfer", "staged");
        // staged, the record is the first step, on its own (the dump is a step of its own, later, in the guide's order)
        assertThat(plan.steps().get(0).title()).isEqualTo(DreamFactoryMigrationFlow.RECORD_TITLE);
        assertThat(plan.steps()).noneMatch(Step::besideNext);
        assertThat(proofArgs(plan)).containsEntry("recordStep", "0");
        assertThat(plan.steps().stream().filter(s -> s.title().equals("Transfer the source's .env to the target"))
                .findFirst().orElseThrow().spec().display()).contains("(step 2)");
        assertThat(commands(plan)).containsSubsequence(
                "(panel check) row count and content checksum of every system table of df-old, and the SHA-256 of its .env, stored as an artifact",
                "sftp get /opt/dreamfactory/.env → artifact df-old.env (encrypted)",
                "umask 077 && MYSQL_PWD=**** mysqldump -h '127.0.0.1' -P 3306 -u 'df_admin' --single-transaction --routines "
                        + "--triggers --databases 'dreamfactory' --no-create-db "
                        + "--result-file='/home/deploy/.migration-panel/dreamfactory-1-migration.sql'"
                        + withCounts("/home/deploy/.migration-panel/dreamfactory-1-migration.sql"),
                "sftp get /home/deploy/.migration-panel/dreamfactory-1-migration.sql → artifact df-old-migration-mysql-dump.sql (encrypted)",
                "sftp get /opt/dreamfactory/.env → artifact df-new.env (encrypted)",
                "sftp get /home/deploy/.migration-panel/dreamfactory-2-before-migration.sql → artifact df-new-before-migration-mysql-dump.sql (encrypted)",
                "sftp put artifact of step 6 → /home/deploy/.migration-panel/migration-from-1-dump.sql",
                "cd '/opt/dreamfactory' && php artisan migrate:fresh --force",
                "cd '/opt/dreamfactory' && php artisan migrate:reset --force",
                "DROP TABLE IF EXISTS migrations",
                "test -r '/home/deploy/.migration-panel/migration-from-1-dump.sql' && sed -e '/^USE `[^`]*`;$/d' -e "
                        + "'s/DEFINER=`[^`]*`@`[^`]*`//g' '/home/deploy/.migration-panel/migration-from-1-dump.sql' | "
                        + "MYSQL_PWD=**** mysql -h '127.0.0.1' -P 3306 -u 'df_admin' 'dreamfactory'",
                "(panel check) every system table of df-new as imported against the source's record of step 1 (rows "
                        + "and content checksums, over the source's columns): any difference stops the job here",
                "cd '/opt/dreamfactory' && php artisan migrate --seed --force",
                "cd '/opt/dreamfactory' && " + DreamFactoryMigrationFlow.setAppKey("****"),
                "cd '/opt/dreamfactory' && php artisan cache:clear",
                "cd '/opt/dreamfactory' && php artisan config:clear",
                "sudo -n systemctl restart nginx");
        importCheckedBeforeTheSeedersAndReadByTheProof(plan, 0);
        assertThat(plan.steps().subList(plan.steps().size() - 3, plan.steps().size())).extracting(Step::title)
                .containsExactly(DreamFactoryMigrationFlow.PROOF_TITLE, "Verify: sign in to the target's API",
                        "Verify: the target answers over HTTP");
        assertThat(plan.steps().get(plan.steps().size() - 2).spec()).isInstanceOf(StepSpec.Note.class);
        // the upload takes the source's dump, which is the artifact of the download step it names
        StepSpec.Upload upload = plan.steps().stream().map(Step::spec).filter(StepSpec.Upload.class::isInstance)
                .map(StepSpec.Upload.class::cast).findFirst().orElseThrow();
        assertThat(plan.steps().get(upload.fromStep()).spec()).isInstanceOf(StepSpec.Download.class);
        assertThat(((StepSpec.Download) plan.steps().get(upload.fromStep()).spec()).artifactName())
                .isEqualTo("df-old-migration-mysql-dump.sql");
        assertThat(String.join("\n", commands(plan))).doesNotContain("db-secret-pw");
        assertThat(plan.instanceIds()).containsExactly(1L, 2L);
    }

    @Test
    void streamedIntoAPlainHostByDefaultTheTargetIsPreparedThenTheDumpFlowsIntoItsImport() {
        Instance source = instance(1, "df-old", DeploymentType.HOST);
        Instance target = instance(2, "df-new", DeploymentType.HOST);
        Plan plan = plan(source, target, DbVendor.MYSQL, Map.of("target", "2", "maintenance", "true"));
        assertThat(plan.options()).containsEntry("transfer", "stream");
        String stream = "on df-old: MYSQL_PWD=**** mysqldump -h '127.0.0.1' -P 3306 -u 'df_admin' --single-transaction "
                + "--routines --triggers --databases 'dreamfactory' --no-create-db\n"
                + "  | through the panel, stored as artifact df-old-migration-mysql-dump.sql (encrypted) with its SHA-256\n"
                + "  | into: sed -e '/^USE `[^`]*`;$/d' -e 's/DEFINER=`[^`]*`@`[^`]*`//g' | MYSQL_PWD=**** mysql -h "
                + "'127.0.0.1' -P 3306 -u 'df_admin' 'dreamfactory'";
        assertThat(commands(plan)).containsSubsequence(
                "sftp get /opt/dreamfactory/.env → artifact df-old.env (encrypted)",
                "sftp get /opt/dreamfactory/.env → artifact df-new.env (encrypted)",
                "sftp get /home/deploy/.migration-panel/dreamfactory-2-before-migration.sql → artifact df-new-before-migration-mysql-dump.sql (encrypted)",
                "cd '/opt/dreamfactory' && php artisan migrate:fresh --force",
                "cd '/opt/dreamfactory' && php artisan migrate:reset --force",
                "DROP TABLE IF EXISTS migrations",
                "cd '/opt/dreamfactory' && php artisan down",
                "(panel check) row count and content checksum of every system table of df-old, and the SHA-256 of its .env, stored as an artifact",
                stream,
                "cd '/opt/dreamfactory' && php artisan up",
                "(panel check) every system table of df-new as imported against the source's record of step 13 (rows "
                        + "and content checksums, over the source's columns): any difference stops the job here",
                "cd '/opt/dreamfactory' && php artisan migrate --seed --force",
                "cd '/opt/dreamfactory' && " + DreamFactoryMigrationFlow.setAppKey("****"),
                "cd '/opt/dreamfactory' && php artisan cache:clear");
        Step streamStep = plan.steps().stream().filter(s -> s.spec() instanceof StepSpec.Stream).findFirst().orElseThrow();
        // the source's record runs beside the stream, inside the maintenance window, and the proof reads that record
        int streamAt = plan.steps().indexOf(streamStep);
        Step record = plan.steps().get(streamAt - 1);
        assertThat(record.title()).isEqualTo(DreamFactoryMigrationFlow.RECORD_TITLE);
        assertThat(record.besideNext()).isTrue();
        assertThat(record.instanceId()).isEqualTo(1L);
        assertThat(record.changesInstance()).isFalse();
        assertThat(plan.steps()).filteredOn(Step::besideNext).containsExactly(record);
        assertThat(plan.besideStep(streamAt - 1)).isEqualTo(streamAt + 1);
        assertThat(plan.besideStep(streamAt)).isEqualTo(streamAt);
        assertThat(plan.steps().get(streamAt - 2).title()).startsWith("Maintenance mode on");
        assertThat(plan.steps().get(streamAt + 1).title()).startsWith("Maintenance mode off");
        importCheckedBeforeTheSeedersAndReadByTheProof(plan, streamAt - 1);
        assertThat(plan.steps().stream().filter(s -> s.title().equals("Transfer the source's .env to the target"))
                .findFirst().orElseThrow().spec().display()).contains("(step 1)");
        assertThat(streamStep.instanceId()).as("it changes the target").isEqualTo(2L);
        assertThat(streamStep.changesInstance()).isTrue();
        assertThat(((StepSpec.Stream) streamStep.spec()).fromInstance()).isEqualTo(1L);
        // nothing staged: no dump file on the source, no upload to the target
        assertThat(plan.steps()).noneMatch(s -> s.spec() instanceof StepSpec.Upload)
                .noneMatch(s -> s.instanceId() != null && s.instanceId() == 1L && s.title().startsWith("Dump the system DB"));
        assertThat(String.join("\n", commands(plan))).doesNotContain("db-secret-pw");
    }

    @Test
    void aStreamedPostgresDumpCommitsOnlyWhenItArrivedWhole() {
        Instance source = instance(1, "df-old", DeploymentType.HOST);
        Instance target = instance(2, "df-new", DeploymentType.HOST);
        StepSpec.Stream stream = plan(source, target, DbVendor.PGSQL, Map.of("target", "2")).steps().stream()
                .map(Step::spec).filter(StepSpec.Stream.class::isInstance).map(StepSpec.Stream.class::cast)
                .findFirst().orElseThrow();
        assertThat(stream.fromCommand()).isEqualTo("printf 'BEGIN;\\n' && PGPASSWORD={{secret:db.password}} pg_dump "
                + "-h '127.0.0.1' -p 5432 -U 'df_admin' -d 'dreamfactory' -F p --no-owner --no-privileges --clean --if-exists "
                + "&& printf 'COMMIT;\\n'");
        assertThat(stream.toCommand()).as("psql's own framing would commit a stream cut short")
                .isEqualTo("PGPASSWORD={{secret:db.password}} psql -X -q -v ON_ERROR_STOP=1 -h '127.0.0.1' -p 5432 "
                        + "-U 'df_admin' -d 'dreamfactory'");
        StepSpec.Stream sqlite = plan(source, target, DbVendor.SQLITE, Map.of("target", "2")).steps().stream()
                .map(Step::spec).filter(StepSpec.Stream.class::isInstance).map(StepSpec.Stream.class::cast)
                .findFirst().orElseThrow();
        assertThat(sqlite.fromCommand()).isEqualTo("sqlite3 '/opt/dreamfactory/storage/databases/dreamfactory.sqlite' .dump");
        assertThat(sqlite.toCommand()).isEqualTo("sqlite3 -bail '/opt/dreamfactory/storage/databases/dreamfactory.sqlite'");
    }

    @Test
    void aContainerOrPodTargetIsStagedAndStreamingIntoItIsRefused() {
        Instance source = instance(1, "df-old", DeploymentType.DOCKER);
        for (DeploymentType type : List.of(DeploymentType.DOCKER, DeploymentType.KUBERNETES)) {
            Instance target = instance(2, "df-new", type);
            assertThat(plan(source, target, DbVendor.MYSQL, Map.of("target", "2")).options())
                    .containsEntry("transfer", "staged");
            assertThatThrownBy(() -> plan(source, target, DbVendor.MYSQL, Map.of("target", "2", "transfer", "stream")))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("streams into a plain host only");
        }
        // a source in a container streams its dump out of it (docker exec), into a plain host
        StepSpec.Stream stream = plan(source, instance(2, "df-new", DeploymentType.HOST), DbVendor.MYSQL,
                Map.of("target", "2")).steps().stream().map(Step::spec).filter(StepSpec.Stream.class::isInstance)
                .map(StepSpec.Stream.class::cast).findFirst().orElseThrow();
        assertThat(stream.fromCommand()).startsWith("printf '%s\\n' {{secret:db.password}} | docker exec -i "
                + "'df-docker-web-1' sh -c 'IFS= read -r PANEL_SECRET_1; ").contains("mysqldump");
        assertThatThrownBy(() -> plan(source, instance(2, "df-new", DeploymentType.HOST), DbVendor.MYSQL,
                Map.of("target", "2", "transfer", "sideways"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'stream' or 'staged'");
    }

    @Test
    void theSourceIsOnlyReadAndTheTargetIsBackedUpBeforeItChanges() {
        Instance source = instance(1, "df-old", DeploymentType.HOST);
        Instance target = instance(2, "df-new", DeploymentType.HOST);
        for (String transfer : List.of("stream", "staged")) {
            Plan plan = plan(source, target, DbVendor.PGSQL, Map.of("target", "2", "transfer", transfer));
            assertThat(plan.steps()).filteredOn(s -> s.instanceId() != null && s.instanceId() == 1L)
                    .allMatch(s -> !s.changesInstance());
            int firstChange = plan.steps().indexOf(plan.steps().stream().filter(Step::changesInstance).findFirst().orElseThrow());
            List<String> before = plan.steps().subList(0, firstChange).stream().map(Step::title).toList();
            assertThat(before).as(transfer).filteredOn(t -> t.equals("Download the dump"))
                    .hasSize(transfer.equals("staged") ? 2 : 1);
            assertThat(plan.steps().subList(0, firstChange)).filteredOn(s -> s.spec() instanceof StepSpec.Download d
                    && (d.artifactName().equals("df-new.env") || d.artifactName().equals("df-new-before-migration-pgsql-dump.sql")))
                    .hasSize(2);
            // the key is the source's, referred to by instance, resolved only when the step runs
            assertThat(plan.steps()).filteredOn(s -> s.title().startsWith("Set APP_KEY")).singleElement()
                    .satisfies(s -> assertThat(((StepSpec.RemoteCommand) s.spec()).command())
                            .contains("PANEL_APP_KEY={{secret:instance.1.env.APP_KEY}} awk"));
        }
        Plan staged = plan(source, target, DbVendor.PGSQL, Map.of("target", "2", "transfer", "staged"));
        assertThat(commands(staged)).contains("PGPASSWORD=**** psql -X -q -v ON_ERROR_STOP=1 --single-transaction -h "
                + "'127.0.0.1' -p 5432 -U 'df_admin' -d 'dreamfactory' -f '/home/deploy/.migration-panel/migration-from-1-dump.sql'");
    }

    @Test
    void optionsOffStayInThePlanAsNotesAndOnAddTheirSteps() {
        Instance source = instance(1, "df-old", DeploymentType.HOST);
        Instance target = instance(2, "df-new", DeploymentType.HOST);
        Plan off = plan(source, target, DbVendor.MYSQL, Map.of("target", "2"));
        assertThat(off.steps()).filteredOn(s -> s.spec() instanceof StepSpec.Note).extracting(Step::title)
                .contains("Maintenance mode on the source", "MySQL strict mode", "Transfer the source's .env to the target");
        Plan on = plan(source, target, DbVendor.MYSQL, Map.of("target", "2", "maintenance", "true", "strict", "true"));
        assertThat(commands(on)).containsSubsequence("cd '/opt/dreamfactory' && php artisan down",
                "cd '/opt/dreamfactory' && php artisan up");
        assertThat(on.steps()).filteredOn(s -> s.title().startsWith("Turn MySQL strict mode off")).hasSize(1);
        assertThat(on.steps()).filteredOn(s -> s.title().startsWith("Maintenance mode on")).singleElement()
                .satisfies(s -> assertThat(s.instanceId()).isEqualTo(1L));
    }

    @Test
    void theApiCheckIsAPanelCheckWithTheCredentialsArtifactNeverThePassword() {
        Instance source = instance(1, "df-old", DeploymentType.HOST);
        Instance target = instance(2, "df-new", DeploymentType.HOST);
        target.setAppUrl("https://df-new.example.com");
        Plan plan = plan(source, target, DbVendor.MYSQL, Map.of("target", "2",
                "apiCredentials", "0b6e9a52-7a1c-4f0e-9d3b-5a2f1c7e8d90"));
        assertThat(plan.steps()).filteredOn(s -> s.title().startsWith("Verify: sign in")).singleElement()
                .satisfies(s -> assertThat(s.spec()).isEqualTo(new StepSpec.Verify(MigrationApiCheck.ID,
                        ((StepSpec.Verify) s.spec()).description(), Map.of("source", "1",
                        "credentials", "0b6e9a52-7a1c-4f0e-9d3b-5a2f1c7e8d90"))));
        assertThat(plan.options()).containsEntry("apiCredentials", "0b6e9a52-7a1c-4f0e-9d3b-5a2f1c7e8d90");
        assertThatThrownBy(() -> flow.options(source, Map.of("target", "2", "apiCredentials", "../../x")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("API sign-in");
    }

    @Test
    void dockerAndKubernetesTransferPathsAreTheVendorsCopyCommands() {
        Instance source = instance(1, "df-old", DeploymentType.DOCKER);
        Instance target = instance(2, "df-new", DeploymentType.KUBERNETES);
        Plan plan = plan(source, target, DbVendor.MYSQL, Map.of("target", "2"));
        List<String> commands = commands(plan);
        assertThat(commands).containsSubsequence(
                "umask 077 && docker cp 'df-docker-web-1:/opt/dreamfactory/.env' '/home/deploy/.migration-panel/1.env'",
                "sftp get /home/deploy/.migration-panel/1.env → artifact df-old.env (encrypted)",
                "printf '%s\\n' **** | docker exec -i 'df-docker-web-1' sh -c 'IFS= read -r PANEL_SECRET_1; umask 077 && "
                        + "MYSQL_PWD=\"$PANEL_SECRET_1\" mysqldump -h '\"'\"'127.0.0.1'\"'\"' -P 3306 -u '\"'\"'df_admin'\"'\"' "
                        + "--single-transaction --routines --triggers --databases '\"'\"'dreamfactory'\"'\"' --no-create-db "
                        + "--result-file='\"'\"'/tmp/panel-dump-1-migration.sql'\"'\"'"
                        + (" && " + dev.migrationpanel.remote.SecretRefs.replace(dev.migrationpanel.database.DumpCommands
                                .appendRowCounts(MYSQL_DB, "/tmp/panel-dump-1-migration.sql"), n -> "\"$PANEL_SECRET_1\""))
                                .replace("'", "'\"'\"'") + "'",
                "umask 077 && docker cp 'df-docker-web-1:/tmp/panel-dump-1-migration.sql' "
                        + "'/home/deploy/.migration-panel/dreamfactory-1-migration.sql' && docker exec -i 'df-docker-web-1' "
                        + "sh -c 'rm -f '\"'\"'/tmp/panel-dump-1-migration.sql'\"'\"''",
                "umask 077 && kubectl cp 'df-namespace/df-pod:/opt/dreamfactory/.env' '/home/deploy/.migration-panel/2.env'",
                "sftp put artifact of step 10 → /home/deploy/.migration-panel/migration-from-1-dump.sql",
                "kubectl cp '/home/deploy/.migration-panel/migration-from-1-dump.sql' "
                        + "'df-namespace/df-pod:/tmp/panel-migration-from-1-dump.sql'",
                "kubectl exec -i -n 'df-namespace' 'df-pod' -- sh -c 'cd '\"'\"'/opt/dreamfactory'\"'\"' && php artisan migrate:fresh --force'");
        assertThat(commands).anyMatch(c -> c.startsWith("printf '%s\\n' **** | kubectl exec -i -n 'df-namespace' 'df-pod' "
                + "-- sh -c 'IFS= read -r PANEL_SECRET_1; cd ") && c.contains("PANEL_APP_KEY=\"$PANEL_SECRET_1\" awk"));
        StepSpec.Upload upload = plan.steps().stream().map(Step::spec).filter(StepSpec.Upload.class::isInstance)
                .map(StepSpec.Upload.class::cast).findFirst().orElseThrow();
        assertThat(plan.steps().get(upload.fromStep()).title()).isEqualTo("Download the dump");
        assertThat(plan.steps().get(upload.fromStep()).instanceId()).isEqualTo(1L);
    }

    @Test
    void refusalsSayWhy() {
        Instance source = instance(1, "df-old", DeploymentType.HOST);
        assertThatThrownBy(() -> flow.options(source, Map.of("target", "1"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("another instance than the source");
        assertThatThrownBy(() -> flow.options(source, Map.of("target", "x; rm -rf /"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("Choose the target");
        assertThatThrownBy(() -> flow.options(source, Map.of("target", "2", "strict", "yes")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("'strict' is true or false");

        Instance target = instance(2, "df-new", DeploymentType.HOST);
        MigrationPreflight.Pair crossVendor = new MigrationPreflight.Pair(facts(DbVendor.MYSQL, "5.4.1"),
                facts(DbVendor.PGSQL, "7.1.0"), List.of());
        assertThat(MigrationPreflight.refusals(source, crossVendor, target, false)).singleElement().asString()
                .contains("a native dump does not cross vendors");
        MigrationPreflight.Pair used = new MigrationPreflight.Pair(facts(DbVendor.MYSQL, "5.4.1"),
                facts(DbVendor.MYSQL, "7.1.0"), List.of("3 users", "2 role(s)"));
        assertThat(MigrationPreflight.refusals(source, used, target, false)).singleElement().asString()
                .contains("not a fresh install (3 users, 2 role(s))");
        assertThat(MigrationPreflight.refusals(source, used, target, true)).isEmpty();
        MigrationPreflight.Pair sqlServer = new MigrationPreflight.Pair(facts(DbVendor.SQLSRV, "5.4.1"),
                facts(DbVendor.SQLSRV, "7.1.0"), List.of());
        assertThat(MigrationPreflight.refusals(source, sqlServer, target, false)).singleElement().asString()
                .contains("SQL Server system DBs are not supported yet");
        assertThat(MigrationPreflight.refusals(source, used, source, true)).singleElement().asString()
                .contains("same instance");
        // an older install's AES-128-CBC key carried into a target set to Laravel's AES-256-CBC would stop it
        DreamFactorySteps.Facts legacy = facts(DbVendor.MYSQL, "2.0.3");
        MigrationPreflight.Pair ciphers = new MigrationPreflight.Pair(new DreamFactorySteps.Facts(legacy.home(), legacy.db(),
                legacy.version(), "AES-128-CBC"), facts(DbVendor.MYSQL, "7.1.0"), List.of());
        assertThat(MigrationPreflight.refusals(source, ciphers, target, false)).singleElement().asString().isEqualTo(
                "The source encrypts with APP_CIPHER=AES-128-CBC, the target with AES-256-CBC: with the source's APP_KEY the "
                        + "target could neither start nor decrypt the source's values; set APP_CIPHER=AES-128-CBC in the "
                        + "target's .env and plan again");
    }

    @Test
    void preflightWarnings() {
        assertThat(MigrationPreflight.isMySql56("5.6.51-log")).isTrue();
        assertThat(MigrationPreflight.isMySql56("5.7.44")).isFalse();
        assertThat(MigrationPreflight.isMySql56("10.11.6-MariaDB-0+deb12u1")).isFalse();
        assertThat(MigrationPreflight.uiArchitecture("4.14.0", "7.1.0").getStatus().name()).isEqualTo("WARNING");
        assertThat(MigrationPreflight.uiArchitecture("4.14.0", "7.1.0").getMessage()).contains("df-admin-interface");
        assertThat(MigrationPreflight.uiArchitecture("7.0.0", "7.1.0").getStatus().name()).isEqualTo("OK");
    }
}
