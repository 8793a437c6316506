package dev.migrationpanel.dreamfactory;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.migrationpanel.product.ProductSteps;
import dev.migrationpanel.artifact.Artifact;
import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.database.RestoreCommands;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.job.Flow;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.web.InvalidInputException;

/**
 * Puts a migration's target back as it was before the migration changed it: its {@code .env} and its system
 * DB, from the backups the migration took first. For a migration that failed, or that the admin does not
 * want to keep. Option {@code job}: the migration job.
 */
@Component
class DreamFactoryRestoreTargetFlow implements Flow {

    static final String ID = "dreamfactory.restore-target";

    private final DreamFactorySteps steps;
    private final JobService jobs;
    private final ArtifactStore artifacts;

    DreamFactoryRestoreTargetFlow(DreamFactorySteps steps, JobService jobs, ArtifactStore artifacts) {
        this.steps = steps;
        this.jobs = jobs;
        this.artifacts = artifacts;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Restore a migration's target";
    }

    @Override
    public String description() {
        return "Puts the .env and the system DB of a migration's target back as the migration found them, from the "
                + "backups it took before changing anything.";
    }

    @Override
    public Purpose purpose() {
        return Purpose.RECOVER;
    }

    @Override
    public String product() {
        return DreamFactoryProfile.ID;
    }

    @Override
    public Plan plan(Instance target, Map<String, String> options) {
        String jobOption = options.getOrDefault("job", "").trim();
        if (!jobOption.matches("\\d{1,18}")) {
            throw InvalidInputException.of("job", "Name the migration job whose target to restore by its number");
        }
        long migrationId = Long.parseLong(jobOption);
        Job migration = jobs.get(migrationId);
        if (!DreamFactoryMigrationFlow.ID.equals(migration.getFlow())
                || !String.valueOf(target.getId()).equals(jobs.options(migrationId).get("target"))) {
            throw InvalidInputException.of("job", "Job #" + migrationId + " is not a migration to " + target.getName());
        }
        List<Artifact> taken = artifacts.forJob(migrationId).stream()
                .filter(a -> !a.isDeleted() && target.getId().equals(a.getInstanceId())).toList();
        Artifact env = taken.stream().filter(a -> a.getKind() == ArtifactKind.ENV_FILE).findFirst()
                .orElseThrow(() -> InvalidInputException.of("job", "Job #" + migrationId + " holds no .env backup of "
                        + target.getName() + " (it failed before taking it, or the artifact was deleted)"));
        Artifact dump = taken.stream().filter(a -> a.getKind() == ArtifactKind.DB_DUMP).findFirst()
                .orElseThrow(() -> InvalidInputException.of("job", "Job #" + migrationId + " holds no DB backup of "
                        + target.getName() + " (it failed before taking it, or the artifact was deleted)"));
        return build(target, steps.read(target), migrationId, env.getId(), dump.getId());
    }

    static Plan build(Instance target, DreamFactorySteps.Facts facts, long migrationId, String envArtifact,
            String dumpArtifact) {
        Long id = target.getId();
        String name = target.getName();
        Deployment deployment = Deployment.of(target);
        String cd = "cd " + quote(target.getInstallPath()) + " && ";
        String stagedEnv = facts.workDir() + "/" + id + "-restore.env";
        String stagedDump = facts.workDir() + "/dreamfactory-" + id + "-restore-" + migrationId + ".sql";
        String dumpInside = deployment.copiesThroughHost() ? "/tmp/panel-restore-" + id + ".sql" : stagedDump;
        List<Step> plan = new ArrayList<>();
        plan.add(DreamFactorySteps.workDir(target, facts));
        plan.add(new Step("Upload the .env backup taken by job #" + migrationId, id, name, false,
                new StepSpec.Upload(0, envArtifact, stagedEnv), ProductSteps.SHORT, null));
        String into = deployment.copiesThroughHost()
                ? deployment.copyIn(stagedEnv, target.getInstallPath() + "/.env")
                : "cat " + quote(stagedEnv) + " > " + quote(target.getInstallPath() + "/.env");
        plan.add(new Step("Put the .env back (same file: owner and mode kept)", id, name, true,
                new StepSpec.RemoteCommand(into + " && rm -f " + quote(stagedEnv)), ProductSteps.SHORT, null));
        plan.add(new Step("Upload the DB backup taken by job #" + migrationId, id, name, false,
                new StepSpec.Upload(0, dumpArtifact, stagedDump), ProductSteps.LONG, null));
        if (deployment.copiesThroughHost()) {
            plan.add(new Step("Copy the dump into the " + deployment.kindLabel(), id, name, false,
                    new StepSpec.RemoteCommand(deployment.copyIn(stagedDump, dumpInside)), ProductSteps.LONG, null));
        }
        plan.add(new Step("Restore the system DB (" + facts.db().vendor().label() + ")", id, name, true,
                new StepSpec.RemoteCommand(deployment.wrap(RestoreCommands.restore(facts.db(), dumpInside))),
                ProductSteps.LONG, null));
        plan.add(new Step("Remove the staged dump", id, name, false, new StepSpec.RemoteCommand("rm -f " + quote(stagedDump)
                + (deployment.copiesThroughHost() ? " && " + deployment.wrap("rm -f " + quote(dumpInside)) : "")),
                ProductSteps.SHORT, null));
        plan.add(new Step("Clear the application cache", id, name, true,
                new StepSpec.RemoteCommand(deployment.wrap(cd + "php artisan cache:clear")), ProductSteps.SHORT, null));
        plan.add(new Step("Clear the configuration cache", id, name, true,
                new StepSpec.RemoteCommand(deployment.wrap(cd + "php artisan config:clear")), ProductSteps.SHORT, null));
        plan.add(DreamFactoryMinorUpgradeFlow.restart(target));
        return new Plan(ID, "Restore " + name + " as before job #" + migrationId, id, name, plan,
                Map.of("job", String.valueOf(migrationId)));
    }
}
