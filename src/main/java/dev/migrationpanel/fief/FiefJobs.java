package dev.migrationpanel.fief;

import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.migrationpanel.artifact.Artifact;
import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.product.HostFacts;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
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
    HostFacts facts(Instance instance) {
        return HostFacts.read(instance, connections);
    }

    static List<String> none() {
        return List.of();
    }
}
