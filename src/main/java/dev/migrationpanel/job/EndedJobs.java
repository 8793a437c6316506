package dev.migrationpanel.job;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Jobs that ended (succeeded, failed, were cancelled or interrupted) lately, for whoever tells admins about them.
 * Read from the job table rather than pushed by the runner: an outcome is then never lost to a node that stops
 * between ending a job and telling someone, and the runner knows nothing of who listens.
 */
@Component
public class EndedJobs {

    /**
     * One end of one attempt of a job (a resumed job ends again, with the next attempt).
     *
     * @param message the job's last message, as masked when it was written
     */
    public record Ended(long id, int attempt, String flow, String title, Long instanceId, String instanceName,
            JobStatus status, String startedBy, Instant createdAt, Instant startedAt, Instant finishedAt,
            String message) {

        public Duration duration() {
            return startedAt == null || finishedAt == null ? Duration.ZERO : Duration.between(startedAt, finishedAt);
        }
    }

    private final JdbcTemplate jdbc;

    EndedJobs(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Jobs that ended at or after {@code since}, oldest first. */
    public List<Ended> since(Instant since) {
        return jdbc.query("select id, attempt, flow, title, instance_id, instance_name, status, started_by, created_at, "
                + "started_at, finished_at, message from job where finished_at >= ? "
                + "and status in ('SUCCEEDED', 'FAILED', 'CANCELLED', 'INTERRUPTED') order by finished_at, id",
                (rs, n) -> new Ended(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getString(4),
                        (Long) rs.getObject(5, Long.class), rs.getString(6), JobStatus.valueOf(rs.getString(7)),
                        rs.getString(8), instant(rs.getTimestamp(9)), instant(rs.getTimestamp(10)),
                        instant(rs.getTimestamp(11)), rs.getString(12)),
                Timestamp.from(since));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
