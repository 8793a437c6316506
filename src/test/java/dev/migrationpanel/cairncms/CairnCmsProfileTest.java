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
    void inDockerItsSettingsAreTheContainersEnvironment() {
        assertThat(profile.settingsInContainerEnvironment()).isTrue();
    }

    private static dev.migrationpanel.instance.Instance cms(String name, dev.migrationpanel.instance.DeploymentType type) {
        dev.migrationpanel.instance.Instance instance = dev.migrationpanel.instance.TestInstances.entity(name);
        instance.setProduct(CairnCmsProfile.ID);
        instance.setDeploymentType(type);
        if (type == dev.migrationpanel.instance.DeploymentType.DOCKER) {
            instance.setContainerName("cairncms-app");
        } else if (type == dev.migrationpanel.instance.DeploymentType.KUBERNETES) {
            instance.setK8sNamespace("cms");
            instance.setK8sPod("cairncms-0");
        }
        return instance;
    }

    @Test
    void promotionCloneTheirRestoresAndTheMovesSourceReachIntoADockerContainerNotAPod() {
        dev.migrationpanel.instance.Instance docker = cms("cms-in-docker", dev.migrationpanel.instance.DeploymentType.DOCKER);
        dev.migrationpanel.instance.Instance pod = cms("cms-in-pod", dev.migrationpanel.instance.DeploymentType.KUBERNETES);
        dev.migrationpanel.instance.Instance host = cms("cms-on-host", dev.migrationpanel.instance.DeploymentType.HOST);
        for (dev.migrationpanel.job.Flow flow : java.util.List.<dev.migrationpanel.job.Flow>of(
                new CairnCloneFlow(null, null, null, null, null, null), new CairnPromotionFlow(null, null),
                // a promotion's target may be in a container: its restore reaches in as the promotion does
                new CairnMoveRollbackFlow(null, null, null))) {
            assertThat(flow.appliesTo(docker)).as(flow.id()).isTrue();
            assertThat(flow.whyNotApplicable(docker)).as(flow.id()).isNull();
            assertThat(flow.appliesTo(pod)).as(flow.id()).isFalse();
            assertThat(flow.whyNotApplicable(pod)).as(flow.id()).contains("cms/cairncms-0").contains("not into a "
                    + "Kubernetes pod yet");
            assertThat(flow.appliesTo(host)).as(flow.id()).isTrue();
            assertThat(flow.whyNotApplicable(host)).as(flow.id()).isNull();
        }
        // the content move's source may be in a Docker container (CairnDockerMovePlanTest), not in a pod
        CairnContentMoveFlow move = new CairnContentMoveFlow(null, null, null, null);
        assertThat(move.appliesTo(docker)).isTrue();
        assertThat(move.appliesTo(pod)).isFalse();
        assertThat(move.whyNotApplicable(pod)).contains("cms/cairncms-0").contains("not in a Kubernetes pod yet");
    }

    @Test
    void commandsRunInsideTheContainerAndItsStorageIsCopiedOutWithDockerCp() {
        dev.migrationpanel.instance.Instance docker = cms("cms-in-docker", dev.migrationpanel.instance.DeploymentType.DOCKER);
        docker.setInstallPath("/directus");
        dev.migrationpanel.instance.Instance host = cms("cms-on-host", dev.migrationpanel.instance.DeploymentType.HOST);
        host.setInstallPath("/srv/cms");
        assertThat(CairnCommands.inInstall(docker, "npx cairncms --version"))
                .isEqualTo("docker exec -i 'cairncms-app' sh -c 'cd '\"'\"'/directus'\"'\"' && npx cairncms --version'");
        assertThat(CairnCommands.inInstall(host, "npx cairncms --version")).isEqualTo("cd '/srv/cms' && npx cairncms --version");
        assertThat(CairnCommands.tarOf(docker, "/directus/uploads/")).isEqualTo("docker cp 'cairncms-app:/directus/uploads/.' -");
        assertThat(CairnCommands.tarOf(host, "/srv/cms/uploads")).isEqualTo("tar -C '/srv/cms/uploads' -cf - .");
        dev.migrationpanel.instance.Instance pod = cms("cms-in-pod", dev.migrationpanel.instance.DeploymentType.KUBERNETES);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CairnCommands.tarOf(pod, "/directus/uploads"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
