package dev.migrationpanel.dreamfactory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.instance.CheckStatus;
import dev.migrationpanel.instance.EnvFile;
import dev.migrationpanel.instance.RemoteProbe;
import dev.migrationpanel.remote.CommandResult;

class DreamFactoryProfileTest {

    private final DreamFactoryProfile profile = new DreamFactoryProfile();

    @Test
    void discoversAMysqlDatabaseFromDotEnv() {
        DbSettings db = profile.databaseFrom(EnvFile.parse("""
                DB_CONNECTION=mysql
                DB_HOST=db.internal
                DB_PORT=3307
                DB_DATABASE=dreamfactory
                DB_USERNAME=df_admin
                DB_PASSWORD=s3cret
                """), "/opt/dreamfactory");
        assertThat(db).isEqualTo(new DbSettings(DbVendor.MYSQL, "db.internal", 3307, "dreamfactory", "df_admin",
                "s3cret", null));
        assertThat(db.toString()).doesNotContain("s3cret");
    }

    @Test
    void defaultsThePortPerVendorAndResolvesRelativeSqlitePaths() {
        assertThat(profile.databaseFrom(EnvFile.parse("DB_CONNECTION=pgsql\nDB_DATABASE=df"), "/opt/df").port())
                .isEqualTo(5432);
        assertThat(profile.databaseFrom(EnvFile.parse("DB_CONNECTION=sqlite\nDB_DATABASE=storage/df.sqlite"), "/opt/df")
                .sqlitePath()).isEqualTo("/opt/df/storage/df.sqlite");
        assertThat(profile.databaseFrom(EnvFile.parse("DB_CONNECTION=sqlite"), "/opt/df").sqlitePath())
                .isEqualTo("/opt/df/storage/databases/database.sqlite");
        assertThat(profile.databaseFrom(EnvFile.parse("APP_KEY=x"), "/opt/df")).isNull();
    }

    @Test
    void knowsWhichKeysAreSecret() {
        assertThat(profile.isSecretEnvKey("APP_KEY")).isTrue();
        assertThat(profile.isSecretEnvKey("DB_PASSWORD")).isTrue();
        assertThat(profile.isSecretEnvKey("AWS_SECRET_ACCESS_KEY")).isTrue();
        assertThat(profile.isSecretEnvKey("SOME_API_TOKEN")).isTrue();
        assertThat(profile.isSecretEnvKey("DB_HOST")).isFalse();
        assertThat(profile.isSecretEnvKey("APP_URL")).isFalse();
    }

    @Test
    void phpBelowEightOneBlocks() {
        RemoteProbe php = probe("PHP");
        assertThat(php.interpret().apply(new CommandResult(0, "8.2.7", "")).getStatus()).isEqualTo(CheckStatus.OK);
        assertThat(php.interpret().apply(new CommandResult(0, "8.1.0", "")).getStatus()).isEqualTo(CheckStatus.OK);
        assertThat(php.interpret().apply(new CommandResult(0, "8.0.30", "")).getStatus()).isEqualTo(CheckStatus.BLOCKING);
        assertThat(php.interpret().apply(new CommandResult(0, "7.4.33", "")).getStatus()).isEqualTo(CheckStatus.BLOCKING);
        assertThat(php.interpret().apply(new CommandResult(127, "", "php: not found")).getStatus()).isEqualTo(CheckStatus.BLOCKING);
    }

    @Test
    void readsTheAppVersionFromConfigDfPhp() {
        RemoteProbe version = probe("App version");
        assertThat(version.command()).isEqualTo("cd '/opt/df' && cat config/df.php");
        var item = version.interpret().apply(new CommandResult(0, "<?php\nreturn [\n    'version' => '7.1.0',\n];", ""));
        assertThat(item.getMessage()).isEqualTo("DreamFactory 7.1.0");
        assertThat(version.interpret().apply(new CommandResult(1, "", "No such file")).getStatus())
                .isEqualTo(CheckStatus.WARNING);
    }

    /** An in-place upgrade needs a git checkout: not one blocks, local changes warn (git stash keeps them). */
    @Test
    void theGitProbeTellsACleanCheckoutFromLocalChangesAndFromNone() {
        RemoteProbe git = probe("Git");
        assertThat(git.command()).contains("git -c safe.directory='/opt/df' -C '/opt/df' status --porcelain");
        assertThat(git.interpret().apply(new CommandResult(0, "master\nab12cd3\n", "")).getMessage())
                .isEqualTo("branch master at ab12cd3, no local changes");
        var dirty = git.interpret().apply(new CommandResult(0, "HEAD\nab12cd3\n M config/df.php\n", ""));
        assertThat(dirty.getStatus()).isEqualTo(CheckStatus.WARNING);
        assertThat(dirty.getMessage()).isEqualTo("branch (detached) at ab12cd3, 1 changed file(s) that git stash will keep: config/df.php");
        assertThat(git.interpret().apply(new CommandResult(128, "", "fatal: not a git repository")).getStatus())
                .isEqualTo(CheckStatus.BLOCKING);
    }

    private RemoteProbe probe(String name) {
        return profile.probes("/opt/df").stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }
}
