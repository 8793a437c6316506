package dev.migrationpanel.cairncms;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.stereotype.Component;

import dev.migrationpanel.artifact.Artifact;
import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.database.RestoreCommands;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.job.Flow;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.product.HostFacts;
import dev.migrationpanel.product.ProductSteps;
import dev.migrationpanel.web.InvalidInputException;

/**
 * Puts the target of a CairnCMS content move or structure promotion back as the job found it: its DB restored from
 * the backup the job took before changing anything (tables made since dropped first, see {@link RestoreCommands}),
 * with the service stopped around it (a SQLite file replaced under a running server would go on being read from the
 * old one) and started again so its caches drop. Files a content move carried stay on disk, referenced by nothing.
 * Option {@code job}: the move or promotion.
 */
@Component
class CairnMoveRollbackFlow implements Flow {

    static final String ID = "cairncms.restore-target";
    static final String RESTORE = "Restore the target's DB";
    /** The jobs whose target this restores: each backs the target's DB up with ProductSteps.dbBackup first. */
    static final Set<String> RESTORABLE = Set.of(CairnContentMoveFlow.ID, CairnPromotionFlow.ID);

    private final JobService jobs;
    private final ArtifactStore artifacts;
    private final InstanceConnections connections;

    CairnMoveRollbackFlow(JobService jobs, ArtifactStore artifacts, InstanceConnections connections) {
        this.jobs = jobs;
        this.artifacts = artifacts;
        this.connections = connections;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Restore a content move's or promotion's target";
    }

    @Override
    public String description() {
        return "Puts the target's DB back as a content move or structure promotion found it, from the backup the job "
                + "took before changing anything, and restarts its service.";
    }

    /** It acts on one move's or promotion's backup: that job's page offers it, the flow list does not. */
    @Override
    public Purpose purpose() {
        return Purpose.RECOVER;
    }

    @Override
    public String changes() {
        return "the target's DB put back from the job's backup, its service stopped and started around it; files a "
                + "content move carried stay on disk";
    }

    @Override
    public String product() {
        return CairnCmsProfile.ID;
    }

    @Override
    public boolean appliesTo(Instance instance) {
        return Flow.super.appliesTo(instance) && CairnCmsProfile.reachable(instance);
    }

    /** A promotion's or a content move's target may be in a Docker container; a pod is not reached. */
    @Override
    public String whyNotApplicable(Instance instance) {
        return CairnCmsProfile.whyNotReachable(instance);
    }

    @Override
    public Plan plan(Instance target, Map<String, String> options) {
        String jobOption = options.getOrDefault("job", "").trim();
        if (!jobOption.matches("\\d{1,18}")) {
            throw InvalidInputException.of("job", "Name the job whose target to restore by its number");
        }
        long jobId = Long.parseLong(jobOption);
        Job job = jobs.get(jobId);
        if (!RESTORABLE.contains(job.getFlow())
                || !String.valueOf(target.getId()).equals(jobs.options(jobId).get("target"))) {
            throw InvalidInputException.of("job", "Job #" + jobId + " is not a content move or structure promotion to "
                    + target.getName());
        }
        Artifact dump = artifacts.forJob(jobId).stream().filter(a -> !a.isDeleted()
                        && target.getId().equals(a.getInstanceId()) && a.getKind() == ArtifactKind.DB_DUMP
                        && a.getName().endsWith("-dump.sql"))
                .min(Comparator.comparing(Artifact::getCreatedAt))
                .orElseThrow(() -> InvalidInputException.of("job", "Job #" + jobId + " holds no DB backup of "
                        + target.getName() + " (it failed before taking it, or the artifact was deleted)"));
        return build(target, read(target), jobId, dump.getId());
    }

    static Plan build(Instance target, HostFacts facts, long jobId, String dumpArtifact) {
        Long id = target.getId();
        String name = target.getName();
        String staged = facts.workDir() + "/cairncms-" + id + "-restore-" + jobId + ".sql";
        String stop = target.productSetting(CairnCmsProfile.STOP, null);
        String start = target.productSetting(CairnCmsProfile.START, null);
        List<Step> plan = new ArrayList<>();
        plan.add(ProductSteps.workDir(target, facts));
        plan.add(new Step("Upload the DB backup taken by job #" + jobId, id, name, false,
                new StepSpec.Upload(0, dumpArtifact, staged), ProductSteps.LONG, null));
        boolean commands = stop != null && start != null;
        boolean inDocker = CairnCommands.inDocker(target);
        if (inDocker && facts.db().vendor() == DbVendor.SQLITE) {
            // the SQLite file is inside the container, where the restore runs (docker exec: the container must run), the
            // dump streamed in so it is the container user's; the new file is moved over the old one, which the server
            // keeps reading until it is restarted below
            String inside = "/tmp/panel-restore-" + id + "-" + jobId + ".sql";
            plan.add(new Step(RESTORE + " (" + facts.db().vendor().label() + ", in container " + target.getContainerName()
                    + ")", id, name, true, new StepSpec.RemoteCommand("cat " + quote(staged) + " | "
                            + Deployment.of(target).wrap("umask 077 && cat > " + quote(inside) + " && ( "
                                    + RestoreCommands.restore(facts.db(), inside) + " ); rc=$?; rm -f " + quote(inside)
                                    + "; exit $rc")), ProductSteps.LONG, null));
            plan.add(new Step("Remove the staged dump", id, name, false, new StepSpec.RemoteCommand("rm -f "
                    + quote(staged)), ProductSteps.SHORT, null));
            plan.addAll(CairnCommands.restart(target));
            return new Plan(ID, "Restore " + name + " as before job #" + jobId, id, name, plan,
                    Map.of("job", String.valueOf(jobId)));
        }
        if (commands) {
            plan.add(new Step("Stop the target's service", id, name, true, new StepSpec.RemoteCommand(stop),
                    ProductSteps.SHORT, null));
        } else if (!inDocker) {
            plan.add(ProductSteps.note(target, "Stop the target's service", "no start and stop commands are set on the "
                    + "instance: stop it yourself before this restore and start it after"));
        }
        // a networked DB is restored from the SSH host, where its container's DB_HOST is reached (as it was dumped)
        plan.add(new Step(RESTORE + " (" + facts.db().vendor().label() + ")", id, name, true,
                new StepSpec.RemoteCommand(RestoreCommands.restore(facts.db(), staged)), ProductSteps.LONG, null));
        plan.add(new Step("Remove the staged dump", id, name, false, new StepSpec.RemoteCommand("rm -f " + quote(staged)),
                ProductSteps.SHORT, null));
        if (commands) {
            plan.add(new Step("Start the target's service", id, name, true, new StepSpec.RemoteCommand(start),
                    ProductSteps.SHORT, null));
        } else if (inDocker) {
            plan.addAll(CairnCommands.restart(target)); // its container restarted so its caches drop
        } else {
            plan.add(ProductSteps.note(target, "Start the target's service", "no start command is set on the instance: "
                    + "start it yourself so it serves the restored DB"));
        }
        return new Plan(ID, "Restore " + name + " as before job #" + jobId, id, name, plan,
                Map.of("job", String.valueOf(jobId)));
    }

    private HostFacts read(Instance instance) {
        return HostFacts.read(instance, connections);
    }
}
