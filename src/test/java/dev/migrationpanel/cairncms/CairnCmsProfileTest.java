package dev.migrationpanel.cairncms;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.instance.EnvFile;

/** CairnCMS's .env as CairnCMS reads it, without a server. */
class CairnCmsProfileTest {

    final CairnCmsProfile profile = new CairnCmsProfile();

    @Test
    void theDbComesFromDbClientAndItsKeys() {
        DbSettings pg = profile.databaseFrom(EnvFile.parse("DB_CLIENT=pg\nDB_HOST=db.internal\nDB_PORT=6432\n"
                + "DB_DATABASE=cms\nDB_USER=cms_app\nDB_PASSWORD=pw\n"), "/srv/cms");
        assertThat(pg.vendor()).isEqualTo(DbVendor.PGSQL);
        assertThat(pg.host()).isEqualTo("db.internal");
        assertThat(pg.port()).isEqualTo(6432);
        assertThat(pg.database()).isEqualTo("cms");
        assertThat(pg.username()).isEqualTo("cms_app");

        DbSettings mysql = profile.databaseFrom(EnvFile.parse("DB_CLIENT=mysql\nDB_DATABASE=cms\n"), "/srv/cms");
        assertThat(mysql.vendor()).isEqualTo(DbVendor.MYSQL);
        assertThat(mysql.port()).isEqualTo(3306);

        assertThat(profile.databaseFrom(EnvFile.parse("DB_CLIENT=sqlite3\nDB_FILENAME=./data.db\n"), "/srv/cms")
                .sqlitePath()).isEqualTo("/srv/cms/data.db");
        assertThat(profile.databaseFrom(EnvFile.parse("DB_CLIENT=sqlite3\nDB_FILENAME=/var/lib/cms.db\n"), "/srv/cms")
                .sqlitePath()).isEqualTo("/var/lib/cms.db");
        assertThat(profile.databaseFrom(EnvFile.parse("DB_CLIENT=oracledb\n"), "/srv/cms")).isNull();
        assertThat(profile.databaseFrom(EnvFile.parse("DB_CLIENT=sqlite3\n"), "/srv/cms")).isNull();
    }

    @Test
    void keySecretAndEveryCredentialAreSecrets() {
        assertThat(profile.isSecretEnvKey("KEY")).isTrue();
        assertThat(profile.isSecretEnvKey("SECRET")).isTrue();
        assertThat(profile.isSecretEnvKey("DB_PASSWORD")).isTrue();
        assertThat(profile.isSecretEnvKey("STORAGE_S3_SECRET")).isTrue();
        assertThat(profile.isSecretEnvKey("STORAGE_S3_KEY")).isTrue();
        assertThat(profile.isSecretEnvKey("ADMIN_TOKEN")).isTrue();
        assertThat(profile.isSecretEnvKey("DB_HOST")).isFalse();
        assertThat(profile.isSecretEnvKey("STORAGE_LOCAL_ROOT")).isFalse();
        assertThat(profile.requiredEnvKeys()).containsExactly("KEY", "SECRET", "DB_CLIENT");
    }

    @Test
    void anInstallInAContainerIsOfferedNoFlowAndToldWhy() {
        dev.migrationpanel.instance.Instance docker = dev.migrationpanel.instance.TestInstances.entity("cms-in-docker");
        docker.setProduct(CairnCmsProfile.ID);
        docker.setDeploymentType(dev.migrationpanel.instance.DeploymentType.DOCKER);
        docker.setContainerName("cairncms-app");
        dev.migrationpanel.instance.Instance host = dev.migrationpanel.instance.TestInstances.entity("cms-on-host");
        host.setProduct(CairnCmsProfile.ID);
        for (dev.migrationpanel.job.Flow flow : java.util.List.<dev.migrationpanel.job.Flow>of(
                new CairnCloneFlow(null, null, null, null, null, null), new CairnContentMoveFlow(null, null, null, null),
                new CairnPromotionFlow(null, null), new CairnMoveRollbackFlow(null, null, null))) {
            assertThat(flow.appliesTo(docker)).as(flow.id()).isFalse();
            assertThat(flow.whyNotApplicable(docker)).as(flow.id()).contains("cairncms-app")
                    .contains("do not reach into a container or pod yet");
            // the control: the same install on its host is offered the flow, with nothing to explain
            assertThat(flow.appliesTo(host)).as(flow.id()).isTrue();
            assertThat(flow.whyNotApplicable(host)).as(flow.id()).isNull();
        }
    }
}
