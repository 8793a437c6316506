package dev.migrationpanel.artifact;

/** Tells retention whether a job still runs: artifacts of an active job are never deleted. */
@FunctionalInterface
public interface ArtifactUsage {
    boolean isJobActive(long jobId);
}
