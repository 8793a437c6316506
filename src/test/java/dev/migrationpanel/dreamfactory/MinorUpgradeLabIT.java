package dev.migrationpanel.dreamfactory;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.database.TableFingerprints;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.job.FlowService;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.job.StepStatus;
import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.lab.LabLocks;
import dev.migrationpanel.remote.SshSession;

/**
 * The in-place minor upgrade 7.0.0 → 7.1.0 on the lab's own upgrade installs (MariaDB, PostgreSQL,
 * SQLite) over the real sshd; and a failing migration followed by the rollback, after which the files
 * (hash of the whole tree) and the DB (per-table row counts and checksums) are exactly as before.
 */
@SpringBootTest
@ResourceLock(LabLocks.DREAMFACTORY)
class MinorUpgradeLabIT extends LabFlowTestSupport {


    private Instance register(String labInstance) {
        return register(labInstance, "ecdsa", true);
    }

    private Job run(String flow, Instance instance, Map<String, String> options) throws InterruptedException {
        return run(flow, instance.getId(), options);
    }

    /**
     * Every file of the install with its SHA-256, sorted: equal lists mean an equal tree (and show what
     * differs). Two kinds of file are compared otherwise: the app's own logs, which rightly record the artisan
     * commands the upgrade and the rollback ran, and a SQLite DB file, compared by its content (its dump).
     */
    private java.util.List<String> tree(Instance instance) {
        return ssh(instance, "cd '" + instance.getInstallPath() + "' && find . -type f ! -path './storage/logs/*' "
                + "! -name '*.sqlite' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum").lines().toList();
    }

    private Object dbState(String labInstance, Instance instance) throws Exception {
        Lab.LabInstance li = lab.instance(labInstance);
        if ("sqlite".equals(li.dbConnection())) {
            return ssh(instance, "sqlite3 '" + li.dbDatabase() + "' .dump | sha256sum");
        }
        try (Connection c = DriverManager.getConnection(li.jdbcUrl(), li.dbUsername(), li.dbPassword())) {
            return TableFingerprints.of(c);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"up-mariadb", "up-pgsql", "up-sqlite"})
    void upgradesSevenZeroToSevenOneAndVerifies(String labInstance) throws Exception {
        Instance instance = register(labInstance);
        Job job = run(DreamFactoryMinorUpgradeFlow.ID, instance, Map.of("ref", "master"));
        assertThat(job.getStatus()).as(job.getMessage()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(ssh(instance, "cd '" + instance.getInstallPath() + "' && php artisan --version")).isEqualTo("DreamFactory 7.1.0");
        assertThat(ssh(instance, "cd '" + instance.getInstallPath() + "' && php artisan migrate:status")).doesNotContain("Pending");
        assertThat(job.getSteps()).filteredOn(s -> s.getTitle().startsWith("Verify")).extracting(s -> s.getStatus())
                .containsOnly(StepStatus.SUCCEEDED);
        Map<String, String> options = jobs.options(job.getId());
        assertThat(ssh(instance, "test -d '" + options.get("backupDir") + "' && echo backup-present")).isEqualTo("backup-present");
        assertThat(artifacts.forJob(job.getId())).extracting(a -> a.getKind()).containsExactly(ArtifactKind.DB_DUMP);
        assertThat(ssh(instance, "test -e '" + instance.getInstallPath() + "/storage/framework/down' || echo up")).isEqualTo("up");
        assertThat(ssh(instance, "ls .migration-panel | grep -c '^upgrade-" + instance.getId() + "-\\|^dreamfactory-"
                + instance.getId() + "-' || true")).as("nothing left in the work directory").isEqualTo("0");
        ssh(instance, "rm -rf '" + options.get("backupDir") + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"up-mariadb", "up-pgsql", "up-sqlite"})
    void aFailingMigrationIsRolledBackToExactlyTheStateBefore(String labInstance) throws Exception {
        Instance instance = register(labInstance);
        java.util.List<String> treeBefore = tree(instance);
        Object dbBefore = dbState(labInstance, instance);

        Job upgrade = run(DreamFactoryMinorUpgradeFlow.ID, instance, Map.of("ref", lab.ref("failing-migration")));
        assertThat(upgrade.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(upgrade.getMessage()).contains("Migrate the system DB").contains("exited with code 1");
        assertThat(dbState(labInstance, instance)).as("the failed migration changed the DB").isNotEqualTo(dbBefore);

        Job rollback = run(DreamFactoryRollbackFlow.ID, instance, Map.of("job", upgrade.getId().toString()));
        assertThat(rollback.getStatus()).as(rollback.getMessage()).isEqualTo(JobStatus.SUCCEEDED);
        java.util.List<String> treeAfter = tree(instance);
        assertThat(treeAfter.stream().filter(f -> !treeBefore.contains(f)).toList()).as("files changed or added").isEmpty();
        assertThat(treeBefore.stream().filter(f -> !treeAfter.contains(f)).toList()).as("files changed or removed").isEmpty();
        assertThat(dbState(labInstance, instance)).as("the system DB").isEqualTo(dbBefore);
        String failedDir = jobs.options(rollback.getId()).get("failedDir");
        assertThat(ssh(instance, "test -d '" + failedDir + "' && echo kept")).isEqualTo("kept");
        ssh(instance, "rm -rf '" + failedDir + "'");
    }

    @org.junit.jupiter.api.Test
    void aDirtyTreeIsStashedWrongPermissionsAreFixedAndTheStashComesBack() throws Exception {
        Instance instance = register("up-sqlite");
        String path = instance.getInstallPath();
        ssh(instance, "cd '" + path + "' && echo '// local patch' >> config/df.php && chmod 700 storage");
        Job upgrade = run(DreamFactoryMinorUpgradeFlow.ID, instance, Map.of("ref", "master"));
        assertThat(upgrade.getStatus()).as(upgrade.getMessage()).isEqualTo(JobStatus.SUCCEEDED);
        // the local patch went into the stash (the vendor's chmod -R 2775 leaves mode changes git reports)
        assertThat(ssh(instance, "cd '" + path + "' && git diff --name-only -- config/df.php")).isEmpty();
        assertThat(ssh(instance, "cd '" + path + "' && git stash list")).contains("migration-panel upgrade");
        assertThat(ssh(instance, "stat -c '%a' '" + path + "/storage'")).isEqualTo("2775");

        Job pop = run(DreamFactoryRemedies.STASH_POP, instance, Map.of("job", upgrade.getId().toString()));
        assertThat(pop.getStatus()).as(pop.getMessage()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(ssh(instance, "tail -n 1 '" + path + "/config/df.php'")).isEqualTo("// local patch");
        assertThat(ssh(instance, "cd '" + path + "' && php artisan --version")).isEqualTo("DreamFactory 7.1.0");
        ssh(instance, "rm -rf '" + jobs.options(upgrade.getId()).get("backupDir") + "'");
    }

    @org.junit.jupiter.api.Test
    void aBrokenComposerJsonStopsTheUpgradeAndTheRemedyAndRollbackRunAsJobs() throws Exception {
        Instance instance = register("up-pgsql");
        Object dbBefore = dbState("up-pgsql", instance);
        Job upgrade = run(DreamFactoryMinorUpgradeFlow.ID, instance, Map.of("ref", lab.ref("broken-composer")));
        assertThat(upgrade.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(upgrade.getMessage()).contains("Install the dependencies (composer install)");
        // the remedy runs as a job of its own; with composer.json itself broken, Composer refuses at once
        Job remedy = run(DreamFactoryRemedies.COMPOSER_RESET, instance, Map.of());
        assertThat(remedy.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(remedy.getSteps()).extracting(s -> s.getStatus()).containsExactly(StepStatus.FAILED,
                StepStatus.PENDING, StepStatus.PENDING);
        assertThat(remedy.getSteps().get(0).getMessage()).startsWith("The command exited with code");
        Job rollback = run(DreamFactoryRollbackFlow.ID, instance, Map.of("job", upgrade.getId().toString()));
        assertThat(rollback.getStatus()).as(rollback.getMessage()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(ssh(instance, "cd '" + instance.getInstallPath() + "' && php artisan --version")).isEqualTo("DreamFactory 7.0.0");
        assertThat(dbState("up-pgsql", instance)).isEqualTo(dbBefore);
        ssh(instance, "rm -rf '" + jobs.options(rollback.getId()).get("failedDir") + "'");
    }

    @org.junit.jupiter.api.Test
    void thePermissionsResetAndTheCompiledCachePurgeRunAsJobs() throws Exception {
        Instance instance = register("up-mariadb");
        String path = instance.getInstallPath();
        ssh(instance, "chmod -R 700 '" + path + "/storage' && touch '" + path + "/bootstrap/cache/compiled.php' '"
                + path + "/storage/framework/cache/stale-entry'");
        Job permissions = run(DreamFactoryRemedies.PERMISSIONS_RESET, instance, Map.of());
        assertThat(permissions.getStatus()).as(permissions.getMessage()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(ssh(instance, "stat -c '%U:%G %a' '" + path + "/storage' '" + path + "/bootstrap/cache'"))
                .isEqualTo("dflab:dflab 2775\ndflab:dflab 2775");
        Job purge = run(DreamFactoryRemedies.CACHE_PURGE, instance, Map.of());
        assertThat(purge.getStatus()).as(purge.getMessage()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(ssh(instance, "ls '" + path + "/bootstrap/cache/compiled.php' '" + path
                + "/storage/framework/cache/stale-entry' 2>/dev/null | wc -l")).isEqualTo("0");
    }
}
