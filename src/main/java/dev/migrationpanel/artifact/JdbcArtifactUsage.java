package dev.migrationpanel.artifact;

import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.migrationpanel.job.JobStatus;

/**
 * A job is active while its status is QUEUED, RUNNING or WAITING. A job that no longer exists is not; a
 * status this code does not know is treated as active, so retention errs on keeping.
 */
final class JdbcArtifactUsage implements ArtifactUsage {

    private final JdbcTemplate jdbc;

    JdbcArtifactUsage(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean isJobActive(long jobId) {
        List<String> status = jdbc.queryForList("select status from job where id = ?", String.class, jobId);
        if (status.isEmpty()) {
            return false;
        }
        try {
            return JobStatus.valueOf(status.get(0)).isActive();
        } catch (IllegalArgumentException | NullPointerException unknown) {
            return true;
        }
    }
}
