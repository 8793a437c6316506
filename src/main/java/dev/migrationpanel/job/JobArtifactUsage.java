package dev.migrationpanel.job;

import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.migrationpanel.artifact.ArtifactUsage;

/**
 * Tells artifact retention whether a job still runs: active while QUEUED, RUNNING or WAITING. A job that no
 * longer exists is not; a status this code does not know is treated as active, so retention errs on keeping.
 */
@Component
class JobArtifactUsage implements ArtifactUsage {

    private final JdbcTemplate jdbc;

    JobArtifactUsage(JdbcTemplate jdbc) {
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
