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

    @Test
    void aTargetInAContainerIsRefusedWithItsReason() {
        Instance target = instance(2, "prod", null);
        target.setDeploymentType(DeploymentType.DOCKER);
        target.setContainerName("cms-prod");
        assertThat(CairnPromotionFlow.whyNotTarget(target)).contains("in Docker container cms-prod")
                .contains("a promotion's target is a CairnCMS install on a plain host");
        assertThat(CairnPromotionFlow.whyNotTarget(instance(2, "prod", null))).isNull();
    }
}
