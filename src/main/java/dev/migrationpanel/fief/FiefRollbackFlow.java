package dev.migrationpanel.fief;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.database.RestoreCommands;
import dev.migrationpanel.fief.FiefDatabase.Place;
import dev.migrationpanel.instance.DeploymentType;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.product.HostFacts;
import dev.migrationpanel.product.ProductSteps;
import dev.migrationpanel.web.InvalidInputException;

/**
 * Undoes a consolidation from the backups it took before anything moved: Fief stopped, the main database restored
 * (on PostgreSQL with the workspace's schema, which is in that dump), on MySQL and SQLite the workspace's database or
 * file restored from its own dump, SQLite's {@code fief.db.bak} set aside, then proved: the workspace's tables back in
 * their old place as recorded, none in the main database. Fief 0.27 is started by the admin (the instance's start
 * command now starts 0.28). Option {@code job}: the consolidation.
 */
@Component
class FiefRollbackFlow extends FiefFollowUpFlow {

    static final String ID = "fief.consolidation-rollback";

    FiefRollbackFlow(FiefJobs jobs) {
        super(jobs);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Roll back a workspace consolidation";
    }

    @Override
    public String description() {
        return "Puts the main database and the workspace back from a consolidation's backups, in their old place.";
    }

    @Override
    Plan plan(Instance instance, Job job) {
        String ws = jobs.options(job).get("workspace");
        String mainDump = jobs.dump(job, "main-before-consolidation");
        String wsDump = jobs.dump(job, "workspace-before-consolidation");
        HostFacts facts = jobs.facts(instance);
        if (mainDump == null || (facts.db().vendor() != DbVendor.PGSQL && wsDump == null)) {
            throw InvalidInputException.of("job", "Job #" + job.getId() + " holds no backup to put back (it failed before "
                    + "taking them, or they were deleted): nothing was moved by it");
        }
        return build(instance, facts.home(), facts.db(), ws, job.getId(), mainDump, wsDump);
    }

    static Plan build(Instance instance, String home, DbSettings main, String ws, long jobId, String mainDump, String wsDump) {
        HostFacts host = new HostFacts(home, main);
        String stagedMain = host.workDir() + "/fief-" + instance.getId() + "-rollback-main-" + jobId + ".sql";
        String stagedWs = host.workDir() + "/fief-" + instance.getId() + "-rollback-workspace-" + jobId + ".sql";
        List<Step> plan = new ArrayList<>();
        plan.add(ProductSteps.workDir(instance, host));
        plan.add(FiefSteps.command(instance, "Stop Fief", true, instance.productSetting(FiefProfile.STOP, "true"), null));
        plan.add(new Step("Upload the main database's backup", instance.getId(), instance.getName(), false,
                new StepSpec.Upload(0, mainDump, stagedMain), ProductSteps.LONG, null));
        if (main.vendor() == DbVendor.SQLITE && instance.getDeploymentType() == DeploymentType.DOCKER) {
            return inContainer(instance, host, main, ws, jobId, stagedMain, stagedWs, wsDump, plan);
        }
        plan.add(FiefSteps.command(instance, "Restore the main database as it was before the consolidation"
                + (main.vendor() == DbVendor.PGSQL ? " (the workspace's schema with it)" : ""), true,
                RestoreCommands.restore(main, stagedMain), null));
        if (main.vendor() != DbVendor.PGSQL) {
            DbSettings wsDb = Place.workspace(main, ws).db();
            plan.add(new Step("Upload the workspace's backup", instance.getId(), instance.getName(), false,
                    new StepSpec.Upload(0, wsDump, stagedWs), ProductSteps.LONG, null));
            plan.add(FiefSteps.command(instance, "Restore the workspace's " + (main.vendor() == DbVendor.MYSQL ? "database" : "file")
                    + " in its old place", true, RestoreCommands.restore(wsDb, stagedWs), null));
        }
        if (main.vendor() == DbVendor.SQLITE) {
            String bak = main.sqlitePath() + ".bak";
            plan.add(FiefSteps.command(instance, "Set the swap's fief.db.bak aside (a later consolidation needs the name)", true,
                    "if [ -e " + quote(bak) + " ]; then mv " + quote(bak) + " " + quote(bak + "-before-rollback-" + jobId) + "; fi",
                    null));
        }
        plan.add(FiefSteps.command(instance, "Remove the staged backups", false, "rm -f " + quote(stagedMain) + " "
                + quote(stagedWs), null));
        plan.add(new Step("Verify: the workspace's tables back in their old place as recorded, none in the main database",
                instance.getId(), instance.getName(), false, new StepSpec.Verify(FiefProof.VERIFY_ROLLBACK, "job #" + jobId
                        + "'s record against " + Place.workspace(main, ws).describe(), Map.of("recordJob", String.valueOf(jobId))),
                ProductSteps.SHORT, null));
        return finish(instance, jobId, plan);
    }

    /**
     * SQLite inside a Docker container, stopped: the backups restored into files on the SSH host, written into the
     * container's volume, copied out again and checked there (FiefContainerFiles).
     */
    private static Plan inContainer(Instance instance, HostFacts host, DbSettings main, String ws, long jobId, String stagedMain,
            String stagedWs, String wsDump, List<Step> plan) {
        String stage = FiefContainerFiles.stage(instance, host);
        plan.add(new Step("Upload the workspace's backup", instance.getId(), instance.getName(), false,
                new StepSpec.Upload(0, wsDump, stagedWs), ProductSteps.LONG, null));
        plan.addAll(FiefContainerFiles.restore(instance, main, ws, stage, stagedMain, stagedWs, jobId));
        plan.add(FiefSteps.command(instance, "Remove the staged backups", false, "rm -f " + quote(stagedMain) + " "
                + quote(stagedWs), null));
        String check = FiefContainerFiles.checkStage(stage);
        plan.add(new Step("Verify: the workspace's tables back in their old place as recorded, none in the main database",
                instance.getId(), instance.getName(), false, new StepSpec.Verify(FiefProof.VERIFY_ROLLBACK, "job #" + jobId
                        + "'s record against " + Place.workspace(FiefContainerFiles.stagedMain(check, main), ws).onHostCopy()
                                .describe() + ", copied out of the container", Map.of("recordJob", String.valueOf(jobId),
                                        FiefProof.HOST_COPY, check)), ProductSteps.SHORT, null));
        plan.add(FiefContainerFiles.removeStage(instance, stage));
        return finish(instance, jobId, plan);
    }

    private static Plan finish(Instance instance, long jobId, List<Step> plan) {
        String start027 = instance.productSetting(FiefProfile.START_BEFORE_028, null);
        if (start027 == null) {
            plan.add(ProductSteps.note(instance, "Start Fief 0.27 again", "no start command of Fief 0.27 is set on the instance "
                    + "(an ADMIN sets one; the start command starts 0.28): start the 0.27 one (e.g. the image tag) by hand"));
        } else {
            plan.add(FiefSteps.command(instance, "Start Fief 0.27 again (the instance's start command of Fief 0.27)", true,
                    start027, "stop it: " + instance.productSetting(FiefProfile.STOP, "(no stop command set)")));
        }
        return new Plan(ID, "Roll back consolidation #" + jobId + " of " + instance.getName(), instance.getId(),
                instance.getName(), plan, Map.of("job", String.valueOf(jobId)));
    }
}
