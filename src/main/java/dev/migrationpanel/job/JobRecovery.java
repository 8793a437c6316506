package dev.migrationpanel.job;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Nothing stays "running" forever and no lock sticks. At start-up, the jobs this node was running when it
 * stopped are marked interrupted (resumable from the step they were in). Then, periodically, any queued
 * or running job that no scheduler execution carries any more is interrupted, and locks of jobs that
 * ended are dropped.
 */
@Component
class JobRecovery {

    private static final Logger log = LoggerFactory.getLogger(JobRecovery.class);

    private final JdbcTemplate jdbc;
    private final JobStates states;
    private final InstanceLocks locks;
    private final JobProperties properties;

    JobRecovery(JdbcTemplate jdbc, JobStates states, InstanceLocks locks, JobProperties properties) {
        this.jdbc = jdbc;
        this.states = states;
        this.locks = locks;
        this.properties = properties;
    }

    @EventListener(ApplicationReadyEvent.class)
    void atStartup() {
        List<Long> ids = jdbc.queryForList("select id from job where status = 'RUNNING' and node = ?", Long.class,
                properties.node());
        for (long id : ids) {
            interrupt(id, "The panel stopped while this job ran; resume it from the interrupted step");
        }
        int stale = locks.releaseStale();
        if (!ids.isEmpty() || stale > 0) {
            log.warn("Start-up: {} interrupted job(s) marked, {} stale lock(s) released", ids.size(), stale);
        }
    }

    /** Orphans seen by the previous sweep: a job is interrupted only when two sweeps in a row find it orphaned. */
    private Set<Long> suspects = Set.of();

    @Scheduled(fixedDelayString = "${panel.jobs.sweep-interval:30s}", initialDelayString = "${panel.jobs.sweep-interval:30s}")
    synchronized void sweep() {
        Set<Long> orphans = new HashSet<>(jdbc.queryForList("select j.id from job j where j.status in ('QUEUED', 'RUNNING') "
                + "and not exists (select 1 from scheduled_tasks t where t.task_name = ? and t.task_instance = "
                + "concat('job-', cast(j.id as varchar(20))))", Long.class, JobDispatcher.TASK));
        for (long id : orphans) {
            if (suspects.contains(id)) {
                interrupt(id, "The job lost its place in the scheduler (a panel node stopped); resume it");
            }
        }
        suspects = orphans;
        locks.releaseStale();
    }

    private void interrupt(long id, String message) {
        // the earliest step that was running: of two steps side by side, the one of them that had not finished
        Integer running = jdbc.queryForObject("select min(position) from job_step where job_id = ? and status = 'RUNNING'",
                Integer.class, id);
        jdbc.update("update job_step set status = 'INTERRUPTED', finished_at = current_timestamp, message = ? "
                + "where job_id = ? and status = 'RUNNING'", message, id);
        Integer at = running != null ? running
                : jdbc.queryForObject("select current_step from job where id = ?", Integer.class, id);
        states.end(id, List.of(JobStatus.QUEUED, JobStatus.RUNNING), JobStatus.INTERRUPTED, at, message);
    }
}
