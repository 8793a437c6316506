package dev.migrationpanel.fief;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.migrationpanel.artifact.Artifact;
import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.remote.CommandResult;
import dev.migrationpanel.remote.SshSession;
import dev.migrationpanel.web.InvalidInputException;

/** What the follow-ups of a consolidation read: the job they follow, its backups, the instance's home and main DB. */
@Component
class FiefJobs {

    private final JobService jobs;
    private final ArtifactStore artifacts;
    private final InstanceConnections connections;

    FiefJobs(JobService jobs, ArtifactStore artifacts, InstanceConnections connections) {
        this.jobs = jobs;
        this.artifacts = artifacts;
        this.connections = connections;
    }

    /** The consolidation job named by option {@code job}, which must be of this instance. */
    Job consolidation(Instance instance, Map<String, String> options) {
        String option = options.getOrDefault("job", "").trim();
        if (!option.matches("\\d{1,18}")) {
            throw InvalidInputException.of("job", "Name the consolidation job by its number");
        }
        Job job = jobs.get(Long.parseLong(option));
        if (!FiefConsolidationFlow.ID.equals(job.getFlow()) || !instance.getId().equals(job.getInstanceId())) {
            throw InvalidInputException.of("job", "Job #" + option + " is not a consolidation of " + instance.getName());
        }
        return job;
    }

    Map<String, String> options(Job job) {
        return jobs.options(job.getId());
    }

    /** The job's DB dump whose name holds {@code label}, or null. */
    String dump(Job job, String label) {
        return artifacts.forJob(job.getId()).stream()
                .filter(a -> !a.isDeleted() && a.getKind() == ArtifactKind.DB_DUMP && a.getName().contains("-" + label + "-"))
                .map(Artifact::getId).findFirst().orElse(null);
    }

    /** The SSH user's home and the main DB's settings, read over SSH. */
    record Facts(String home, DbSettings main) {
    }

    Facts facts(Instance instance) {
        try (SshSession ssh = connections.openSsh(instance)) {
            CommandResult r = ssh.run("printf %s \"$HOME\"", Duration.ofSeconds(30));
            String home = r.stdout().trim();
            if (!r.ok() || !home.startsWith("/")) {
                throw InvalidInputException.of("job", "Cannot tell the home directory of " + instance.getSshUser() + " on "
                        + instance.getName() + ": dumps are staged there");
            }
            return new Facts(home, connections.dbSettings(instance, ssh));
        }
    }

    static List<String> none() {
        return List.of();
    }
}
