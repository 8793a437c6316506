package dev.migrationpanel.cairncms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.instance.DeploymentType;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.product.HostFacts;

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

    @Test
    void snapshotsDryRunsGateApplyRestartAndProveInTheGuidesOrder() {
        Plan plan = CairnPromotionFlow.build(instance(1, "dev", null), instance(2, "prod", "/usr/bin/node /opt/cms/cli.js"),
                FACTS, FACTS, false);
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
        assertThat(plan.options()).isEqualTo(Map.of("target", "2", "destructive", "false"));

        Plan destructive = CairnPromotionFlow.build(instance(1, "dev", null), instance(2, "prod", null), FACTS, FACTS, true);
        assertThat(destructive.steps()).extracting(s -> s.spec().display())
                .anyMatch(c -> c.contains("config apply -y --destructive"));
        assertThat(destructive.steps()).extracting(Step::title).contains("Restart the target's service")
                .doesNotContain("Stop the target's service");
    }
}
