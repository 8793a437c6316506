package dev.migrationpanel.cairncms;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.migrationpanel.artifact.Artifact;
import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.database.RestoreCommands;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.job.Flow;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.product.HostFacts;
import dev.migrationpanel.product.ProductSteps;
import dev.migrationpanel.web.InvalidInputException;
import dev.migrationpanel.web.NotFoundException;

/**
 * Puts a clone's target back as the clone found it: its {@code .env}, its DB and each storage root the clone copied
 * file bytes into (emptied, then its archive taken before the copy unpacked: what the clone added is gone, what it
 * overwrote is back) from the backups the clone took before changing anything, the service stopped meanwhile and
 * started after; and, when the clone
 * stopped the source's service for the copy and failed before starting it again, the source's service started. For
 * a clone that failed, or that the admin does not keep. Option {@code job}: the clone job.
 */
@Component
class CairnCloneRollbackFlow implements Flow {

    static final String ID = "cairncms.clone-rollback";

    private final JobService jobs;
    private final ArtifactStore artifacts;
    private final InstanceService instances;
    private final InstanceConnections connections;

    CairnCloneRollbackFlow(JobService jobs, ArtifactStore artifacts, InstanceService instances,
            InstanceConnections connections) {
        this.jobs = jobs;
        this.artifacts = artifacts;
        this.instances = instances;
        this.connections = connections;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Roll back a clone's target";
    }

    @Override
    public String description() {
        return "Puts the DB, the .env and the storage roots of a clone's target back as the clone found them, from the "
                + "backups it took before changing anything.";
    }

    @Override
    public Purpose purpose() {
        return Purpose.RECOVER;
    }

    @Override
    public String changes() {
        return "the clone's target: its DB, .env and storage roots put back from the clone's backups; the source's "
                + "service started if the clone left it stopped";
    }

    @Override
    public String product() {
        return CairnCmsProfile.ID;
    }

    @Override
    public Plan plan(Instance target, Map<String, String> options) {
        String jobOption = options.getOrDefault("job", "").trim();
        if (!jobOption.matches("\\d{1,18}")) {
            throw InvalidInputException.of("job", "Name the clone job whose target to roll back by its number");
        }
        long cloneId = Long.parseLong(jobOption);
        Job clone;
        try {
            clone = jobs.get(cloneId);
        } catch (NotFoundException e) {
            throw InvalidInputException.of("job", "There is no job #" + cloneId);
        }
        Map<String, String> cloneOptions = jobs.options(cloneId);
        if (!CairnCloneFlow.ID.equals(clone.getFlow()) || !String.valueOf(target.getId()).equals(cloneOptions.get("target"))) {
            throw InvalidInputException.of("job", "Job #" + cloneId + " is not a clone to " + target.getName());
        }
        if (clone.getStatus().isActive()) {
            throw InvalidInputException.of("job", "Job #" + cloneId + " is still running: cancel it first");
        }
        List<Artifact> taken = artifacts.forJob(cloneId).stream()
                .filter(a -> !a.isDeleted() && target.getId().equals(a.getInstanceId())).toList();
        // a target in a Docker container has no .env: its settings are its container's environment, which a clone leaves
        Artifact env = CairnCommands.inDocker(target) ? null : taken.stream()
                .filter(a -> a.getKind() == ArtifactKind.ENV_FILE).findFirst()
                .orElseThrow(() -> InvalidInputException.of("job", "Job #" + cloneId + " holds no .env backup of "
                        + target.getName() + " (it failed before taking it, or the artifact was deleted)"));
        Artifact dump = taken.stream().filter(a -> a.getKind() == ArtifactKind.DB_DUMP).findFirst()
                .orElseThrow(() -> InvalidInputException.of("job", "Job #" + cloneId + " holds no DB backup of "
                        + target.getName() + " (it failed before taking it, or the artifact was deleted)"));
        List<StorageBackup> storage = new ArrayList<>();
        for (Map.Entry<String, String> option : new java.util.TreeMap<>(cloneOptions).entrySet()) {
            if (!option.getKey().startsWith(CairnCloneFlow.STORAGE_ROOT_OPTION)) {
                continue;
            }
            String location = option.getKey().substring(CairnCloneFlow.STORAGE_ROOT_OPTION.length());
            String root = option.getValue();
            if (!root.startsWith("/") || root.replaceAll("/+", "/").equals("/") || root.contains("\n")) {
                throw InvalidInputException.of("job", "Job #" + cloneId + " names no usable storage root for " + location);
            }
            String name = CairnCloneFlow.storageBackupName(cloneOptions.getOrDefault("targetName", target.getName()), location);
            // none: the clone failed before archiving that root, so it copied nothing into it either
            String artifact = taken.stream().filter(a -> a.getKind() == ArtifactKind.FILE_ARCHIVE && a.getName().equals(name))
                    .map(Artifact::getId).findFirst().orElse(null);
            storage.add(new StorageBackup(location, root, artifact));
        }
        Instance source = null;
        if (CairnCloneFlow.STOP_SOURCE.equals(cloneOptions.get("pause")) && clone.getInstanceId() != null) {
            try {
                source = instances.get(clone.getInstanceId());
            } catch (NotFoundException e) {
                source = null; // deleted since: nothing to start
            }
        }
        HostFacts facts = read(target);
        if (CairnCommands.inDocker(target) && facts.db().vendor() == DbVendor.SQLITE) {
            throw InvalidInputException.of("job", target.getName() + " keeps its SQLite file inside its container, which a "
                    + "clone never replaced: put it back by hand from the DB backup of job #" + cloneId);
        }
        return build(target, facts, source, cloneId, env == null ? null : env.getId(), dump.getId(), storage);
    }

    /**
     * A target storage root the clone copied bytes into, and the artifact of it as the clone found it.
     *
     * @param artifactId null when the clone failed before archiving it (and so copied nothing into it)
     */
    record StorageBackup(String location, String root, String artifactId) {
    }

    /**
     * The plan, as a value. {@code source}: the clone's source when it had its service stopped, else null;
     * {@code envArtifact} null for a target in a Docker container (no .env: its environment is not changed by a clone).
     */
    static Plan build(Instance target, HostFacts facts, Instance source, long cloneId, String envArtifact,
            String dumpArtifact, List<StorageBackup> storage) {
        Long id = target.getId();
        String name = target.getName();
        String stagedEnv = facts.workDir() + "/" + id + "-clone-rollback.env";
        String stagedDump = facts.workDir() + "/cairncms-" + id + "-clone-rollback-" + cloneId + ".sql";
        List<Step> plan = new ArrayList<>();
        if (source != null && CairnCommands.hasServiceCommands(source)) {
            // starting a running service is harmless: a clone that failed while it was stopped left it so
            plan.add(CairnCommands.startStep(source, "Start the source's service (the clone stopped it for the copy)"));
        }
        plan.add(ProductSteps.workDir(target, facts));
        if (CairnCommands.hasServiceCommands(target)) {
            plan.add(CairnCommands.stopStep(target, "Stop the target's service (its DB is replaced)", null));
        } else {
            plan.add(ProductSteps.note(target, "Stop the target's service", "no start and stop commands are set: stop it "
                    + "yourself while its DB is put back"));
        }
        if (envArtifact == null) {
            plan.add(ProductSteps.note(target, "The target's settings", "its container's environment, which the clone did "
                    + "not change: nothing to put back"));
        } else {
            plan.add(new Step("Upload the .env backup taken by job #" + cloneId, id, name, false,
                    new StepSpec.Upload(0, envArtifact, stagedEnv), ProductSteps.SHORT, null));
            plan.add(new Step("Put the .env back (same file: owner and mode kept)", id, name, true,
                    new StepSpec.RemoteCommand("cat " + quote(stagedEnv) + " > " + quote(target.getInstallPath() + "/.env")
                            + " && rm -f " + quote(stagedEnv)), ProductSteps.SHORT, null));
        }
        plan.add(new Step("Upload the DB backup taken by job #" + cloneId, id, name, false,
                new StepSpec.Upload(0, dumpArtifact, stagedDump), ProductSteps.LONG, null));
        String restore = RestoreCommands.restore(facts.db(), stagedDump);
        if (facts.db().vendor() == DbVendor.SQLITE) {
            // the clone's DB file is replaced: its journal files must not be applied to the one put back
            String file = facts.db().sqlitePath();
            restore += "; rm -f " + quote(file + "-wal") + " " + quote(file + "-shm") + " " + quote(file + "-journal");
        }
        plan.add(new Step("Restore the DB (" + facts.db().vendor().label() + ")", id, name, true,
                new StepSpec.RemoteCommand(restore), ProductSteps.LONG, null));
        plan.add(new Step("Remove the staged dump", id, name, false, new StepSpec.RemoteCommand("rm -f " + quote(stagedDump)),
                ProductSteps.SHORT, null));
        if (storage.isEmpty()) {
            plan.add(ProductSteps.note(target, "The file bytes the clone copied", "job #" + cloneId + " names no storage "
                    + "root it copied into (a clone from before the panel archived them): what it copied stays, named by "
                    + "the source's file ids, which no row of the restored DB refers to"));
        }
        for (StorageBackup backup : storage) {
            if (backup.artifactId() == null) {
                plan.add(ProductSteps.note(target, "Storage root of location " + backup.location(), "job #" + cloneId
                        + " stopped before archiving " + backup.root() + ", so before copying into it: nothing to put back"));
                continue;
            }
            String staged = facts.workDir() + "/" + id + "-clone-rollback-storage-" + backup.location() + ".tar";
            plan.add(new Step("Upload the archive of storage root " + backup.location() + " taken by job #" + cloneId, id,
                    name, false, new StepSpec.Upload(0, backup.artifactId(), staged), ProductSteps.LONG, null));
            String putBack = "mkdir -p " + quote(backup.root()) + " && find " + quote(backup.root()) + " -mindepth 1 -delete "
                    + "&& tar -C " + quote(backup.root()) + " --no-overwrite-dir -xf ";
            // in a Docker container (stopped meanwhile) on its mounts, by a one-off container of its image, as its user
            String command = CairnCommands.inDocker(target)
                    ? Deployment.of(target).withVolumesOf(putBack + "- && cat > /dev/null", true) + " < " + quote(staged)
                    : putBack + quote(staged);
            plan.add(new Step("Put the storage root of location " + backup.location() + " back (" + backup.root()
                    + ": emptied, then its archive unpacked)", id, name, true, new StepSpec.RemoteCommand(command + " && rm -f "
                    + quote(staged)), ProductSteps.LONG, null));
        }
        if (CairnCommands.hasServiceCommands(target)) {
            plan.add(CairnCommands.startStep(target, "Start the target's service"));
        } else {
            plan.add(ProductSteps.note(target, "Start the target's service", "no start and stop commands are set: start it "
                    + "yourself"));
        }
        if (target.getAppUrl() != null && !target.getAppUrl().isBlank()) {
            plan.add(new Step("Verify: the target answers /server/ping", null, null, false, new StepSpec.HttpCheck(
                    target.getAppUrl().replaceAll("/+$", "") + "/server/ping", 200, "pong"), ProductSteps.SHORT, null));
        }
        return new Plan(ID, "Roll back " + name + " as before clone job #" + cloneId, id, name, plan,
                Map.of("job", String.valueOf(cloneId)));
    }

    private HostFacts read(Instance instance) {
        return HostFacts.read(instance, connections);
    }
}
