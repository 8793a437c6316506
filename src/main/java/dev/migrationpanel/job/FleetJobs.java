package dev.migrationpanel.job;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What the fleet's overview shows of jobs, for every instance at once, in three queries whatever the history's
 * length: each instance's active job with its progress, each instance's last finished job, and how many jobs run,
 * wait at a gate and failed lately.
 */
@Component
public class FleetJobs {

    /**
     * @param done  how many of its steps have succeeded, for an active job
     * @param steps how many steps its plan has
     */
    public record Summary(long id, String title, JobStatus status, Instant at, int done, int steps) {
    }

    public record Fleet(Map<Long, Summary> active, Map<Long, Summary> last, long running, long waiting,
            long failedSince) {
    }

    private final JdbcTemplate jdbc;

    FleetJobs(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** @param since the start of the window in which failed jobs are counted */
    public Fleet read(Instant since) {
        Map<Long, Summary> active = new HashMap<>();
        jdbc.query("select j.instance_id, j.id, j.title, j.status, coalesce(j.started_at, j.created_at), "
                + "(select count(*) from job_step s where s.job_id = j.id and s.status = 'SUCCEEDED'), "
                + "(select count(*) from job_step s where s.job_id = j.id) from job j "
                + "where j.status in ('QUEUED', 'RUNNING', 'WAITING') and j.instance_id is not null order by j.id", rs -> {
                    // two active jobs on one instance cannot be (its lock); were they, the newest would show
                    active.put(rs.getLong(1), new Summary(rs.getLong(2), rs.getString(3), JobStatus.valueOf(rs.getString(4)),
                            rs.getTimestamp(5).toInstant(), rs.getInt(6), rs.getInt(7)));
                });
        Map<Long, Summary> last = new HashMap<>();
        // per instance, its newest finished job found along ix_job_instance_finished: a seek each, whatever the
        // history's length (numbering every finished job per instance read the whole history on every refresh)
        jdbc.query("select j.instance_id, j.id, j.title, j.status, j.finished_at from job j where j.id in ("
                + "select (select x.id from job x where x.instance_id = i.id and x.finished_at is not null "
                + "and x.status not in ('QUEUED', 'RUNNING', 'WAITING') order by x.finished_at desc, x.id desc "
                + "fetch first 1 rows only) from instance i)", rs -> {
                    last.put(rs.getLong(1), new Summary(rs.getLong(2), rs.getString(3), JobStatus.valueOf(rs.getString(4)),
                            rs.getTimestamp(5).toInstant(), 0, 0));
                });
        long[] counts = new long[3];
        jdbc.query("select status, count(*) from job where status in ('RUNNING', 'WAITING', 'QUEUED') "
                + "or (status = 'FAILED' and finished_at >= ?) group by status", rs -> {
                    switch (JobStatus.valueOf(rs.getString(1))) {
                        case RUNNING, QUEUED -> counts[0] += rs.getLong(2);
                        case WAITING -> counts[1] += rs.getLong(2);
                        default -> counts[2] += rs.getLong(2);
                    }
                }, Timestamp.from(since));
        return new Fleet(active, last, counts[0], counts[1], counts[2]);
    }
}
