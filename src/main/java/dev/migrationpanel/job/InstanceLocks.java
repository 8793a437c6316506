package dev.migrationpanel.job;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * One job at a time per instance, enforced by the primary key of {@code instance_lock}, so it holds
 * across panel nodes. A lock whose job is no longer active is stale and taken over: no lock outlives
 * its job, whatever happened to the node that held it.
 */
@Component
class InstanceLocks {

    private final JdbcTemplate jdbc;
    private final Clock clock;

    InstanceLocks(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Takes every lock or none: call it inside the transaction that saves the job. */
    void acquire(long jobId, Collection<Long> instanceIds, String holder) {
        for (long instanceId : instanceIds) {
            acquireOne(jobId, instanceId, holder);
        }
    }

    private void acquireOne(long jobId, long instanceId, String holder) {
        for (int attempt = 0; attempt < 3; attempt++) {
            // a conditional insert, not insert-and-catch: a failed statement would abort a PostgreSQL transaction
            int inserted;
            try {
                inserted = jdbc.update("insert into instance_lock (instance_id, job_id, holder, acquired_at) "
                        + "select ?, ?, ?, ? where not exists (select 1 from instance_lock where instance_id = ?)",
                        instanceId, jobId, holder, Timestamp.from(Instant.now(clock)), instanceId);
            } catch (DuplicateKeyException race) {
                throw new InstanceBusyException("Another job took instance " + instanceId + " at the same moment: try again",
                        -1);
            }
            if (inserted == 1) {
                return;
            }
            List<Map<String, Object>> rows = jdbc.queryForList(
                    "select l.job_id, j.status, j.title, j.started_by, i.name from instance_lock l "
                            + "left join job j on j.id = l.job_id left join instance i on i.id = l.instance_id "
                            + "where l.instance_id = ?", instanceId);
            if (rows.isEmpty()) {
                continue; // released meanwhile
            }
            Map<String, Object> row = rows.get(0);
            long holderJob = ((Number) row.get("job_id")).longValue();
            if (holderJob == jobId) {
                return;
            }
            String status = (String) row.get("status");
            if (status == null || !JobStatus.valueOf(status).isActive()) {
                jdbc.update("delete from instance_lock where instance_id = ? and job_id = ?", instanceId, holderJob);
                continue;
            }
            throw new InstanceBusyException("Instance " + row.get("name") + " is busy with job #" + holderJob + " ("
                    + row.get("title") + ", " + status.toLowerCase() + ", started by " + row.get("started_by")
                    + "): one job at a time per instance", holderJob);
        }
        throw new IllegalStateException("Could not take the lock of instance " + instanceId);
    }

    /** Releases every lock the job holds. Idempotent. */
    void release(long jobId) {
        jdbc.update("delete from instance_lock where job_id = ?", jobId);
    }

    /** Drops locks held by jobs that are no longer active (a crashed node, an interrupted job). */
    int releaseStale() {
        return jdbc.update("delete from instance_lock where job_id not in "
                + "(select id from job where status in ('QUEUED', 'RUNNING', 'WAITING'))");
    }
}
