package dev.migrationpanel.cairncms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.instance.CheckItem;
import dev.migrationpanel.instance.CheckStatus;
import dev.migrationpanel.instance.DeploymentType;
import dev.migrationpanel.instance.EnvFile;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.product.HostFacts;
import dev.migrationpanel.remote.SecretRefs;
import dev.migrationpanel.web.InvalidInputException;

/** The full clone's plan and its pair checks as values, without a server: the guide's order, quoting, no secret. */
class CairnClonePlanTest {

    private static Instance instance(long id, String name, boolean commands) {
        Instance i = new Instance();
        org.springframework.test.util.ReflectionTestUtils.setField(i, "id", id);
        i.setName(name);
        i.setProduct(CairnCmsProfile.ID);
        i.setSshHost(id == 1 ? "old.example.org" : "new.example.org");
        i.setSshUser("deploy");
        i.setInstallPath("/srv/" + name);
        i.setDeploymentType(DeploymentType.HOST);
        i.setAppUrl("https://" + name + ".example.org");
        if (commands) {
            i.setProductSettings("{\"startCommand\":\"sudo -n systemctl start cms\","
                    + "\"stopCommand\":\"sudo -n systemctl stop cms\"}");
        }
        return i;
    }

    private static final Set<String> MIGRATIONS = Set.of("20201028A", "20260515A");

    private static CairnCloneSide side(DbVendor vendor, String install, String env, String version, Set<String> migrations,
            List<String> beyondFresh) {
        EnvFile file = EnvFile.parse(env);
        List<StorageLocation> locations = StorageLocation.of(file, install);
        Map<String, String> storage = new java.util.TreeMap<>();
        Map<String, String> roots = new java.util.TreeMap<>();
        for (String key : file.keys()) {
            if (key.startsWith("STORAGE_")) {
                String v = file.get(key).orElse("");
                storage.put(key, new CairnCmsProfile().isSecretEnvKey(key) && !v.isEmpty() ? null : v);
            }
        }
        locations.forEach(l -> file.get("STORAGE_" + l.name().toUpperCase() + "_ROOT").ifPresent(r -> roots.put(l.name(), r)));
        DbSettings db = switch (vendor) {
            case SQLITE -> new DbSettings(vendor, null, 0, null, null, null, install + "/data.db");
            default -> new DbSettings(vendor, "127.0.0.1", vendor.defaultPort(), "cms", "cms", "db-pass", null);
        };
        return new CairnCloneSide(new HostFacts("/home/deploy", db), version, null, migrations, locations, storage, roots,
                true, beyondFresh, List.of(), CairnCloneFlow.settingHashes(file), List.of(install + "/uploads"));
    }

    private static final String SOURCE_ENV = """
            KEY=source-key-uuid
            SECRET=source-secret-value
            DB_CLIENT=pg
            STORAGE_LOCATIONS=local,archive,s3
            STORAGE_LOCAL_DRIVER=local
            STORAGE_LOCAL_ROOT=./uploads
            STORAGE_ARCHIVE_DRIVER=local
            STORAGE_ARCHIVE_ROOT=/srv/src/archive
            STORAGE_S3_DRIVER=s3
            STORAGE_S3_BUCKET=media
            STORAGE_S3_SECRET=s3-secret-value
            """;
    private static final String TARGET_ENV = """
            KEY=target-key
            SECRET=target-secret
            DB_CLIENT=pg
            STORAGE_LOCATIONS=local
            STORAGE_LOCAL_DRIVER=local
            STORAGE_LOCAL_ROOT=/data/uploads
            """;

    private final Instance source = instance(1, "src", true);
    private final Instance target = instance(2, "dst", true);
    private final CairnCloneSide s = side(DbVendor.PGSQL, "/srv/src", SOURCE_ENV, "1.0.0-beta.4", MIGRATIONS, List.of());
    private final CairnCloneSide t = side(DbVendor.PGSQL, "/srv/dst", TARGET_ENV, "1.0.0-beta.4", MIGRATIONS, List.of());

    private static Map<String, String> opts(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private Plan plan(String pause, String sessions) {
        Map<String, String> o = CairnCloneFlow.options(source, opts("target", "2", "pause", pause, "sessions", sessions,
                "adminCredentials", "0a1b2c3d-4e5f"));
        return CairnCloneFlow.build(source, s, target, t, o);
    }

    @Test
    void backupPauseRecordDumpFilesEnvSessionsBootstrapStartProveInTheGuidesOrder() {
        Plan plan = plan("stop-source", "keep");
        List<String> titles = plan.steps().stream().map(Step::title).toList();
        assertThat(titles).containsSubsequence("Dump the system DB (PostgreSQL)", "Download the dump", "Capture .env",
                "Stop the target's service (its DB is replaced)", "Pause writes: stop the source's service for the copy",
                CairnCloneFlow.RECORD_TITLE, CairnCloneFlow.DB_STREAM_TITLE + " (PostgreSQL)",
                "Copy the file bytes of location local (/srv/src/uploads → /data/uploads, stored on the way)",
                "Copy the file bytes of location archive (/srv/src/archive → /srv/dst/archive, stored on the way)",
                "Copy the file bytes of location s3", "Start the source's service again",
                "Set KEY, SECRET, STORAGE_LOCATIONS and the STORAGE_* settings in the target's .env to the source's "
                        + "(those lines only; the .env kept beside it)",
                "PUBLIC_URL and DB_* of the target", "Sessions", "Apply config-as-code",
                "Verify the migrations are at the expected version (cairncms bootstrap)", "Start the target's service",
                CairnCloneFlow.PROOF_TITLE, "Run a flow and check the activity log", "Switch traffic");
        assertThat(plan.steps().stream().filter(Step::changesInstance).map(Step::instanceName).distinct().toList())
                .as("the source is only paused and started again, never written").containsExactlyInAnyOrder("dst", "src");
        assertThat(plan.steps().stream().filter(st -> st.changesInstance() && "src".equals(st.instanceName()))
                .map(st -> st.spec().display()).toList())
                .containsExactly("sudo -n systemctl stop cms", "sudo -n systemctl start cms");

        // the record is the step the proof reads, taken after the pause
        int record = titles.indexOf(CairnCloneFlow.RECORD_TITLE);
        StepSpec.Verify proof = (StepSpec.Verify) plan.steps().get(titles.indexOf(CairnCloneFlow.PROOF_TITLE)).spec();
        assertThat(proof.args()).containsEntry("recordStep", String.valueOf(record)).containsEntry("source", "1")
                .containsEntry("sessions", "keep").containsEntry("credentials", "0a1b2c3d-4e5f");
        assertThat(plan.steps().get(titles.indexOf("Sessions")).spec()).isInstanceOf(StepSpec.Note.class);

        // the DB: source's dump in one transaction, the target's schema dropped inside it
        StepSpec.Stream db = (StepSpec.Stream) plan.steps().get(titles.indexOf(CairnCloneFlow.DB_STREAM_TITLE + " (PostgreSQL)")).spec();
        assertThat(db.fromInstance()).isEqualTo(1);
        assertThat(db.fromCommand()).startsWith("printf 'BEGIN;\\n' && PGPASSWORD={{secret:db.password}} pg_dump -h '127.0.0.1'")
                .endsWith("&& printf 'COMMIT;\\n'");
        assertThat(db.toCommand()).startsWith("sed -e '1s/^BEGIN;$/BEGIN; SET LOCAL client_min_messages = warning; DROP "
                + "SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;/' | PGPASSWORD={{secret:db.password}} psql");
        assertThat(db.secret()).isTrue();

        // files: verbatim, the target's own root for a location it declares, the same place for one inside the install
        StepSpec.Stream files = (StepSpec.Stream) plan.steps().stream().filter(st -> st.title().startsWith(
                "Copy the file bytes of location local")).findFirst().orElseThrow().spec();
        assertThat(files.fromCommand()).isEqualTo("tar -C '/srv/src/uploads' -cf - .");
        assertThat(files.toCommand()).isEqualTo("mkdir -p '/data/uploads' && tar -C '/data/uploads' --no-overwrite-dir "
                + "-xf - && cat > /dev/null");
        assertThat(plan.steps().stream().filter(st -> st.title().equals("Copy the file bytes of location s3")).findFirst()
                .orElseThrow().spec().display()).contains("driver s3").contains("bucket-to-bucket copy");

        // the .env: secrets by reference only, plain values quoted, nothing of the source's secrets in the plan
        String env = plan.steps().get(titles.indexOf("Set KEY, SECRET, STORAGE_LOCATIONS and the STORAGE_* settings in the "
                + "target's .env to the source's (those lines only; the .env kept beside it)")).spec().display();
        assertThat(env).startsWith("cd '/srv/dst' && umask 077 && cp -p .env \".env.before-clone-$(date +%Y%m%d-%H%M%S)\"")
                .contains("PANEL_ENV_KEY=**** PANEL_ENV_SECRET=**** PANEL_ENV_STORAGE_LOCATIONS='local,archive,s3'")
                .contains("PANEL_ENV_STORAGE_ARCHIVE_ROOT='/srv/dst/archive'").contains("PANEL_ENV_STORAGE_S3_SECRET=****")
                .contains("PANEL_ENV_STORAGE_S3_BUCKET='media'").doesNotContain("STORAGE_LOCAL_ROOT=");
        String all = plan.steps().stream().map(st -> st.spec().display() + " " + st.title() + " " + st.spec()).reduce("",
                String::concat) + plan.options();
        for (String secret : List.of("source-key-uuid", "source-secret-value", "s3-secret-value", "db-pass", "target-secret")) {
            assertThat(all).as("no secret in the plan").doesNotContain(secret);
        }

        assertThat(plan.steps().get(titles.indexOf("Verify the migrations are at the expected version (cairncms bootstrap)"))
                .spec().display()).isEqualTo("cd '/srv/dst' && out=$(npx cairncms bootstrap 2>&1); rc=$?; printf '%s\\n' "
                        + "\"$out\"; [ $rc -eq 0 ] && printf '%s\\n' \"$out\" | grep -q 'Database already initialized'");
        assertThat(plan.options()).containsEntry("target", "2").containsEntry("pause", "stop-source")
                .containsEntry("sessions", "keep").containsEntry("adminCredentials", "0a1b2c3d-4e5f");
    }

    @Test
    void eachTargetStorageRootIsArchivedBeforeTheCopyAndTheRollbackPutsItBack() {
        Plan plan = plan("accept-inconsistency", "keep");
        List<String> titles = plan.steps().stream().map(Step::title).toList();
        assertThat(titles).containsSubsequence("Capture .env",
                "Archive the target's storage root of location archive (/srv/dst/archive)",
                "Capture the target's storage root of location archive",
                "Archive the target's storage root of location local (/data/uploads)",
                "Capture the target's storage root of location local",
                "Copy the file bytes of location local (/srv/src/uploads → /data/uploads, stored on the way)");
        assertThat(titles).noneMatch(t -> t.contains("storage root of location s3"));
        assertThat(plan.steps().get(titles.indexOf("Archive the target's storage root of location local (/data/uploads)"))
                .spec().display()).isEqualTo("umask 077 && if [ -d '/data/uploads' ]; then tar -C '/data/uploads' -cf "
                        + "'/home/deploy/.migration-panel/2-storage-local-before-clone.tar' .; else tar -cf "
                        + "'/home/deploy/.migration-panel/2-storage-local-before-clone.tar' -T /dev/null; fi");
        assertThat(plan.steps().get(titles.indexOf("Capture the target's storage root of location local")).spec())
                .isEqualTo(new StepSpec.Download("/home/deploy/.migration-panel/2-storage-local-before-clone.tar",
                        "dst-storage-local-before-clone.tar", "FILE_ARCHIVE", true));
        assertThat(plan.options()).containsEntry("storageRoot.local", "/data/uploads")
                .containsEntry("storageRoot.archive", "/srv/dst/archive").doesNotContainKey("storageRoot.s3");

        Plan rollback = CairnCloneRollbackFlow.build(target, t.host(), null, 7, "env-1", "dump-1", List.of(
                new CairnCloneRollbackFlow.StorageBackup("archive", "/srv/dst/archive", null),
                new CairnCloneRollbackFlow.StorageBackup("local", "/data/uploads", "tar-1")));
        List<String> steps = rollback.steps().stream().map(Step::title).toList();
        assertThat(steps).containsSubsequence("Stop the target's service (its DB is replaced)", "Restore the DB (PostgreSQL)",
                "Storage root of location archive", "Upload the archive of storage root local taken by job #7",
                "Put the storage root of location local back (/data/uploads: emptied, then its archive unpacked)",
                "Start the target's service").doesNotContain("The file bytes the clone copied");
        assertThat(rollback.steps().get(steps.indexOf("Upload the archive of storage root local taken by job #7")).spec())
                .isEqualTo(new StepSpec.Upload(0, "tar-1", "/home/deploy/.migration-panel/2-clone-rollback-storage-local.tar"));
        assertThat(rollback.steps().get(steps.indexOf("Put the storage root of location local back (/data/uploads: "
                + "emptied, then its archive unpacked)")).spec().display()).isEqualTo("mkdir -p '/data/uploads' && find "
                        + "'/data/uploads' -mindepth 1 -delete && tar -C '/data/uploads' --no-overwrite-dir -xf "
                        + "'/home/deploy/.migration-panel/2-clone-rollback-storage-local.tar' && rm -f "
                        + "'/home/deploy/.migration-panel/2-clone-rollback-storage-local.tar'");
        assertThat(rollback.steps().get(steps.indexOf("Storage root of location archive")).spec())
                .isInstanceOf(StepSpec.Note.class);
        assertThat(CairnCloneRollbackFlow.build(target, t.host(), null, 7, "env-1", "dump-1", List.of()).steps())
                .extracting(Step::title).contains("The file bytes the clone copied");
    }

    @Test
    void acceptingTheInconsistencyAndPurgingSessionsChangeTheirStepsOnly() {
        Plan plan = plan("accept-inconsistency", "purge");
        List<String> titles = plan.steps().stream().map(Step::title).toList();
        assertThat(titles).contains("Pause writes on the source").doesNotContain("Start the source's service again",
                "Pause writes: stop the source's service for the copy");
        assertThat(plan.steps().get(titles.indexOf("Pause writes on the source")).spec()).isInstanceOf(StepSpec.Note.class);
        Step purge = plan.steps().get(titles.indexOf("End the source's sessions on the target (directus_sessions emptied)"));
        assertThat(purge.spec()).isEqualTo(new StepSpec.Sql("DELETE FROM directus_sessions", false));
        assertThat(purge.instanceName()).isEqualTo("dst");
        assertThat(plan.steps().stream().filter(st -> st.changesInstance()).map(Step::instanceName).distinct().toList())
                .as("the source is not touched at all").containsExactly("dst");
    }

    @Test
    void eachVendorsDumpReplacesTheTargetsTablesCleanly() {
        Instance src = instance(1, "src", true);
        Instance dst = instance(2, "dst", true);
        DbSettings my = new DbSettings(DbVendor.MYSQL, "db.local", 3306, "cms it's", "cms", "pw", null);
        Step mysql = CairnCloneFlow.dbStream(src, my, dst, my);
        StepSpec.Stream m = (StepSpec.Stream) mysql.spec();
        assertThat(m.fromCommand()).contains("mysqldump -h 'db.local' -P 3306 -u 'cms' --single-transaction")
                .contains("--databases 'cms it'\"'\"'s' --no-create-db");
        assertThat(m.toCommand()).startsWith("drops=$(MYSQL_PWD={{secret:db.password}} mysql -h 'db.local' -P 3306 -u 'cms' -N -B "
                + "'cms it'\"'\"'s' -e 'SELECT CONCAT('\"'\"'DROP TABLE IF EXISTS `'\"'\"', table_name")
                .contains("< /dev/null) && { printf 'SET FOREIGN_KEY_CHECKS=0;\\n%s\\n' \"$drops\"; sed -e '/^USE `[^`]*`;$/d'")
                .endsWith("; } | MYSQL_PWD={{secret:db.password}} mysql -h 'db.local' -P 3306 -u 'cms' 'cms it'\"'\"'s'");

        DbSettings lite = new DbSettings(DbVendor.SQLITE, null, 0, null, null, null, "/srv/dst/data base.db");
        StepSpec.Stream q = (StepSpec.Stream) CairnCloneFlow.dbStream(src, new DbSettings(DbVendor.SQLITE, null, 0, null,
                null, null, "/srv/src/data.db"), dst, lite).spec();
        assertThat(q.fromCommand()).isEqualTo("sqlite3 '/srv/src/data.db' .dump");
        assertThat(q.toCommand()).isEqualTo("rm -f '/srv/dst/data base.db.clone' && sqlite3 -bail '/srv/dst/data base.db.clone' "
                + "&& { chmod --reference='/srv/dst/data base.db' '/srv/dst/data base.db.clone' 2>/dev/null || true; } && "
                + "mv -f '/srv/dst/data base.db.clone' '/srv/dst/data base.db' && rm -f '/srv/dst/data base.db-wal' "
                + "'/srv/dst/data base.db-shm' '/srv/dst/data base.db-journal'");
    }

    @Test
    void optionsAreCheckedAndNoPauseIsChosenSilently() {
        assertThatThrownBy(() -> CairnCloneFlow.options(source, opts("target", "2")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("Choose how writes are paused");
        assertThatThrownBy(() -> CairnCloneFlow.options(source, opts("target", "1", "pause", "stop-source")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("another instance");
        assertThatThrownBy(() -> CairnCloneFlow.options(source, opts("target", "2", "pause", "stop-source", "sessions", "drop")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("keep");
        assertThatThrownBy(() -> CairnCloneFlow.options(source, opts("target", "2", "pause", "stop-source",
                "adminCredentials", "../etc/passwd"))).isInstanceOf(InvalidInputException.class);
        assertThat(CairnCloneFlow.options(source, opts("target", "2", "pause", "accept-inconsistency")))
                .isEqualTo(Map.of("target", "2", "pause", "accept-inconsistency", "sessions", "keep"));
    }

    private static CheckItem item(List<CheckItem> items, String name) {
        return items.stream().filter(i -> i.getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void thePairIsRefusedForAnotherVendorAnotherVersionOrATargetThatIsNotFresh() {
        Map<String, String> o = CairnCloneFlow.options(source, opts("target", "2", "pause", "stop-source"));
        List<CheckItem> ok = CairnCloneFlow.checks(source, s, target, t, o);
        assertThat(ok).filteredOn(i -> i.getStatus() == CheckStatus.BLOCKING).isEmpty();
        assertThat(item(ok, "Storage s3").getStatus()).isEqualTo(CheckStatus.WARNING);
        assertThat(item(ok, "Storage s3").getMessage()).contains("bucket-to-bucket");
        assertThat(item(ok, "Sign-in").getStatus()).isEqualTo(CheckStatus.WARNING);

        CairnCloneSide sqlite = side(DbVendor.SQLITE, "/srv/dst", TARGET_ENV, "1.0.0-beta.4", MIGRATIONS, List.of());
        CheckItem vendor = item(CairnCloneFlow.checks(source, s, target, sqlite, o), "DB vendor");
        assertThat(vendor.getStatus()).isEqualTo(CheckStatus.BLOCKING);
        assertThat(vendor.getMessage()).contains("PostgreSQL", "SQLite", "vendor-specific", "HTTP API");

        CairnCloneSide newer = side(DbVendor.PGSQL, "/srv/dst", TARGET_ENV, "1.0.0", MIGRATIONS, List.of());
        assertThat(item(CairnCloneFlow.checks(source, s, target, newer, o), "Version").getMessage())
                .contains("1.0.0-beta.4", "1.0.0", "align the versions first");
        CairnCloneSide oneMore = side(DbVendor.PGSQL, "/srv/dst", TARGET_ENV, "1.0.0-beta.4",
                Set.of("20201028A", "20260515A", "20990101A"), List.of());
        CheckItem migrations = item(CairnCloneFlow.checks(source, s, target, oneMore, o), "Version");
        assertThat(migrations.getStatus()).isEqualTo(CheckStatus.BLOCKING);
        assertThat(migrations.getMessage()).contains("only on the target: 20990101A");

        CairnCloneSide used = side(DbVendor.PGSQL, "/srv/dst", TARGET_ENV, "1.0.0-beta.4", MIGRATIONS,
                List.of("1 collections"));
        CheckItem fresh = item(CairnCloneFlow.checks(source, s, target, used, o), "Fresh target");
        assertThat(fresh.getStatus()).isEqualTo(CheckStatus.BLOCKING);
        assertThat(fresh.getMessage()).contains("not fresh: 1 collections");

        Instance noCommands = instance(2, "dst", false);
        assertThat(CairnCloneFlow.checks(source, s, noCommands, t, o)).filteredOn(i -> i.getStatus() == CheckStatus.BLOCKING)
                .extracting(CheckItem::getName).contains("Target service");
        Instance sourceNoCommands = instance(1, "src", false);
        assertThat(CairnCloneFlow.checks(sourceNoCommands, s, target, t, o)).extracting(CheckItem::getName).contains("Pause");
        assertThat(CairnCloneFlow.checks(sourceNoCommands, s, target, t, CairnCloneFlow.options(source,
                opts("target", "2", "pause", "accept-inconsistency")))).extracting(CheckItem::getName).doesNotContain("Pause");

        // a location whose root, carried as it is, would be the source's own directory on the same host
        Instance sameHost = instance(2, "dst", true);
        sameHost.setSshHost("old.example.org");
        assertThat(item(CairnCloneFlow.checks(source, s, sameHost, t, o), "Storage archive").getStatus())
                .as("a root inside the source's install goes to the same place inside the target's")
                .isEqualTo(CheckStatus.OK);
        CairnCloneSide outside = side(DbVendor.PGSQL, "/srv/src", SOURCE_ENV.replace("/srv/src/archive", "/var/media"),
                "1.0.0-beta.4", MIGRATIONS, List.of());
        assertThat(item(CairnCloneFlow.checks(source, outside, sameHost, t, o), "Storage archive").getStatus())
                .isEqualTo(CheckStatus.BLOCKING);
        assertThat(item(CairnCloneFlow.checks(source, outside, target, t, o), "Storage archive").getStatus())
                .as("another host: the same path is the target's own").isEqualTo(CheckStatus.OK);

        Instance dreamFactory = instance(2, "dst", true);
        dreamFactory.setProduct("dreamfactory");
        assertThat(CairnCloneFlow.identity(source, dreamFactory).get(0).getStatus()).isEqualTo(CheckStatus.BLOCKING);
        assertThat(CairnCloneFlow.identity(source, source).get(0).getMessage()).contains("another instance");
    }

    /** The .env rewrite, run for real by bash and awk on a copy: only the named lines change, values arrive by stdin. */
    @Test
    void theEnvRewriteChangesOnlyTheNamedLinesAndTakesSecretsFromStandardInput(@TempDir Path dir) throws Exception {
        Path env = dir.resolve(".env");
        Files.writeString(env, """
                # the target's own
                KEY=target-key
                export SECRET = "target-secret"
                PUBLIC_URL=https://dst.example.org
                DB_CLIENT=pg
                DB_PASSWORD=target-db-pass
                STORAGE_LOCATIONS=local
                STORAGE_LOCAL_ROOT=/data/uploads
                """);
        List<CairnCloneFlow.EnvLine> lines = CairnCloneFlow.envLines(source, s, target, t);
        String command = CairnCloneFlow.setEnv(lines);
        assertThat(SecretRefs.names(command)).containsExactly("instance.1.env.KEY", "instance.1.env.SECRET",
                "instance.1.env.STORAGE_S3_SECRET");
        Map<String, String> secrets = new HashMap<>(Map.of("instance.1.env.KEY", "source-key-uuid",
                "instance.1.env.SECRET", "a#b \"c\" d\\e", "instance.1.env.STORAGE_S3_SECRET", "s3-secret-value"));
        StringBuilder stdin = new StringBuilder();
        SecretRefs.names(command).forEach(n -> stdin.append(secrets.get(n)).append('\n'));
        Process p = new ProcessBuilder("bash", "-c", "cd " + dev.migrationpanel.remote.ShellQuote.quote(dir.toString())
                + " && " + SecretRefs.readingFromStdin(command)).redirectErrorStream(true).start();
        p.getOutputStream().write(stdin.toString().getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        String written = Files.readString(env);
        assertThat(written).startsWith("# the target's own\nKEY=source-key-uuid\nSECRET=\"a#b \\\"c\\\" d\\\\e\"\n"
                + "PUBLIC_URL=https://dst.example.org\nDB_CLIENT=pg\nDB_PASSWORD=target-db-pass\n"
                + "STORAGE_LOCATIONS=local,archive,s3\nSTORAGE_LOCAL_ROOT=/data/uploads\n");
        assertThat(written).contains("STORAGE_LOCAL_DRIVER=local\n", "STORAGE_ARCHIVE_DRIVER=local\n",
                "STORAGE_ARCHIVE_ROOT=/srv/dst/archive\n", "STORAGE_S3_DRIVER=s3\n", "STORAGE_S3_BUCKET=media\n",
                "STORAGE_S3_SECRET=s3-secret-value\n");
        assertThat(out).doesNotContain("source-key-uuid", "s3-secret-value");
        try (var backups = Files.list(dir)) {
            Path backup = backups.filter(f -> f.getFileName().toString().startsWith(".env.before-clone-")).findFirst().orElseThrow();
            assertThat(Files.readString(backup)).contains("KEY=target-key", "target-secret");
        }
        assertThat(Files.exists(dir.resolve(".env.panel-new"))).isFalse();
    }

    private static Instance inDocker(Instance instance, String container, String install) {
        instance.setDeploymentType(DeploymentType.DOCKER);
        instance.setContainerName(container);
        instance.setInstallPath(install);
        return instance;
    }

    private static final String DOCKER_SOURCE_ENV = """
            KEY=source-key-uuid
            SECRET=source-secret-value
            DB_CLIENT=pg
            STORAGE_LOCATIONS=local
            STORAGE_LOCAL_DRIVER=local
            STORAGE_LOCAL_ROOT=./uploads
            """;

    @Test
    void aSourceInDockerIsDumpedFromTheHostAndItsFilesCopiedOutWithDockerCp() {
        Instance src = inDocker(instance(1, "src", true), "cms-src", "/directus");
        CairnCloneSide ds = side(DbVendor.PGSQL, "/directus", DOCKER_SOURCE_ENV, "1.0.0-beta.4", MIGRATIONS, List.of());
        Map<String, String> o = CairnCloneFlow.options(src, opts("target", "2", "pause", "stop-source"));
        List<CheckItem> checks = CairnCloneFlow.checks(src, ds, target, t, o);
        assertThat(checks).filteredOn(c -> c.getStatus() == CheckStatus.BLOCKING).isEmpty();
        assertThat(checks).anyMatch(c -> c.getName().equals("Source in Docker") && c.getMessage().contains("docker cp"));
        Plan plan = CairnCloneFlow.build(src, ds, target, t, o);
        Step files = plan.steps().stream().filter(x -> x.title().startsWith("Copy the file bytes of location local"))
                .findFirst().orElseThrow();
        assertThat(files.title()).contains("/directus/uploads → /data/uploads");
        StepSpec.Stream copy = (StepSpec.Stream) files.spec();
        assertThat(copy.fromCommand()).isEqualTo("docker cp 'cms-src:/directus/uploads/.' -");
        StepSpec.Stream db = (StepSpec.Stream) plan.steps().stream()
                .filter(x -> x.title().startsWith(CairnCloneFlow.DB_STREAM_TITLE)).findFirst().orElseThrow().spec();
        assertThat(db.fromCommand()).as("a networked DB: dumped on the SSH host").doesNotContain("docker")
                .contains("pg_dump");
        assertThat(plan.steps()).filteredOn(Step::changesInstance).extracting(Step::instanceName)
                .as("the source is only stopped and started").allMatch(n -> n.equals("dst") || n.equals("src"));
        assertThat(plan.steps()).filteredOn(x -> x.changesInstance() && x.instanceName().equals("src"))
                .extracting(Step::title).containsExactly("Pause writes: stop the source's service for the copy",
                        "Start the source's service again");

        // a SQLite file inside the container is dumped there, and that needs it running: stop-source refused
        CairnCloneSide sqlite = side(DbVendor.SQLITE, "/directus", DOCKER_SOURCE_ENV.replace("pg", "sqlite3"), "1.0.0-beta.4",
                MIGRATIONS, List.of());
        CairnCloneSide sqliteTarget = side(DbVendor.SQLITE, "/srv/dst", TARGET_ENV, "1.0.0-beta.4", MIGRATIONS, List.of());
        assertThat(CairnCloneFlow.checks(src, sqlite, target, sqliteTarget, o))
                .anyMatch(c -> c.getStatus() == CheckStatus.BLOCKING && c.getName().equals("Pause"));
        Map<String, String> running = CairnCloneFlow.options(src, opts("target", "2", "pause", "accept-inconsistency"));
        assertThat(CairnCloneFlow.checks(src, sqlite, target, sqliteTarget, running))
                .noneMatch(c -> c.getStatus() == CheckStatus.BLOCKING);
        StepSpec.Stream sqliteDump = (StepSpec.Stream) CairnCloneFlow.build(src, sqlite, target, sqliteTarget, running)
                .steps().stream().filter(x -> x.title().startsWith(CairnCloneFlow.DB_STREAM_TITLE)).findFirst()
                .orElseThrow().spec();
        assertThat(sqliteDump.fromCommand()).startsWith("docker exec -i 'cms-src' sh -c ").contains("/directus/data.db");
    }

    @Test
    void aSourceOrTargetInAPodIsRefusedAndATargetInAContainerIsOffered() {
        Instance pod = instance(1, "src", true);
        pod.setDeploymentType(DeploymentType.KUBERNETES);
        pod.setK8sNamespace("cms");
        pod.setK8sPod("cms-0");
        assertThat(CairnCloneFlow.identity(pod, target)).singleElement().satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo(CheckStatus.BLOCKING);
            assertThat(c.getMessage()).contains("not into a Kubernetes pod yet");
        });
        Instance podTarget = instance(2, "dst", true);
        podTarget.setDeploymentType(DeploymentType.KUBERNETES);
        podTarget.setK8sNamespace("cms");
        podTarget.setK8sPod("cms-1");
        assertThat(CairnCloneFlow.identity(source, podTarget)).singleElement().satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo(CheckStatus.BLOCKING);
            assertThat(c.getMessage()).contains("cms/cms-1").contains("not into a Kubernetes pod yet");
        });
        Instance dst = inDocker(instance(2, "dst", true), "cms-dst", "/directus");
        assertThat(CairnCloneFlow.identity(source, dst)).allMatch(c -> c.getStatus() == CheckStatus.OK)
                .anyMatch(c -> c.getName().equals("Target in Docker") && c.getMessage().contains("does not edit"));
        // the control: both on their hosts
        assertThat(CairnCloneFlow.identity(source, target)).allMatch(c -> c.getStatus() == CheckStatus.OK)
                .noneMatch(c -> c.getName().equals("Target in Docker"));
    }

    /** A fresh target in container cms-dst whose environment carries the given KEY and SECRET and one local location. */
    private static final String DOCKER_TARGET_ENV = """
            KEY=%s
            SECRET=%s
            DB_CLIENT=pg
            PUBLIC_URL=https://dst.example.org
            STORAGE_LOCATIONS=local
            STORAGE_LOCAL_DRIVER=local
            STORAGE_LOCAL_ROOT=./uploads
            """;

    @Test
    void aContainerTargetIsBlockedUntilItsEnvironmentCarriesTheSourcesKeySecretAndStorageNeverShowingThem() {
        Instance src = inDocker(instance(1, "src", true), "cms-src", "/directus");
        CairnCloneSide ds = side(DbVendor.PGSQL, "/directus", DOCKER_SOURCE_ENV, "1.0.0-beta.4", MIGRATIONS, List.of());
        Instance dst = inDocker(instance(2, "dst", true), "cms-dst", "/directus");
        Map<String, String> o = CairnCloneFlow.options(src, opts("target", "2", "pause", "accept-inconsistency"));

        CairnCloneSide own = side(DbVendor.PGSQL, "/directus", DOCKER_TARGET_ENV.formatted("target-key", "target-secret"),
                "1.0.0-beta.4", MIGRATIONS, List.of());
        CheckItem differs = CairnCloneFlow.checks(src, ds, dst, own, o).stream()
                .filter(c -> c.getName().equals("Container environment")).findFirst().orElseThrow();
        assertThat(differs.getStatus()).isEqualTo(CheckStatus.BLOCKING);
        assertThat(differs.getMessage()).contains("KEY (the source's sha256:", "SECRET (the source's sha256:",
                "container cms-dst", "recreate the container", "PUBLIC_URL and DB_* stay the target's own")
                .doesNotContain("source-key-uuid", "source-secret-value", "target-key", "target-secret")
                .doesNotContain("STORAGE_LOCATIONS (").doesNotContain("STORAGE_LOCAL_ROOT");
        assertThat(differs.getMessage()).contains("the target's sha256:"
                + dev.migrationpanel.instance.InstanceCheckService.shortHash("target-secret"));

        // a storage setting that differs is named with its plain value
        CairnCloneSide moreStorage = side(DbVendor.PGSQL, "/directus", DOCKER_TARGET_ENV.formatted("source-key-uuid",
                "source-secret-value").replace("STORAGE_LOCATIONS=local", "STORAGE_LOCATIONS=local,s3"), "1.0.0-beta.4",
                MIGRATIONS, List.of());
        assertThat(CairnCloneFlow.containerSettings(src, ds, dst, moreStorage).getMessage())
                .contains("STORAGE_LOCATIONS (the source's \"local\", the target's \"local,s3\")")
                .doesNotContain("KEY (").doesNotContain("SECRET (");

        // carried: the check passes, naming what was compared, never a value
        CairnCloneSide carried = side(DbVendor.PGSQL, "/directus", DOCKER_TARGET_ENV.formatted("source-key-uuid",
                "source-secret-value"), "1.0.0-beta.4", MIGRATIONS, List.of());
        List<CheckItem> items = CairnCloneFlow.checks(src, ds, dst, carried, o);
        assertThat(items).as(items.toString()).noneMatch(c -> c.getStatus() == CheckStatus.BLOCKING);
        assertThat(items).filteredOn(c -> c.getName().equals("Container environment")).singleElement()
                .satisfies(c -> assertThat(c.getMessage()).contains("KEY, SECRET, STORAGE_LOCATIONS, STORAGE_LOCAL_DRIVER")
                        .doesNotContain("source-key-uuid"));
        assertThat(items).anyMatch(c -> c.getName().equals("Storage local in the container")
                && c.getMessage().equals("/directus/uploads is on its mount /directus/uploads"));

        // a storage root off the container's mounts, or a SQLite file inside it: blocked with the reason
        CairnCloneSide noMount = new CairnCloneSide(carried.host(), carried.version(), null, carried.migrations(),
                carried.locations(), carried.storage(), carried.rawRoots(), true, List.of(), List.of(),
                carried.settingHashes(), List.of("/var/log"));
        assertThat(CairnCloneFlow.checks(src, ds, dst, noMount, o)).anyMatch(c -> c.getStatus() == CheckStatus.BLOCKING
                && c.getMessage().startsWith("/directus/uploads is not on a volume or bind mount of container cms-dst"));
        CairnCloneSide sqliteInside = new CairnCloneSide(new HostFacts("/home/deploy", new DbSettings(DbVendor.SQLITE, null,
                0, null, null, null, "/directus/data.db")), carried.version(), null, carried.migrations(), carried.locations(),
                carried.storage(), carried.rawRoots(), true, List.of(), List.of(), carried.settingHashes(), carried.mounts());
        assertThat(CairnCloneFlow.containerTarget(src, ds, dst, sqliteInside)).anyMatch(c -> c.getStatus() == CheckStatus.BLOCKING
                && c.getMessage().contains("SQLite file inside container cms-dst"));
    }

    @Test
    void aContainerTargetIsRestoredFromTheHostItsBytesUnpackedOnItsVolumesAndBootstrappedInsideOnceStarted() {
        Instance src = inDocker(instance(1, "src", true), "cms-src", "/directus");
        CairnCloneSide ds = side(DbVendor.PGSQL, "/directus", DOCKER_SOURCE_ENV, "1.0.0-beta.4", MIGRATIONS, List.of());
        Instance dst = inDocker(instance(2, "dst", true), "cms-dst", "/directus");
        CairnCloneSide carried = side(DbVendor.PGSQL, "/directus", DOCKER_TARGET_ENV.formatted("source-key-uuid",
                "source-secret-value"), "1.0.0-beta.4", MIGRATIONS, List.of());
        Plan plan = CairnCloneFlow.build(src, ds, dst, carried, CairnCloneFlow.options(src, opts("target", "2", "pause",
                "stop-source", "adminCredentials", "0a1b2c3d-4e5f")));
        List<String> titles = plan.steps().stream().map(Step::title).toList();
        assertThat(titles).containsSubsequence("Dump the system DB (PostgreSQL)", "Download the dump",
                "The target's settings", "Archive the target's storage root of location local (/directus/uploads)",
                "Stop the target's service (its DB is replaced)", "Pause writes: stop the source's service for the copy",
                CairnCloneFlow.RECORD_TITLE, CairnCloneFlow.DB_STREAM_TITLE + " (PostgreSQL)",
                "Copy the file bytes of location local (/directus/uploads → /directus/uploads, stored on the way)",
                "Start the source's service again", "KEY, SECRET, STORAGE_LOCATIONS and the STORAGE_* settings of the target",
                "PUBLIC_URL and DB_* of the target", "Sessions", "Start the target's service",
                "Verify the migrations are at the expected version (cairncms bootstrap, in container cms-dst)",
                CairnCloneFlow.PROOF_TITLE).doesNotContain("Capture .env")
                .noneMatch(t -> t.startsWith("Set KEY, SECRET"));
        Map<String, String> byTitle = new LinkedHashMap<>();
        plan.steps().forEach(st -> byTitle.put(st.title(), st.spec().display()));
        assertThat(byTitle.get("Dump the system DB (PostgreSQL)")).doesNotContain("docker");
        assertThat(byTitle.get("Archive the target's storage root of location local (/directus/uploads)"))
                .startsWith("umask 077 && image=$(docker inspect -f '{{.Image}}' 'cms-dst') && docker run --rm --network none "
                        + "--volumes-from 'cms-dst' --entrypoint sh \"$image\" -c ")
                .endsWith(" > '/home/deploy/.migration-panel/2-storage-local-before-clone.tar'");
        StepSpec.Stream files = (StepSpec.Stream) plan.steps().get(titles.indexOf(
                "Copy the file bytes of location local (/directus/uploads → /directus/uploads, stored on the way)")).spec();
        assertThat(files.fromCommand()).isEqualTo("docker cp 'cms-src:/directus/uploads/.' -");
        assertThat(files.toCommand()).startsWith("image=$(docker inspect -f '{{.Image}}' 'cms-dst') && docker run --rm -i "
                + "--network none --volumes-from 'cms-dst' --entrypoint sh \"$image\" -c ").contains("--no-same-owner --no-overwrite-dir -xf -");
        assertThat(byTitle.get("Verify the migrations are at the expected version (cairncms bootstrap, in container cms-dst)"))
                .startsWith("docker exec -i 'cms-dst' sh -c ").contains("Database already initialized");
        assertThat(byTitle.values()).noneMatch(c -> c.contains("source-key-uuid") || c.contains("source-secret-value"));

        // its rollback: no .env to put back, the DB restored from the host, the storage root on its volumes
        Plan rollback = CairnCloneRollbackFlow.build(dst, carried.host(), null, 7, null, "dump-1", List.of(
                new CairnCloneRollbackFlow.StorageBackup("local", "/directus/uploads", "tar-1")));
        List<String> steps = rollback.steps().stream().map(st -> st.title() + ": " + st.spec().display()).toList();
        assertThat(steps).noneMatch(c -> c.contains(".env"));
        assertThat(steps).anyMatch(c -> c.startsWith("Restore the DB (PostgreSQL): set -e; PGPASSWORD=")
                && !c.contains("docker"));
        assertThat(steps).anyMatch(c -> c.startsWith("Put the storage root of location local back (/directus/uploads: emptied, "
                + "then its archive unpacked): image=$(docker inspect -f '{{.Image}}' 'cms-dst') && docker run --rm -i ")
                && c.endsWith(" < '/home/deploy/.migration-panel/2-clone-rollback-storage-local.tar' && rm -f "
                        + "'/home/deploy/.migration-panel/2-clone-rollback-storage-local.tar'"));
    }
}
