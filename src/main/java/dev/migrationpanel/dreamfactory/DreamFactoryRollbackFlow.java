package dev.migrationpanel.dreamfactory;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.migrationpanel.product.ProductSteps;
import dev.migrationpanel.artifact.Artifact;
import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.database.RestoreCommands;
import dev.migrationpanel.instance.DeploymentType;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.job.Flow;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.web.InvalidInputException;

/**
 * Undoes a minor upgrade with what the upgrade job saved: the file backup is swapped back in place (the
 * upgraded tree is moved aside, never copied over) and the DB dump is restored; then the caches are
 * cleared and the web server restarted. Option {@code job}: the id of the upgrade job.
 */
@Component
class DreamFactoryRollbackFlow implements Flow {

    static final String ID = "dreamfactory.rollback";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern(DreamFactoryMinorUpgradeFlow.STAMP_FORMAT)
            .withZone(ZoneOffset.UTC);

    private final DreamFactorySteps steps;
    private final JobService jobs;
    private final ArtifactStore artifacts;
    private final Clock clock;

    DreamFactoryRollbackFlow(DreamFactorySteps steps, JobService jobs, ArtifactStore artifacts, Clock clock) {
        this.steps = steps;
        this.jobs = jobs;
        this.artifacts = artifacts;
        this.clock = clock;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Roll back a minor upgrade";
    }

    @Override
    public String description() {
        return "Puts back the files and the system DB a minor upgrade backed up before it changed anything.";
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
    public boolean appliesTo(Instance instance) {
        return Flow.super.appliesTo(instance) && instance.getDeploymentType() == DeploymentType.HOST;
    }

    @Override
    public Plan plan(Instance instance, Map<String, String> options) {
        String jobOption = options.getOrDefault("job", "").trim();
        if (!jobOption.matches("\\d{1,18}")) {
            throw InvalidInputException.of("job", "Name the upgrade job to roll back by its number");
        }
        long upgradeId = Long.parseLong(jobOption);
        Job upgrade = jobs.get(upgradeId);
        if (!DreamFactoryMinorUpgradeFlow.ID.equals(upgrade.getFlow()) || !instance.getId().equals(upgrade.getInstanceId())) {
            throw InvalidInputException.of("job", "Job #" + upgradeId + " is not a minor upgrade of " + instance.getName());
        }
        Map<String, String> was = jobs.options(upgradeId);
        String backupDir = was.get("backupDir");
        Artifact dump = artifacts.forJob(upgradeId).stream().filter(a -> a.getKind() == ArtifactKind.DB_DUMP).findFirst()
                .orElseThrow(() -> InvalidInputException.of("job", "Job #" + upgradeId
                        + " has no DB dump to restore (it failed before the backup, or the dump was deleted)"));
        if (backupDir == null) {
            throw InvalidInputException.of("job", "Job #" + upgradeId + " recorded no file backup");
        }
        DreamFactorySteps.Facts facts = steps.read(instance);
        String stamp = options.getOrDefault("stamp", STAMP.format(clock.instant()));
        if (!stamp.matches("\\d{8}-\\d{6}")) {
            throw InvalidInputException.of("stamp", "The stamp is " + DreamFactoryMinorUpgradeFlow.STAMP_FORMAT);
        }
        Long id = instance.getId();
        String name = instance.getName();
        String path = instance.getInstallPath();
        String failedDir = path + ".failed-" + stamp;
        String staged = facts.workDir() + "/dreamfactory-" + id + "-rollback-" + upgradeId + ".sql";
        String cd = "cd " + quote(path) + " && ";
        List<Step> plan = new ArrayList<>();
        plan.add(new Step("Check the file backup is there", id, name, false,
                new StepSpec.RemoteCommand("test -d " + quote(backupDir) + " && test -f " + quote(backupDir + "/.env")),
                ProductSteps.SHORT, null));
        plan.add(new Step("Swap the backup in place (the upgraded tree is kept aside)", id, name, true,
                new StepSpec.RemoteCommand("mv " + quote(path) + " " + quote(failedDir) + " && mv " + quote(backupDir) + " "
                        + quote(path)), ProductSteps.SHORT,
                "mv " + path + " " + backupDir + " && mv " + failedDir + " " + path));
        plan.add(new Step("Prepare a private work directory", id, name, false,
                new StepSpec.RemoteCommand("mkdir -p " + quote(facts.workDir()) + " && chmod 700 " + quote(facts.workDir())),
                ProductSteps.SHORT, null));
        plan.add(new Step("Upload the DB dump taken by job #" + upgradeId, id, name, false,
                new StepSpec.Upload(0, dump.getId(), staged), ProductSteps.LONG, null));
        plan.add(new Step("Restore the system DB (" + facts.db().vendor().label() + ")", id, name, true,
                new StepSpec.RemoteCommand(RestoreCommands.restore(facts.db(), staged)), ProductSteps.LONG, null));
        plan.add(new Step("Remove the staged dump", id, name, false,
                new StepSpec.RemoteCommand("rm -f " + quote(staged)), ProductSteps.SHORT, null));
        plan.add(new Step("Clear the application cache", id, name, true,
                new StepSpec.RemoteCommand(cd + "php artisan cache:clear"), ProductSteps.SHORT, null));
        plan.add(new Step("Clear the configuration cache", id, name, true,
                new StepSpec.RemoteCommand(cd + "php artisan config:clear"), ProductSteps.SHORT, null));
        plan.add(DreamFactoryMinorUpgradeFlow.restart(instance));
        plan.add(new Step("Maintenance mode off", id, name, true,
                new StepSpec.RemoteCommand(cd + "php artisan up"), ProductSteps.SHORT, null));
        return new Plan(ID, "Roll back job #" + upgradeId + " on " + name, id, name, plan,
                Map.of("job", jobOption, "stamp", stamp, "failedDir", failedDir));
    }
}
