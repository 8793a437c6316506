package dev.migrationpanel.dreamfactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.migrationpanel.instance.DeploymentType;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.job.Flow;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;

/**
 * "Back up now": the vendor guide's two backups — the {@code .env} file and a dump of the system DB with
 * the vendor's tool — streamed into the artifact store, encrypted at rest, each with its SHA-256. The
 * install and its DB are only read; the dump is staged in a private directory of the SSH user's home
 * and removed at the end.
 */
@Component
class DreamFactoryBackupFlow implements Flow {

    static final String ID = "dreamfactory.backup";
    private final DreamFactorySteps steps;

    DreamFactoryBackupFlow(DreamFactorySteps steps) {
        this.steps = steps;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Back up now";
    }

    @Override
    public String description() {
        return "Copies the .env file and a dump of the system DB into the panel's artifact store (encrypted, with "
                + "SHA-256, downloadable). Changes nothing on the instance. Plain hosts and Docker containers.";
    }

    @Override
    public Purpose purpose() {
        return Purpose.BACKUP;
    }

    @Override
    public String changes() {
        return "nothing on the instance: its DB dump and .env go into the panel's artifact store, encrypted, with their SHA-256";
    }

    @Override
    public String product() {
        return DreamFactoryProfile.ID;
    }

    @Override
    public boolean appliesTo(Instance instance) {
        // in a container the dump is made inside and copied out (docker cp), as the guide's transfer table says;
        // Kubernetes' kubectl cp is built the same way but no cluster runs in the tests
        return Flow.super.appliesTo(instance) && instance.getDeploymentType() != DeploymentType.KUBERNETES;
    }

    @Override
    public Plan plan(Instance instance, Map<String, String> options) {
        DreamFactorySteps.Facts facts = steps.read(instance);
        List<Step> plan = new ArrayList<>();
        plan.addAll(DreamFactorySteps.captureEnv(instance, facts));
        plan.addAll(DreamFactorySteps.dbBackup(instance, facts, "backup"));
        return new Plan(ID, "Back up " + instance.getName(), instance.getId(), instance.getName(), plan);
    }
}
