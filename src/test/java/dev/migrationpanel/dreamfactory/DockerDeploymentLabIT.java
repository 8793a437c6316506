package dev.migrationpanel.dreamfactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import dev.migrationpanel.artifact.Artifact;
import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.instance.CheckItem;
import dev.migrationpanel.instance.CheckStatus;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.DeploymentType;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceCheckService;
import dev.migrationpanel.job.FlowService;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.job.JobStep;
import dev.migrationpanel.job.StepStatus;
import dev.migrationpanel.job.log.JobLogService;
import dev.migrationpanel.job.log.LogLine;
import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.lab.LabLocks;
import dev.migrationpanel.remote.RemoteException;
import dev.migrationpanel.web.InvalidInputException;

/**
 * The "Docker container" deployment for real: DreamFactory-shaped installs inside containers of the lab's own
 * dockerd (src/test/lab/docker.sh; dk-mariadb at 7.0.0 with content, dkt-mariadb a fresh 7.1.0, both with their
 * system DB on the host's MariaDB; dk-sqlite at 7.0.0 with its SQLite file inside its container), reached over the
 * real sshd by users whose docker talks to that daemon. Backups copied out of the container; the in-place upgrade refused with the reason; the major migration from a
 * host into a container and from a container to a host, with the plain-host migration's proof.
 */
@SpringBootTest
@ResourceLock(LabLocks.DREAMFACTORY)
class DockerDeploymentLabIT extends LabFlowTestSupport {

    @Autowired
    JobLogService logs;
    @Autowired
    UpgradePreflight upgradePreflight;
    @Autowired
    InstanceCheckService checks;
    @Autowired
    MigrationApiCheck apiCheck;

    /** A command inside the instance's container (or on its host), run over its SSH login as the panel does. */
    private String inside(Instance instance, String command) {
        return ssh(instance, Deployment.of(instance).wrap(command));
    }

    private static String read(InputStream in) throws Exception {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static JobStep step(Job job, String titleStart) {
        return job.getSteps().stream().filter(s -> s.getTitle().startsWith(titleStart)).findFirst().orElseThrow();
    }

    @Test
    void backsUpAnInstallInsideItsContainerAndRefusesClearlyWhenTheContainerIsStopped() throws Exception {
        Instance instance = register("dk-mariadb", "rsa", false);
        Lab.LabInstance li = lab.instance("dk-mariadb");
        assertThat(instance.getDeploymentType()).isEqualTo(DeploymentType.DOCKER);
        assertThat(checks.check(instance.getId()).getItems()).filteredOn(i -> i.getName().equals("Deployment"))
                .singleElement().satisfies(i -> assertThat(i.getStatus()).isEqualTo(CheckStatus.OK));

        FlowService.Review review = flows.review(DreamFactoryBackupFlow.ID, instance.getId(), Map.of());
        assertThat(review.plan().steps()).extracting(s -> s.title()).contains("Copy .env out of the container",
                "Copy the dump out of the container");
        assertThat(review.plan().steps().toString()).doesNotContain(li.dbPassword());
        Job done = await(flows.start(DreamFactoryBackupFlow.ID, instance.getId(), Map.of(), review.digest()).getId(),
                Duration.ofMinutes(1));
        assertThat(done.getStatus()).as(done.getMessage()).isEqualTo(JobStatus.SUCCEEDED);

        List<Artifact> stored = artifacts.forJob(done.getId());
        Artifact env = stored.stream().filter(a -> a.getKind() == ArtifactKind.ENV_FILE).findFirst().orElseThrow();
        Artifact dump = stored.stream().filter(a -> a.getKind() == ArtifactKind.DB_DUMP).findFirst().orElseThrow();
        String envText = read(artifacts.open(env.getId()));
        String dumpText = read(artifacts.open(dump.getId()));
        // the .env as it is inside the container (not on the host: there is no such file there)
        assertThat(envText.strip()).isEqualTo(inside(instance, "cat " + li.path() + "/.env"));
        assertThat(ssh(instance, "test -e " + li.path() + "/.env && echo on-host || echo not-on-host")).isEqualTo("not-on-host");
        assertThat(envText).contains("APP_KEY=" + li.appKey(), "DB_DATABASE=dk_lab");
        assertThat(dumpText).containsIgnoringCase("CREATE TABLE").contains("admin@lab.test", "partner_api_secret");
        assertThat(env.getSha256()).isEqualTo(sha256(envText));
        assertThat(dump.getSha256()).isEqualTo(sha256(dumpText));
        assertThat(env.isEncrypted()).isTrue();
        assertThat(dump.isEncrypted()).isTrue();
        // nothing left behind: in the container's /tmp, nor staged on the host
        assertThat(inside(instance, "ls /tmp | grep -c '^panel-dump-' || true")).isEqualTo("0");
        assertThat(ssh(instance, "ls -A .migration-panel | grep -c 'dreamfactory-" + instance.getId() + "-' || true"))
                .isEqualTo("0");
        List<String> log = logs.after(done.getId(), 0, 5000).stream().map(LogLine::line).toList();
        assertThat(log).noneMatch(l -> l.contains(li.dbPassword())).noneMatch(l -> l.contains(li.appKey()));

        // negative control: the container stopped, the check blocks and the backup is refused saying why
        String container = lab.property("instance.dk-mariadb.container");
        ssh(instance, "docker stop -t 1 " + container);
        try {
            CheckItem deployment = checks.check(instance.getId()).getItems().stream()
                    .filter(i -> i.getName().equals("Deployment")).findFirst().orElseThrow();
            assertThat(deployment.getStatus()).isEqualTo(CheckStatus.BLOCKING);
            assertThat(deployment.getMessage()).contains("Cannot reach in Docker container " + container);
            // not "no .env" (what an empty cat would say): the container is named as not running
            assertThatThrownBy(() -> flows.review(DreamFactoryBackupFlow.ID, instance.getId(), Map.of()))
                    .isInstanceOf(RemoteException.class).hasMessage("Cannot read .env: the install is in Docker "
                            + "container " + container + ", which is not running (exited)");
        } finally {
            ssh(instance, "docker start " + container + " && docker exec -d -w " + li.path() + " " + container
                    + " php -S 127.0.0.1:18084 -t " + li.path() + "/public " + li.path() + "/public/index.php");
        }
        assertThat(inside(instance, "cd " + li.path() + " && php artisan --version")).isEqualTo("DreamFactory 7.0.0");
    }

    @Test
    void checksAndBacksUpASqliteDatabaseInsideItsContainer() throws Exception {
        Instance instance = register("dk-sqlite", "ecdsa", false);
        Lab.LabInstance li = lab.instance("dk-sqlite");
        // the check reads the .env, the versions and the SQLite file inside the container: nothing blocks
        assertThat(checks.check(instance.getId()).getItems()).noneMatch(i -> i.getStatus() == CheckStatus.BLOCKING)
                .anySatisfy(i -> assertThat(i.getName()).isEqualTo("Deployment"));
        FlowService.Review review = flows.review(DreamFactoryBackupFlow.ID, instance.getId(), Map.of());
        Job done = await(flows.start(DreamFactoryBackupFlow.ID, instance.getId(), Map.of(), review.digest()).getId(),
                Duration.ofMinutes(1));
        assertThat(done.getStatus()).as(done.getMessage()).isEqualTo(JobStatus.SUCCEEDED);
        Artifact dump = artifacts.forJob(done.getId()).stream().filter(a -> a.getKind() == ArtifactKind.DB_DUMP)
                .findFirst().orElseThrow();
        String dumpText = read(artifacts.open(dump.getId()));
        // the file lives in the container only; its dump is what sqlite3 in there says it holds
        assertThat(ssh(instance, "test -e " + li.dbDatabase() + " && echo on-host || echo not-on-host")).isEqualTo("not-on-host");
        assertThat(dumpText).contains("CREATE TABLE", "admin@lab.test", "partner_api_secret");
        assertThat(dump.getSha256()).isEqualTo(sha256(dumpText));
        String insideDump = inside(instance, "sqlite3 " + li.dbDatabase() + " .dump");
        assertThat(dumpText).startsWith(insideDump);
        // after the dump the backup step appends only the source's row counts (what a test-restore compares with)
        assertThat(dumpText.substring(insideDump.length()).strip().lines())
                .isNotEmpty().allMatch(l -> l.startsWith("-- panel-source-rows"));
        assertThat(dev.migrationpanel.database.DumpFacts.read(new java.io.ByteArrayInputStream(
                dumpText.getBytes(java.nio.charset.StandardCharsets.UTF_8)), dev.migrationpanel.database.DbVendor.SQLITE)
                .sourceCounts()).containsKeys("user", "migrations");
        assertThat(inside(instance, "ls /tmp | grep -c '^panel-dump-' || true")).isEqualTo("0");
    }

    @Test
    void refusesTheInPlaceUpgradeInAContainerAndSaysWhy() {
        Instance instance = register("dk-mariadb", "ecdsa", false);
        assertThat(flows.flowsFor(instance)).extracting(f -> f.id()).contains(DreamFactoryBackupFlow.ID,
                DreamFactoryMigrationFlow.ID).doesNotContain(DreamFactoryMinorUpgradeFlow.ID);
        assertThatThrownBy(() -> flows.review(DreamFactoryMinorUpgradeFlow.ID, instance.getId(), Map.of()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("does not apply to " + instance.getName() + ": it is in Docker container "
                        + lab.property("instance.dk-mariadb.container"))
                .hasMessageContaining("lost when the container is recreated");
        UpgradePreflight.Report report = upgradePreflight.run(instance.getId());
        assertThat(report.blocked()).isTrue();
        assertThat(report.upgradeItems()).singleElement().satisfies(i -> {
            assertThat(i.getName()).isEqualTo("Deployment");
            assertThat(i.getMessage()).startsWith("No in-place upgrade in Docker container").contains("major migration");
        });
        // the control: the same install on a plain host is offered the upgrade
        Instance onHost = register("up-mariadb", "ecdsa", false);
        assertThat(flows.flowsFor(onHost)).extracting(f -> f.id()).contains(DreamFactoryMinorUpgradeFlow.ID);
    }

    @Test
    void migratesFromAHostIntoAContainerAndProvesIt() throws Exception {
        Instance source = register("ms-mariadb", "ecdsa", true);
        Instance target = register("dkt-mariadb", "ecdsa", true);
        Job job = migrateAndProve(source, "ms-mariadb", target, "dkt-mariadb");
        assertThat(job.getSteps()).extracting(JobStep::getTitle).contains("Copy the dump into the container");
        assertThat(ssh(target, "test -e " + target.getInstallPath() + " && echo on-host || echo not-on-host"))
                .as("the target's files are in its container").isEqualTo("not-on-host");
    }

    @Test
    void migratesFromAContainerToAHostAndProvesIt() throws Exception {
        Instance source = register("dk-mariadb", "ecdsa", false); // no test changes it
        Instance target = register("mt-mariadb", "ecdsa", true);
        migrateAndProve(source, "dk-mariadb", target, "mt-mariadb");
    }

    /** The plain-host migration's checks (MajorMigrationLabIT), wherever the two installs live. */
    private Job migrateAndProve(Instance source, String labSource, Instance target, String labTarget) throws Exception {
        String dir = target.getInstallPath();
        String targetEnvBefore = inside(target, "cd " + dir + " && grep -v '^APP_KEY=' .env");
        String sourceEnvBefore = inside(source, "cd " + source.getInstallPath() + " && sha256sum .env");
        String credentials = apiCheck.storeCredentials(source, "admin@lab.test", "lab-admin-password");
        Job job = await(start(DreamFactoryMigrationFlow.ID, source.getId(), Map.of("target",
                String.valueOf(target.getId()), "apiCredentials", credentials)).getId(), Duration.ofMinutes(3));

        assertThat(job.getStatus()).as(job.getMessage()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(step(job, "Verify: sign in to the target's API").getMessage())
                .isEqualTo("Signed in as admin@lab.test; 4 endpoints list what the source held");
        JobStep proof = step(job, DreamFactoryMigrationFlow.PROOF_TITLE);
        assertThat(proof.getMessage()).contains("APP_KEY carried", "source unchanged", "10 encrypted value(s) decrypt");
        String sourceKey = lab.instance(labSource).appKey();
        assertThat(inside(target, "cd " + dir + " && grep '^APP_KEY=' .env")).isEqualTo("APP_KEY=" + sourceKey);
        assertThat(inside(target, "cd " + dir + " && grep -v '^APP_KEY=' .env")).isEqualTo(targetEnvBefore);
        assertThat(inside(target, "cd " + dir + " && php artisan --version")).isEqualTo("DreamFactory 7.1.0");
        assertThat(inside(target, "cd " + dir + " && php artisan migrate:status")).doesNotContain("Pending");
        LaravelEncrypter withSourceKey = new LaravelEncrypter(sourceKey);
        assertThat(encryptedValues(lab.instance(labTarget))).extracting(withSourceKey::decryptString)
                .containsExactlyInAnyOrder("Lab Corp", "lab-secret", "partner-secret-0042",
                        "gold", "crm_app", "crm-lab-password", "reporter", "reports-lab-password", "mailer@lab.test",
                        "mail-lab-password");
        assertThat(inside(source, "cd " + source.getInstallPath() + " && sha256sum .env")).isEqualTo(sourceEnvBefore);
        assertThat(inside(source, "cd " + source.getInstallPath() + " && php artisan --version")).isEqualTo("DreamFactory 7.0.0");

        List<Artifact> stored = artifacts.forJob(job.getId());
        assertThat(stored).extracting(Artifact::getKind).containsExactlyInAnyOrder(ArtifactKind.OTHER, ArtifactKind.ENV_FILE,
                ArtifactKind.DB_DUMP, ArtifactKind.ENV_FILE, ArtifactKind.DB_DUMP, ArtifactKind.LOG, ArtifactKind.OTHER,
                ArtifactKind.LOG);
        String report = artifactText(job.getId(), PROOF_REPORT);
        assertThat(report).contains("OK    user: 2 row(s), checksums equal", "OK    APP_KEY: the target's equals the source's",
                "OK    service: 10 row(s), checksums equal", "OK    lookup.value: 4 encrypted value(s), each decrypts",
                "OK    sql_db_config.connection.password: 2 encrypted value(s), each decrypts")
                .doesNotContain("FAIL").doesNotContain(sourceKey);
        assertThat(logs.after(job.getId(), 0, JobLogService.MAX_PAGE).stream().map(LogLine::line).toList())
                .isNotEmpty().noneMatch(l -> l.contains(sourceKey)).noneMatch(l -> l.contains("lab-admin-password"));
        // nothing left staged on either host, nor in the container's /tmp
        assertThat(ssh(target, "ls .migration-panel | grep -c '^migration-from-" + source.getId() + "-' || true")).isEqualTo("0");
        assertThat(ssh(source, "ls .migration-panel | grep -c '^dreamfactory-" + source.getId() + "-' || true")).isEqualTo("0");
        for (Instance inContainer : List.of(source, target)) {
            if (Deployment.of(inContainer).copiesThroughHost()) {
                assertThat(inside(inContainer, "ls /tmp | grep -c '^panel-' || true")).isEqualTo("0");
            }
        }
        return job;
    }

    /** The lab's encrypted values in the target's system DB (on the host's MariaDB), read with the lab's own client. */
    private static List<String> encryptedValues(Lab.LabInstance li) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(li.jdbcUrl(), li.dbUsername(), li.dbPassword());
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery(LAB_ENCRYPTED_ROWS)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return encryptedStrings(rows);
    }
}
