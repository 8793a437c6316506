package dev.migrationpanel.fief;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.instance.EnvFile;

/** Fief's settings as its environment file names them, per vendor, and which of them are secrets. */
class FiefProfileTest {

    final FiefProfile profile = new FiefProfile();

    @Test
    void readsTheDatabaseFromFiefsSettingNames() {
        DbSettings pg = profile.databaseFrom(EnvFile.parse("DATABASE_TYPE=POSTGRESQL\nDATABASE_HOST=db.internal\n"
                + "DATABASE_PORT=5433\nDATABASE_USERNAME=fief\nDATABASE_PASSWORD=pw\nDATABASE_NAME=fief\n"), "/opt/fief");
        assertThat(pg).isEqualTo(new DbSettings(DbVendor.PGSQL, "db.internal", 5433, "fief", "fief", "pw", null));
        DbSettings my = profile.databaseFrom(EnvFile.parse("DATABASE_TYPE=MYSQL\nDATABASE_HOST=127.0.0.1\n"
                + "DATABASE_USERNAME=fief\nDATABASE_NAME=my_database\n"), "/opt/fief");
        assertThat(my.vendor()).isEqualTo(DbVendor.MYSQL);
        assertThat(my.port()).as("MySQL's default port").isEqualTo(3306);
        assertThat(profile.databaseFrom(EnvFile.parse("DATABASE_TYPE=SQLITE\nDATABASE_LOCATION=/data/db\n"), "/opt/fief")
                .sqlitePath()).isEqualTo("/data/db/fief.db");
        assertThat(profile.databaseFrom(EnvFile.parse("SECRET=x\n"), "/opt/fief").sqlitePath())
                .as("Fief's defaults: SQLite, fief.db in its working directory").isEqualTo("/opt/fief/fief.db");
        assertThat(profile.databaseFrom(EnvFile.parse("DATABASE_TYPE=ORACLE\n"), "/opt/fief")).isNull();
    }

    @Test
    void theUrlWinsOverTheSeparateSettingsAsInFief() {
        DbSettings db = profile.databaseFrom(EnvFile.parse("DATABASE_TYPE=POSTGRESQL\nDATABASE_HOST=ignored\n"
                + "DATABASE_URL=postgresql://fief:p%40ss@pg.example.org:5432/fief_prod\n"), "/opt/fief");
        assertThat(db).isEqualTo(new DbSettings(DbVendor.PGSQL, "pg.example.org", 5432, "fief_prod", "fief", "p@ss", null));
    }

    @Test
    void keysAndPasswordsAreSecretsAndTheEncryptionKeyIsTheAppKey() {
        assertThat(profile.appKeyName()).isEqualTo("ENCRYPTION_KEY");
        for (String key : new String[] {"ENCRYPTION_KEY", "SECRET", "DATABASE_PASSWORD", "DATABASE_URL", "FIEF_CLIENT_SECRET",
                "FIEF_MAIN_USER_PASSWORD", "FIEF_MAIN_ADMIN_API_KEY"}) {
            assertThat(profile.isSecretEnvKey(key)).as(key).isTrue();
        }
        assertThat(profile.isSecretEnvKey("DATABASE_HOST")).isFalse();
        assertThat(profile.isSecretEnvKey("FIEF_CLIENT_ID")).isFalse();
        assertThat(profile.settings()).extracting(s -> s.name()).containsExactly(FiefProfile.CLI, FiefProfile.START, FiefProfile.STOP,
                FiefProfile.DOCKER_ENV_FILE, FiefProfile.START_BEFORE_028);
        assertThat(FiefCloudExport.key("-- ENCRYPTION_KEY=" + FernetTest.KEY + "\nCREATE TABLE x();")).contains(FernetTest.KEY);
        assertThat(FiefCloudExport.key("-- ENCRYPTION_KEY=not-a-key\n")).isEmpty();
        assertThat(FiefCloudExport.key("CREATE TABLE x();\n-- ENCRYPTION_KEY=" + FernetTest.KEY)).isEmpty();
    }

    @Test
    void inDockerTheSettingsAreTheContainersEnvironmentAndItsEnvFileAnAbsolutePath() {
        assertThat(profile.settingsInContainerEnvironment()).isTrue();
        assertThat(profile.settingProblems(java.util.Map.of(FiefProfile.DOCKER_ENV_FILE, "/srv/fief/fief.env"))).isEmpty();
        assertThat(profile.settingProblems(java.util.Map.of(FiefProfile.DOCKER_ENV_FILE, ""))).isEmpty();
        assertThat(profile.settingProblems(java.util.Map.of(FiefProfile.DOCKER_ENV_FILE, "fief.env")))
                .containsKey(FiefProfile.DOCKER_ENV_FILE);
        assertThat(profile.settingProblems(java.util.Map.of(FiefProfile.DOCKER_ENV_FILE, "/srv/fief/")))
                .containsKey(FiefProfile.DOCKER_ENV_FILE);
        assertThat(new dev.migrationpanel.instance.Deployment(dev.migrationpanel.instance.DeploymentType.DOCKER, "fief-server",
                null, null).environmentCommand()).isEqualTo("docker inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "
                + "'fief-server'");
        assertThat(dev.migrationpanel.instance.Deployment.ON_HOST.environmentCommand()).isNull();
    }
}
