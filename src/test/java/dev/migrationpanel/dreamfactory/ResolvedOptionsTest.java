package dev.migrationpanel.dreamfactory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.migrationpanel.MovableClock;
import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactSpec;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.instance.FakeInstall;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceForm;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.job.Flow;
import dev.migrationpanel.job.FlowService;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.remote.TestSshServer;

/**
 * Every registered flow, planned for real (an in-process SSH server, fake installs): its plan's options hold
 * every value it resolved, so planning again with them, later, gives the very same plan (digest and options),
 * which is what lets an API client start the plan it reviewed. And none of those options is a secret.
 */
@SpringBootTest
@Import(MovableClock.Config.class)
class ResolvedOptionsTest {

    @Autowired
    List<Flow> registered;
    @Autowired
    FlowService flows;
    @Autowired
    JobService jobs;
    @Autowired
    InstanceService instances;
    @Autowired
    ArtifactStore artifacts;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    MovableClock clock;

    @TempDir
    Path tmp;
    TestSshServer server;
    Instance source;
    Instance target;

    @BeforeEach
    void setUp() throws Exception {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("options-admin", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        server = TestSshServer.startDefault("deploy", "options-ssh-pw");
        source = register("options-src", FakeInstall.create(tmp.resolve("src"), FakeInstall.sqliteEnv()));
        Path targetDir = FakeInstall.create(tmp.resolve("dst"), FakeInstall.sqliteEnv());
        FakeInstall.addInstallerTables(targetDir);
        target = register("options-dst", targetDir);
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
        SecurityContextHolder.clearContext();
    }

    private Instance register(String prefix, Path install) {
        InstanceForm form = TestInstances.passwordForm(prefix, server, install);
        form.getProductSettings().put(WebSettings.USER, "www-data");
        form.getProductSettings().put(WebSettings.GROUP, "www-data");
        // the ADMIN's own restart command, the one command an upgrade's option may pick
        form.getProductSettings().put(WebSettings.SERVER, WebServer.CUSTOM.name());
        form.getProductSettings().put(WebSettings.RESTART_COMMAND, "sudo -n systemctl reload php8.2-fpm");
        Instance instance = instances.create(form);
        TestInstances.pinHostKey(jdbc, instance.getId(), server.hostKey());
        return instances.get(instance.getId());
    }

    private Instance registerCairn(String name) throws Exception {
        Path dir = java.nio.file.Files.createDirectories(tmp.resolve(name));
        java.nio.file.Files.writeString(dir.resolve(".env"), "KEY=" + name + "-key\nSECRET=" + name + "-secret\n"
                + "DB_CLIENT=sqlite3\nDB_FILENAME=./data.db\nSTORAGE_LOCATIONS=local\nSTORAGE_LOCAL_DRIVER=local\n"
                + "STORAGE_LOCAL_ROOT=./uploads\n");
        java.nio.file.Files.writeString(dir.resolve("package.json"), "{\"name\":\"site\",\"private\":true}\n");
        // the promotion reads the CLI's version on both sides (a vendor or version mismatch needs a choice)
        Path cli = dir.resolve("cairncms");
        java.nio.file.Files.writeString(cli, "#!/bin/sh\necho 1.0.0-beta.4\n");
        cli.toFile().setExecutable(true);
        InstanceForm form = TestInstances.passwordForm(name, server, dir);
        form.setProduct("cairncms");
        form.setProductSettings(Map.of("cli", cli.toString())); // and not DreamFactory's web settings
        Instance instance = instances.create(form);
        TestInstances.pinHostKey(jdbc, instance.getId(), server.hostKey());
        return instances.get(instance.getId());
    }

    private Instance registerFief(String name) throws Exception {
        Path dir = dev.migrationpanel.fief.FiefFakeInstall.create(tmp.resolve(name));
        InstanceForm form = TestInstances.passwordForm(name, server, dir);
        form.setProduct("fief");
        form.setProductSettings(Map.of("startCommand", "true", "stopCommand", "true"));
        Instance instance = instances.create(form);
        TestInstances.pinHostKey(jdbc, instance.getId(), server.hostKey());
        return instances.get(instance.getId());
    }

    private Instance registerFiefOnPostgres(String name) throws Exception {
        Path dir = java.nio.file.Files.createDirectories(tmp.resolve(name));
        java.nio.file.Files.writeString(dir.resolve(".env"), "SECRET=s\nFIEF_CLIENT_ID=c\nFIEF_CLIENT_SECRET=cs\n"
                + "DATABASE_TYPE=POSTGRESQL\nDATABASE_HOST=127.0.0.1\nDATABASE_PORT=5432\nDATABASE_USERNAME=postgres\n"
                + "DATABASE_NAME=postgres\n");
        InstanceForm form = TestInstances.passwordForm(name, server, dir);
        form.setProduct("fief");
        form.setDbAccess(dev.migrationpanel.instance.DbAccess.DIRECT);
        form.setProductSettings(Map.of("startCommand", "true", "stopCommand", "true"));
        Instance instance = instances.create(form);
        TestInstances.pinHostKey(jdbc, instance.getId(), server.hostKey());
        return instances.get(instance.getId());
    }

    /**
     * A CairnCMS install with what a clone reads: its CLI (a script printing the version), start and stop commands, an
     * app URL, and a SQLite system DB holding the tables a bootstrap makes that the clone looks into.
     */
    private Instance registerCairnWithDb(String name) throws Exception {
        Path dir = java.nio.file.Files.createDirectories(tmp.resolve(name));
        java.nio.file.Files.createDirectories(dir.resolve("uploads"));
        java.nio.file.Files.writeString(dir.resolve(".env"), "KEY=" + name + "-key\nSECRET=" + name + "-secret\n"
                + "DB_CLIENT=sqlite3\nDB_FILENAME=./data.db\nSTORAGE_LOCATIONS=local\nSTORAGE_LOCAL_DRIVER=local\n"
                + "STORAGE_LOCAL_ROOT=./uploads\n");
        Path cli = dir.resolve("cairncms");
        java.nio.file.Files.writeString(cli, "#!/bin/sh\necho 1.0.0-beta.4\n");
        cli.toFile().setExecutable(true);
        Process sqlite = new ProcessBuilder("sqlite3", dir.resolve("data.db").toString(),
                "CREATE TABLE directus_migrations (version varchar(255) PRIMARY KEY, name varchar(255), timestamp datetime);"
                        + "INSERT INTO directus_migrations VALUES ('20201028A', 'Remove Collection Foreign Keys', '2026-01-01');"
                        + "CREATE TABLE directus_collections (collection varchar(64) PRIMARY KEY);"
                        + "CREATE TABLE directus_files (id char(36) PRIMARY KEY, storage varchar(255), filename_disk varchar(255),"
                        + " filename_download varchar(255), filesize bigint);"
                        + "CREATE TABLE directus_folders (id char(36) PRIMARY KEY, name varchar(255));"
                        + "CREATE TABLE directus_users (id char(36) PRIMARY KEY, email varchar(128));"
                        + "INSERT INTO directus_users VALUES ('0b6f7e52-1d1a-4c9e-9d35-4a0f5a3c1a11', 'admin@example.com');"
                        + "CREATE TABLE directus_flows (id char(36) PRIMARY KEY);"
                        + "CREATE TABLE directus_dashboards (id char(36) PRIMARY KEY);").redirectErrorStream(true).start();
        assertThat(sqlite.waitFor()).as(new String(sqlite.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        InstanceForm form = TestInstances.passwordForm(name, server, dir);
        form.setProduct("cairncms");
        form.setAppUrl("http://127.0.0.1:9/" + name);
        form.setProductSettings(Map.of("cli", cli.toString(), "startCommand", "sudo -n systemctl start cairncms",
                "stopCommand", "sudo -n systemctl stop cairncms"));
        Instance instance = instances.create(form);
        TestInstances.pinHostKey(jdbc, instance.getId(), server.hostKey());
        return instances.get(instance.getId());
    }

    /** A finished job of {@code flow} with these options, as the follow-up flows find one. */
    private Job pastJob(String flow, Instance on, Map<String, String> options) throws InterruptedException {
        Job job = jobs.start(new Plan(flow, "earlier " + flow, on.getId(), on.getName(), List.of(
                new Step("Nothing", on.getId(), on.getName(), false, new StepSpec.Note("stands in"), Duration.ofMinutes(1),
                        null)), options));
        long until = System.currentTimeMillis() + 20_000;
        while (jobs.get(job.getId()).getStatus().isActive() && System.currentTimeMillis() < until) {
            Thread.sleep(50);
        }
        assertThat(jobs.get(job.getId()).getStatus().isActive()).as("the stand-in job ended").isFalse();
        return job;
    }

    private String artifact(Job job, Instance of, ArtifactKind kind, String name) {
        return artifacts.write(new ArtifactSpec(job.getId(), of.getId(), 0, name, kind, "text/plain", true),
                new ByteArrayInputStream("stand-in".getBytes(StandardCharsets.UTF_8))).getId();
    }

    record Case(Instance instance, Map<String, String> options) {
    }

    /** What a client gives each registered flow: only what it chooses (here not the defaults); the flow fills in the rest. */
    private Map<String, Case> cases() throws Exception {
        Job upgrade = pastJob(DreamFactoryMinorUpgradeFlow.ID, source, Map.of("backupDir",
                source.getInstallPath() + ".backup-20261121-101530", "stamp", "20261121-101530", "stash", "true"));
        artifact(upgrade, source, ArtifactKind.DB_DUMP, "before-upgrade.sql");
        Job migration = pastJob(DreamFactoryMigrationFlow.ID, source, Map.of("target", String.valueOf(target.getId())));
        artifact(migration, target, ArtifactKind.ENV_FILE, "dst.env");
        artifact(migration, target, ArtifactKind.DB_DUMP, "dst-before-migration.sql");

        Map<String, Case> cases = new LinkedHashMap<>();
        cases.put(DreamFactoryBackupFlow.ID, new Case(source, Map.of()));
        // a SQLite dump needs no scratch server (it is restored into a scratch file on the host)
        Job backup = pastJob(DreamFactoryBackupFlow.ID, source, Map.of());
        cases.put("backup.test-restore", new Case(source, Map.of("artifact",
                artifact(backup, source, ArtifactKind.DB_DUMP, "source-sqlite-dump.sql"))));
        cases.put(DreamFactoryMinorUpgradeFlow.ID, new Case(source, Map.of("ref", "7.1.0", "maintenance", "false",
                "webUser", "deploy", "webServer", "CUSTOM")));
        cases.put(DreamFactoryRollbackFlow.ID, new Case(source, Map.of("job", String.valueOf(upgrade.getId()))));
        cases.put(DreamFactoryRemedies.STASH_POP, new Case(source, Map.of("job", String.valueOf(upgrade.getId()))));
        cases.put(DreamFactoryRemedies.COMPOSER_RESET, new Case(source, Map.of()));
        cases.put(DreamFactoryRemedies.CACHE_PURGE, new Case(source, Map.of()));
        cases.put(DreamFactoryRemedies.PERMISSIONS_RESET, new Case(source, Map.of("webGroup", "deploy")));
        cases.put(DreamFactoryMigrationFlow.ID, new Case(source, Map.of("target", String.valueOf(target.getId()),
                "wipeTarget", "true", "maintenance", "true", "strict", "true")));
        cases.put(DreamFactoryRestoreTargetFlow.ID, new Case(target, Map.of("job", String.valueOf(migration.getId()))));
        // CairnCMS: two installs as its .env describes them (SQLite), the promotion from one to the other
        Instance cairnSource = registerCairn("cairn-src");
        Instance cairnTarget = registerCairn("cairn-dst");
        cases.put("cairncms.structure-promotion", new Case(cairnSource, Map.of("target", String.valueOf(cairnTarget.getId()))));
        // Fief: a 0.27 install on SQLite (its main and workspace files), a consolidation and its follow-ups
        Instance fief = registerFief("fief");
        cases.put("fief.consolidate-workspace", new Case(fief, Map.of("adminEmail", dev.migrationpanel.fief.FiefFakeInstall.ADMIN)));
        Job consolidation = pastJob("fief.consolidate-workspace", fief, Map.of("adminEmail",
                dev.migrationpanel.fief.FiefFakeInstall.ADMIN, "workspace", dev.migrationpanel.fief.FiefFakeInstall.WORKSPACE));
        artifact(consolidation, fief, ArtifactKind.DB_DUMP, "fief-main-before-consolidation-sqlite-dump.sql");
        artifact(consolidation, fief, ArtifactKind.DB_DUMP, "fief-workspace-before-consolidation-sqlite-dump.sql");
        for (String followUp : List.of("fief.consolidation-rollback", "fief.consolidation-proof", "fief.cleanup-old-tables")) {
            cases.put(followUp, new Case(fief, Map.of("job", String.valueOf(consolidation.getId()))));
        }
        // an extra workspace moved to a fresh install on SQLite whose ENCRYPTION_KEY is the source's
        java.nio.file.Path fresh = java.nio.file.Files.createDirectories(tmp.resolve("fief-fresh/data/db")).getParent().getParent();
        String sourceKey = java.nio.file.Files.readAllLines(java.nio.file.Path.of(fief.getInstallPath(), ".env")).stream()
                .filter(l -> l.startsWith("ENCRYPTION_KEY=")).findFirst().orElseThrow();
        java.nio.file.Files.writeString(fresh.resolve(".env"), "SECRET=s\nFIEF_CLIENT_ID=c\nFIEF_CLIENT_SECRET=cs\n" + sourceKey
                + "\nDATABASE_TYPE=SQLITE\nDATABASE_LOCATION=" + fresh.resolve("data/db") + "\nDATABASE_NAME=fief.db\n");
        InstanceForm freshForm = TestInstances.passwordForm("fief-fresh", server, fresh);
        freshForm.setProduct("fief");
        freshForm.setProductSettings(Map.of("startCommand", "true", "stopCommand", "true"));
        Instance fiefFresh = instances.create(freshForm);
        TestInstances.pinHostKey(jdbc, fiefFresh.getId(), server.hostKey());
        cases.put("fief.move-workspace", new Case(fief, Map.of("workspace", dev.migrationpanel.fief.FiefFakeInstall.WORKSPACE,
                "target", String.valueOf(fiefFresh.getId()), "adminEmail", dev.migrationpanel.fief.FiefFakeInstall.ADMIN)));
        Job fiefMove = pastJob("fief.move-workspace", fief, Map.of("workspace", dev.migrationpanel.fief.FiefFakeInstall.WORKSPACE,
                "target", String.valueOf(fiefFresh.getId()), "adminEmail", dev.migrationpanel.fief.FiefFakeInstall.ADMIN));
        cases.put("fief.move-workspace-rollback", new Case(fief, Map.of("job", String.valueOf(fiefMove.getId()))));
        // Fief Cloud import: a fresh install on the machine's PostgreSQL (reached directly), an ADMIN's export upload
        Instance fiefCloud = registerFiefOnPostgres("fief-cloud");
        String export = artifacts.write(new ArtifactSpec(null, fiefCloud.getId(), null, "fief-cloud-export.sql",
                ArtifactKind.UPLOAD, "application/sql", true), new ByteArrayInputStream(("-- ENCRYPTION_KEY="
                        + "cw_0x689RpI-jtRR7oE8h7Eny2i7dEA5KzmEPRF6H4Q=\n").getBytes(StandardCharsets.UTF_8))).getId();
        cases.put("fief.cloud-import", new Case(fiefCloud, Map.of("dump", export, "adminEmail",
                dev.migrationpanel.fief.FiefFakeInstall.ADMIN)));
        // the content move between two installs whose SQLite DBs hold the same user table, and its target's restore
        Instance moveSource = registerCairn("move-src");
        Instance moveTarget = registerCairn("move-dst");
        for (Instance i : List.of(moveSource, moveTarget)) {
            Process sqlite = new ProcessBuilder("sqlite3", i.getInstallPath() + "/data.db", "CREATE TABLE authors "
                    + "(id integer PRIMARY KEY, name varchar(255)); CREATE TABLE directus_users (id char(36) PRIMARY KEY);")
                    .redirectErrorStream(true).start();
            assertThat(sqlite.waitFor()).as(new String(sqlite.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        }
        cases.put("cairncms.content-move", new Case(moveSource, Map.of("target", String.valueOf(moveTarget.getId()),
                "collections", "authors")));
        Job move = pastJob("cairncms.content-move", moveSource, Map.of("target", String.valueOf(moveTarget.getId())));
        artifact(move, moveTarget, ArtifactKind.DB_DUMP, "move-dst-before-content-move-sqlite-dump.sql");
        cases.put("cairncms.restore-target", new Case(moveTarget, Map.of("job", String.valueOf(move.getId()))));
        // the full clone between two installs with a CLI, service commands and a system DB as a bootstrap leaves it
        Instance cloneSource = registerCairnWithDb("clone-src");
        Instance cloneTarget = registerCairnWithDb("clone-dst");
        cases.put("cairncms.clone", new Case(cloneSource, Map.of("target", String.valueOf(cloneTarget.getId()),
                "pause", "stop-source")));
        Job clone = pastJob("cairncms.clone", cloneSource, Map.of("target", String.valueOf(cloneTarget.getId()),
                "pause", "stop-source"));
        artifact(clone, cloneTarget, ArtifactKind.ENV_FILE, "clone-dst.env");
        artifact(clone, cloneTarget, ArtifactKind.DB_DUMP, "clone-dst-before-clone.sql");
        cases.put("cairncms.clone-rollback", new Case(cloneTarget, Map.of("job", String.valueOf(clone.getId()))));
        assertThat(cases.keySet()).as("every registered flow has a case here: add one for a new flow")
                .containsExactlyInAnyOrderElementsOf(registered.stream().map(Flow::id).toList());
        return cases;
    }

    @Test
    void everyFlowPlannedAgainWithItsResolvedOptionsGivesTheSamePlan() throws Exception {
        Map<String, Case> cases = cases();
        for (Map.Entry<String, Case> c : cases.entrySet()) {
            String flow = c.getKey();
            long instanceId = c.getValue().instance().getId();
            FlowService.Review first = flows.review(flow, instanceId, c.getValue().options());
            clock.advance(Duration.ofSeconds(3));
            FlowService.Review again = flows.review(flow, instanceId, first.plan().options());
            assertThat(again.digest()).as(flow + ": planned again with its resolved options " + first.plan().options())
                    .isEqualTo(first.digest());
            assertThat(again.plan().options()).as(flow + ": the resolved options resolve to themselves")
                    .isEqualTo(first.plan().options());
            assertThat(String.join("\n", first.plan().options().values())).as(flow + ": no secret in the options")
                    .doesNotContain(server.password()).doesNotContain(FakeInstall.APP_KEY)
                    .doesNotContain("unused-but-secret-pw");
        }

        // the test can tell: the upgrade's default stamp is the time of the review
        FlowService.Review upgradeNow = flows.review(DreamFactoryMinorUpgradeFlow.ID, source.getId(), Map.of("ref", "7.1.0"));
        clock.advance(Duration.ofSeconds(3));
        FlowService.Review upgradeLater = flows.review(DreamFactoryMinorUpgradeFlow.ID, source.getId(), Map.of("ref", "7.1.0"));
        assertThat(upgradeLater.digest()).isNotEqualTo(upgradeNow.digest());
        assertThat(upgradeNow.plan().options()).containsKeys("ref", "stamp", "stash", "maintenance", "webUser", "webGroup",
                "webServer", "commercial", "backupDir", "versionBefore");
    }

    /**
     * An OPERATOR tries every option of every flow (each one the flow resolves, plus a restart command) with a
     * secret reference and with shell text: a reference is refused whatever the option; shell text is refused or
     * ends up inside single quotes, never as shell syntax of a command.
     */
    @Test
    void noOptionOfAnyFlowCarriesASecretReferenceOrShellSyntax() throws Exception {
        Map<String, Case> cases = cases();
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("options-operator",
                null, AuthorityUtils.createAuthorityList("ROLE_OPERATOR")));
        String shell = "x$(touch /tmp/panel-pwned)`id`;touch /tmp/panel-pwned #";
        int tried = 0;
        for (Map.Entry<String, Case> c : cases.entrySet()) {
            long instanceId = c.getValue().instance().getId();
            Map<String, String> resolved = flows.review(c.getKey(), instanceId, c.getValue().options()).plan().options();
            java.util.Set<String> names = new java.util.TreeSet<>(resolved.keySet());
            names.add("restartCommand");
            for (String option : names) {
                Map<String, String> withReference = new LinkedHashMap<>(resolved);
                withReference.put(option, "{{secret:ssh.password}}");
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> flows.review(c.getKey(), instanceId, withReference))
                        .as(c.getKey() + " option " + option).isInstanceOf(dev.migrationpanel.web.InvalidInputException.class);
                Map<String, String> withShell = new LinkedHashMap<>(resolved);
                withShell.put(option, shell);
                try {
                    Plan plan = flows.review(c.getKey(), instanceId, withShell).plan();
                    for (Step step : plan.steps()) {
                        // what the shell sees as syntax: the command without its single-quoted words
                        String unquoted = step.spec().display().replaceAll("'[^']*'", "''");
                        assertThat(unquoted).as(c.getKey() + " option " + option + ", step " + step.title())
                                .doesNotContain("touch /tmp/panel-pwned").doesNotContain("`id`");
                    }
                } catch (dev.migrationpanel.web.InvalidInputException | dev.migrationpanel.web.NotFoundException refused) {
                    // refused: as good
                }
                tried++;
            }
        }
        assertThat(tried).isGreaterThan(30);
    }
}
