package dev.migrationpanel.cairncms;

import java.util.List;

import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.product.ProductSteps;

/**
 * How CairnCMS flows run an install's commands: the CLI and the service's start and stop, each as the instance's
 * ADMIN set it (never user text), as steps of a plan.
 */
final class CairnCommands {

    private CairnCommands() {
    }

    /** The CLI as the instance's ADMIN set it (default the guide's {@code npx cairncms}). */
    static String cli(Instance instance) {
        return instance.productSetting(CairnCmsProfile.CLI, "npx cairncms");
    }

    static String start(Instance instance) {
        return instance.productSetting(CairnCmsProfile.START, null);
    }

    static String stop(Instance instance) {
        return instance.productSetting(CairnCmsProfile.STOP, null);
    }

    /** Whether the instance's service can be stopped and started by the panel: both commands are set. */
    static boolean hasServiceCommands(Instance instance) {
        return start(instance) != null && stop(instance) != null;
    }

    static Step stopStep(Instance instance, String title, String undo) {
        return new Step(title, instance.getId(), instance.getName(), true, new StepSpec.RemoteCommand(stop(instance)),
                ProductSteps.SHORT, undo);
    }

    static Step startStep(Instance instance, String title) {
        return new Step(title, instance.getId(), instance.getName(), true, new StepSpec.RemoteCommand(start(instance)),
                ProductSteps.SHORT, null);
    }

    /** The target's service restarted so it reads the new schema: with its ADMIN-set commands, else said. */
    static List<Step> restart(Instance target) {
        if (!hasServiceCommands(target)) {
            return List.of(ProductSteps.note(target, "Restart the target's service", "no start and stop commands are "
                    + "set on the instance: restart it yourself so it serves the new schema"));
        }
        return List.of(stopStep(target, "Stop the target's service", null), startStep(target, "Start the target's service"));
    }
}
