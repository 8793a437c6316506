package dev.migrationpanel.dreamfactory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        // DB_DATABASE blank: Laravel's database_path('database.sqlite'), as DreamFactory's config/database.php says
        assertThat(profile.databaseFrom(EnvFile.parse("DB_CONNECTION=sqlite"), "/opt/df").sqlitePath())
                .isEqualTo("/opt/df/database/database.sqlite");
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

    /**
     * The probe's command, run by the machine's sh and sed on each layout: DreamFactory 7.x keeps its version in
     * config/app.php (config/df.php has none), 2.x in config/df.php.
     */
    @Test
    void readsTheVersionFromConfigAppPhpAndFromConfigDfPhpOfOlderReleases(@TempDir Path install) throws Exception {
        RemoteProbe version = probe("App version");
        assertThat(version.command()).startsWith("cd '/opt/df' && ");
        String command = version.command().substring("cd '/opt/df' && ".length());
        Path config = Files.createDirectories(install.resolve("config"));
        Files.writeString(config.resolve("app.php"), """
                <?php

                return [

                    'version' => '7.1.0',

                    'license_key' => env('DF_LICENSE_KEY', false),
                ];
                """);
        Files.writeString(config.resolve("df.php"), "<?php\nreturn [\n    'api_version'                  => '2.0',\n];\n");
        assertThat(interpret(version, install, command).getMessage()).isEqualTo("DreamFactory 7.1.0");

        Files.delete(config.resolve("app.php"));
        Files.writeString(config.resolve("df.php"), "<?php\nreturn [\n    'version'                      => '2.1.2',\n"
                + "    'api_version'                  => '2.0',\n];\n");
        assertThat(interpret(version, install, command).getMessage()).isEqualTo("DreamFactory 2.1.2");

        Files.delete(config.resolve("df.php"));
        var none = interpret(version, install, command);
        assertThat(none.getStatus()).isEqualTo(CheckStatus.WARNING);
        assertThat(none.getMessage()).isEqualTo("Could not read the version from config/app.php or config/df.php");
    }

    private static dev.migrationpanel.instance.CheckItem interpret(RemoteProbe probe, Path dir, String command)
            throws Exception {
        Process p = new ProcessBuilder("sh", "-c", command).directory(dir.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        return probe.interpret().apply(new CommandResult(p.waitFor(), out, err));
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
