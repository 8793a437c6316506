package dev.migrationpanel.cairncms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.instance.CheckStatus;
import dev.migrationpanel.instance.DeploymentType;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.product.HostFacts;
import dev.migrationpanel.web.InvalidInputException;

/** The structure promotion's plan as a value, without a server: the guide's order, the gate, the proof. */
class CairnPromotionPlanTest {

    private static Instance instance(long id, String name, String cli) {
        Instance i = new Instance();
        org.springframework.test.util.ReflectionTestUtils.setField(i, "id", id);
        i.setName(name);
        i.setProduct(CairnCmsProfile.ID);
        i.setSshUser("deploy");
        i.setInstallPath("/srv/" + name);
        i.setDeploymentType(DeploymentType.HOST);
        if (cli != null) {
            i.setProductSettings("{\"cli\":\"" + cli + "\",\"startCommand\":\"sudo -n systemctl start cms\","
                    + "\"stopCommand\":\"sudo -n systemctl stop cms\"}");
        }
        return i;
    }

    private static final HostFacts FACTS = new HostFacts("/home/deploy",
            new DbSettings(DbVendor.PGSQL, "127.0.0.1", 5432, "cms", "cms", "pw", null));
    private static final CairnPromotionFlow.Side SIDE = new CairnPromotionFlow.Side(FACTS, "1.0.0-beta.4", null);
    private static final CairnPromotionFlow.Side SQLITE = new CairnPromotionFlow.Side(new HostFacts("/home/deploy",
            new DbSettings(DbVendor.SQLITE, null, 0, null, null, null, "/srv/dev/data.db")), "1.0.0-beta.4", null);
    private static final CairnPromotionFlow.Side NEWER = new CairnPromotionFlow.Side(FACTS, "1.0.0", null);

    @Test
    void snapshotsDryRunsGateApplyRestartAndProveInTheGuidesOrder() {
        Plan plan = CairnPromotionFlow.build(instance(1, "dev", null), instance(2, "prod", "/usr/bin/node /opt/cms/cli.js"),
                SIDE, SIDE, false, false);
        List<String> titles = plan.steps().stream().map(Step::title).toList();
        assertThat(titles).containsSubsequence("Snapshot the source's schema (schema snapshot)",
                "Snapshot the source's roles and permissions (config snapshot)", "Dump the system DB (PostgreSQL)",
                "Carry both snapshots to the target (stored on the way)",
                "Dry run: the schema changes on the target (schema apply --dry-run)",
                "Dry run: the roles and permissions changes on the target (config apply --dry-run)", "Confirm",
                "Apply the schema (schema apply)", "Apply the roles and permissions (config apply)",
                "Stop the target's service", "Start the target's service", CairnPromotionFlow.VERIFY);
        List<String> commands = plan.steps().stream().map(s -> s.spec().display()).toList();
        assertThat(commands).anyMatch(c -> c.contains("cd '/srv/dev' && npx cairncms schema snapshot -y "
                + "'/home/deploy/.migration-panel/promotion-1-2/schema.yaml'"));
        assertThat(commands).anyMatch(c -> c.contains("cd '/srv/prod' && /usr/bin/node /opt/cms/cli.js schema apply -y"));
        assertThat(commands).noneMatch(c -> c.contains("--destructive"));
        assertThat(plan.steps().stream().filter(Step::changesInstance).map(Step::instanceName).distinct().toList())
                .as("the source is only read").containsExactly("prod");
        assertThat(plan.options()).isEqualTo(Map.of("target", "2", "destructive", "false", "acceptMismatch", "false"));
        assertThat(titles).noneMatch(t -> t.startsWith("Applied across a mismatch"));
        assertThat(commands).anyMatch(c -> c.contains("grep -q 'No changes to apply'"));

        Plan destructive = CairnPromotionFlow.build(instance(1, "dev", null), instance(2, "prod", null), SIDE, SIDE, true, false);
        assertThat(destructive.steps()).extracting(s -> s.spec().display())
                .anyMatch(c -> c.contains("config apply -y --destructive"));
        assertThat(destructive.steps()).extracting(Step::title).contains("Restart the target's service")
                .doesNotContain("Stop the target's service");
    }

    @Test
    void aSnapshotOfAnotherVendorOrVersionIsRefusedWithoutTheChoiceAndAppliedWithTheGuidesWarningWithIt() {
        assertThatThrownBy(() -> CairnPromotionFlow.build(instance(1, "dev", null), instance(2, "prod", null), SQLITE,
                SIDE, false, false)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("DB vendor SQLite (snapshot) → PostgreSQL (target)")
                .hasMessageContaining("subtly wrong types").hasMessageContaining("choose to apply the snapshot anyway");
        assertThatThrownBy(() -> CairnPromotionFlow.build(instance(1, "dev", null), instance(2, "prod", null), SIDE,
                NEWER, false, false)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("CairnCMS 1.0.0-beta.4 (snapshot) → 1.0.0 (target)")
                .hasMessageContaining("align versions first").hasMessageNotContaining("subtly wrong types");
        assertThat(CairnPromotionFlow.stamp(SQLITE, SIDE, false).getStatus()).isEqualTo(CheckStatus.BLOCKING);
        assertThat(CairnPromotionFlow.stamp(SQLITE, SIDE, true).getStatus()).isEqualTo(CheckStatus.WARNING);
        assertThat(CairnPromotionFlow.stamp(SIDE, SIDE, false).getStatus()).isEqualTo(CheckStatus.OK);
        assertThat(CairnPromotionFlow.stamp(SIDE, new CairnPromotionFlow.Side(FACTS, null, "exit 127"), true))
                .as("an unknown version is no mismatch to accept").satisfies(c -> {
                    assertThat(c.getStatus()).isEqualTo(CheckStatus.BLOCKING);
                    assertThat(c.getMessage()).contains("exit 127");
                });

        Plan plan = CairnPromotionFlow.build(instance(1, "dev", null), instance(2, "prod", null), SQLITE, NEWER, false, true);
        assertThat(plan.options()).containsEntry("acceptMismatch", "true");
        List<String> titles = plan.steps().stream().map(Step::title).toList();
        assertThat(titles).containsSubsequence("Dry run: the schema changes on the target (schema apply --dry-run)",
                "Applied across a mismatch, as chosen: DB vendor SQLite (snapshot) → PostgreSQL (target); CairnCMS "
                        + "1.0.0-beta.4 (snapshot) → 1.0.0 (target)", "Confirm", CairnPromotionFlow.VERIFY_MISMATCHED)
                .doesNotContain(CairnPromotionFlow.VERIFY);
        Step note = plan.steps().stream().filter(s -> s.title().startsWith("Applied across")).findFirst().orElseThrow();
        assertThat(note.spec().display()).contains("subtly wrong types", "align versions first");
        String verify = plan.steps().stream().filter(s -> s.title().equals(CairnPromotionFlow.VERIFY_MISMATCHED))
                .findFirst().orElseThrow().spec().display();
        assertThat(verify).contains("grep -qE '^ *- (Create|Delete) '").doesNotContain("No changes to apply")
                .contains("config apply --dry-run -y");
    }

    @Test
    void aSourceInDockerSnapshotsInsideItsContainerAndTheSnapshotsAreCopiedOut() {
        Instance source = instance(1, "dev", "cairncms");
        source.setDeploymentType(DeploymentType.DOCKER);
        source.setContainerName("cms-dev");
        source.setInstallPath("/directus");
        Plan plan = CairnPromotionFlow.build(source, instance(2, "prod", null), SIDE, SIDE, false, false);
        List<String> titles = plan.steps().stream().map(Step::title).toList();
        assertThat(titles).containsSubsequence("Snapshot the source's schema (schema snapshot, in container cms-dev)",
                "Snapshot the source's roles and permissions (config snapshot, in container cms-dev)",
                "Copy the snapshots out of the container (docker cp)", "Carry both snapshots to the target (stored on the way)");
        List<String> commands = plan.steps().stream().map(x -> x.spec().display()).toList();
        assertThat(commands).anyMatch(c -> c.startsWith("docker exec -i 'cms-dev' sh -c ") && c.contains("/directus")
                && c.contains("cairncms schema snapshot -y") && c.contains("/tmp/panel-promotion-1-2/schema.yaml"));
        assertThat(commands).anyMatch(c -> c.startsWith("docker exec -i 'cms-dev' sh -c ")
                && c.contains("cairncms config snapshot -y") && c.contains("/tmp/panel-promotion-1-2/config"));
        assertThat(commands).anyMatch(c -> c.equals("rm -rf '/home/deploy/.migration-panel/promotion-1-2' && docker cp "
                + "'cms-dev:/tmp/panel-promotion-1-2' '/home/deploy/.migration-panel/promotion-1-2' && docker exec -i "
                + "'cms-dev' sh -c 'rm -rf '\"'\"'/tmp/panel-promotion-1-2'\"'\"''"));
        // the target's side is as for a host source
        assertThat(commands).anyMatch(c -> c.contains("cd '/srv/prod' && npx cairncms schema apply -y "
                + "'/home/deploy/.migration-panel/promotion-1-2/schema.yaml'"));
        assertThat(plan.steps().stream().filter(Step::changesInstance).map(Step::instanceName).distinct().toList())
                .as("the source is only read").containsExactly("prod");
        // the control: a source on its host has no copy out
        assertThat(CairnPromotionFlow.build(instance(1, "dev", null), instance(2, "prod", null), SIDE, SIDE, false, false)
                .steps()).extracting(Step::title).doesNotContain("Copy the snapshots out of the container (docker cp)");
    }

    private static Instance inContainer(Instance instance, String container) {
        instance.setDeploymentType(DeploymentType.DOCKER);
        instance.setContainerName(container);
        instance.setInstallPath("/directus");
        return instance;
    }

    @Test
    void aTargetInAContainerGetsTheSnapshotsCopiedInAndRunsItsCliInside() {
        Instance target = inContainer(instance(2, "prod", "cairncms"), "cms-prod");
        assertThat(CairnPromotionFlow.whyNotTarget(target)).isNull();
        Plan plan = CairnPromotionFlow.build(instance(1, "dev", null), target, SIDE, SIDE, false, false);
        List<String> titles = plan.steps().stream().map(Step::title).toList();
        String in = "/tmp/panel-promotion-1-2";
        assertThat(titles).containsSubsequence("Dump the system DB (PostgreSQL)", "Download the dump",
                "Carry both snapshots to the target (stored on the way)",
                "Copy the snapshots into the container (" + in + ")",
                "Dry run: the schema changes on the target (schema apply --dry-run, in container cms-prod)",
                "Dry run: the roles and permissions changes on the target (config apply --dry-run, in container cms-prod)",
                "Confirm", "Apply the schema (schema apply, in container cms-prod)",
                "Apply the roles and permissions (config apply, in container cms-prod)", "Stop the target's service",
                "Start the target's service",
                "Copy the snapshots into the container again for the proof (its restart may have recreated it) (" + in + ")",
                CairnPromotionFlow.VERIFY, "Remove the snapshots from the target's container",
                "Remove the snapshots from the target's work directory");
        Map<String, String> byTitle = new java.util.LinkedHashMap<>();
        plan.steps().forEach(st -> byTitle.put(st.title(), st.spec().display()));
        // a networked DB is dumped on the SSH host at the DB_HOST the container names, not inside the container
        assertThat(byTitle.get("Dump the system DB (PostgreSQL)")).startsWith("umask 077 && ").doesNotContain("docker exec");
        assertThat(titles).doesNotContain("Copy the dump out of the container");
        assertThat(byTitle.get("Copy the snapshots into the container (" + in + ")")).isEqualTo("tar -C "
                + "'/home/deploy/.migration-panel/promotion-1-2' -cf - schema.yaml config | docker exec -i 'cms-prod' sh -c "
                + "'rm -rf '\"'\"'" + in + "'\"'\"' && mkdir -p '\"'\"'" + in + "'\"'\"' && tar -C '\"'\"'" + in
                + "'\"'\"' -xf -'");
        for (String title : List.of("Dry run: the schema changes on the target (schema apply --dry-run, in container cms-prod)",
                "Apply the schema (schema apply, in container cms-prod)",
                "Apply the roles and permissions (config apply, in container cms-prod)", CairnPromotionFlow.VERIFY)) {
            assertThat(byTitle.get(title)).as(title).startsWith("docker exec -i 'cms-prod' sh -c ")
                    .contains("/directus").contains("cairncms ").contains(in + "/");
        }
        assertThat(byTitle.get(CairnPromotionFlow.VERIFY)).contains("No changes to apply");
        assertThat(byTitle.get("Remove the snapshots from the target's container"))
                .isEqualTo("docker exec -i 'cms-prod' sh -c 'rm -rf '\"'\"'" + in + "'\"'\"''");
        assertThat(plan.steps().stream().filter(Step::changesInstance).map(Step::instanceName).distinct().toList())
                .as("the source is only read").containsExactly("prod");

        // without start and stop commands the container itself is restarted, its environment kept
        Instance bare = inContainer(instance(2, "prod", null), "cms-prod");
        assertThat(CairnPromotionFlow.build(instance(1, "dev", null), bare, SIDE, SIDE, false, false).steps())
                .filteredOn(st -> st.title().equals("Restart the target's container (docker restart)"))
                .extracting(st -> st.spec().display()).containsExactly("docker restart 'cms-prod'");
    }

    @Test
    void aSqliteTargetInAContainerIsDumpedInsideAndCopiedOut() {
        CairnPromotionFlow.Side sqlite = new CairnPromotionFlow.Side(new HostFacts("/home/deploy",
                new DbSettings(DbVendor.SQLITE, null, 0, null, null, null, "/directus/database/data.db")), "1.0.0-beta.4", null);
        Plan plan = CairnPromotionFlow.build(instance(1, "dev", null), inContainer(instance(2, "prod", null), "cms-prod"),
                SQLITE, sqlite, false, false);
        List<String> commands = plan.steps().stream().map(st -> st.title() + ": " + st.spec().display()).toList();
        assertThat(commands).anyMatch(c -> c.startsWith("Dump the system DB (SQLite): docker exec -i 'cms-prod' sh -c ")
                && c.contains("/directus/database/data.db"));
        assertThat(commands).anyMatch(c -> c.startsWith("Copy the dump out of the container: umask 077 && docker cp "
                + "'cms-prod:/tmp/panel-dump-2-before-promotion.sql'"));
    }

    @Test
    void aTargetInAPodIsRefusedWithItsReason() {
        Instance target = instance(2, "prod", null);
        target.setDeploymentType(DeploymentType.KUBERNETES);
        target.setK8sNamespace("cms");
        target.setK8sPod("cms-0");
        assertThat(CairnPromotionFlow.whyNotTarget(target)).contains("in pod cms/cms-0")
                .contains("not into a Kubernetes pod yet");
        assertThat(CairnPromotionFlow.whyNotTarget(instance(2, "prod", null))).isNull();
    }

    @Test
    void theRestoreOfAContainerTargetRestoresANetworkedDbFromTheHostAndASqliteFileInside() {
        Instance target = inContainer(instance(2, "prod", "cairncms"), "cms-prod");
        Plan pg = CairnMoveRollbackFlow.build(target, FACTS, 41, "artifact-1");
        List<String> pgSteps = pg.steps().stream().map(st -> st.title() + ": " + st.spec().display()).toList();
        assertThat(pgSteps).containsSubsequence("Stop the target's service: sudo -n systemctl stop cms",
                "Remove the staged dump: rm -f '/home/deploy/.migration-panel/cairncms-2-restore-41.sql'",
                "Start the target's service: sudo -n systemctl start cms");
        assertThat(pgSteps).filteredOn(c -> c.startsWith("Restore")).singleElement().asString()
                .startsWith("Restore the target's DB (PostgreSQL): set -e; PGPASSWORD=").doesNotContain("docker");

        Plan sqlite = CairnMoveRollbackFlow.build(inContainer(instance(2, "prod", null), "cms-prod"), new HostFacts(
                "/home/deploy", new DbSettings(DbVendor.SQLITE, null, 0, null, null, null, "/directus/database/data.db")), 41,
                "artifact-1");
        List<String> steps = sqlite.steps().stream().map(st -> st.title() + ": " + st.spec().display()).toList();
        assertThat(sqlite.steps()).extracting(Step::title).containsSubsequence("Upload the DB backup taken by job #41",
                "Restore the target's DB (SQLite, in container cms-prod)", "Remove the staged dump",
                "Restart the target's container (docker restart)").doesNotContain("Stop the target's service");
        assertThat(steps).filteredOn(c -> c.startsWith("Restore")).singleElement().asString()
                .contains(": cat '/home/deploy/.migration-panel/cairncms-2-restore-41.sql' | docker exec -i 'cms-prod' sh -c ")
                .contains("/tmp/panel-restore-2-41.sql").contains("/directus/database/data.db.restoring");
    }
}
