package dev.migrationpanel.job;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.migrationpanel.job.log.JobLogHub;

/**
 * The runner's writes to a job's state, as guarded SQL updates: each transition names the state it
 * leaves, so a runner, a cancel click and a recovering node never overwrite each other's outcome.
 */
@Component
class JobStates {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final InstanceLocks locks;
    private final Clock clock;
    private final JobLogHub hub;

    JobStates(JdbcTemplate jdbc, TransactionTemplate tx, InstanceLocks locks, Clock clock, JobLogHub hub) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.locks = locks;
        this.clock = clock;
        this.hub = hub;
    }

    private Timestamp now() {
        return Timestamp.from(Instant.now(clock));
    }

    /** QUEUED → RUNNING on this node; false when the job is not queued any more (cancelled meanwhile). */
    boolean start(long jobId, String node) {
        return jdbc.update("update job set status = 'RUNNING', node = ?, started_at = coalesce(started_at, ?), "
                + "finished_at = null, message = null where id = ? and status = 'QUEUED'", node, now(), jobId) == 1;
    }

    /**
     * A run's writes name its attempt and change nothing once the job is no longer RUNNING that attempt: a node
     * taken for dead that wakes up (a long pause, a network cut that healed) after another node interrupted its
     * job, and maybe resumed it, cannot overwrite the new run's steps, end it or release its locks.
     */
    private static final String OWN_RUN = " and exists (select 1 from job j where j.id = job_step.job_id "
            + "and j.attempt = ? and j.status = 'RUNNING')";

    /** Whether the run of {@code attempt} still owns the job, was asked to cancel, or was lost. */
    enum RunState {
        RUNS, CANCEL_REQUESTED, LOST
    }

    RunState runState(long jobId, int attempt) {
        List<java.util.Map<String, Object>> rows = jdbc.queryForList(
                "select status, attempt, cancel_requested from job where id = ?", jobId);
        if (rows.isEmpty()) {
            return RunState.LOST;
        }
        java.util.Map<String, Object> row = rows.get(0);
        if (!"RUNNING".equals(row.get("status")) || ((Number) row.get("attempt")).intValue() != attempt) {
            return RunState.LOST;
        }
        return Boolean.TRUE.equals(row.get("cancel_requested")) ? RunState.CANCEL_REQUESTED : RunState.RUNS;
    }

    /**
     * @param current whether it becomes the job's current step: not for the second of two steps side by side, so
     *                that a job interrupted while they ran resumes from the first
     */
    void stepStarted(long jobId, int position, int attempt, boolean current) {
        tx.executeWithoutResult(s -> {
            jdbc.update("update job_step set status = 'RUNNING', attempt = ?, started_at = ?, finished_at = null, "
                    + "message = null, bytes_done = null, bytes_total = null where job_id = ? and position = ?" + OWN_RUN,
                    attempt, now(), jobId, position, attempt);
            if (current) {
                jdbc.update("update job set current_step = ? where id = ? and attempt = ? and status = 'RUNNING'",
                        position, jobId, attempt);
            }
        });
    }

    /** A step's end, by whoever ends it outside a run (a cancel at a gate, a confirmation). */
    void stepEnded(long jobId, int position, StepStatus status, String message) {
        jdbc.update("update job_step set status = ?, finished_at = ?, message = ? where job_id = ? and position = ?",
                status.name(), now(), clip(message), jobId, position);
    }

    /** A step's end, by the run of {@code attempt}. */
    void stepEnded(long jobId, int attempt, int position, StepStatus status, String message) {
        jdbc.update("update job_step set status = ?, finished_at = ?, message = ? where job_id = ? and position = ?"
                + OWN_RUN, status.name(), now(), clip(message), jobId, position, attempt);
    }

    void progress(long jobId, int attempt, int position, long done, Long total) {
        jdbc.update("update job_step set bytes_done = ?, bytes_total = ? where job_id = ? and position = ?" + OWN_RUN,
                done, total, jobId, position, attempt);
    }

    /** RUNNING → WAITING at a gate; the locks stay held. */
    /**
     * Parks the running job at its gate, unless a cancel came in meanwhile (then the caller ends it as cancelled: a
     * job parked with a cancel request would wait forever). Returns whether it is now waiting.
     */
    boolean waiting(long jobId, int attempt, int position, String prompt) {
        Boolean parked = tx.execute(s -> {
            int n = jdbc.update("update job set status = 'WAITING', resume_from = ?, message = ? where id = ? "
                    + "and status = 'RUNNING' and cancel_requested = false and attempt = ?", position,
                    clip("Waiting for confirmation: " + prompt), jobId, attempt);
            if (n == 1) {
                jdbc.update("update job_step set status = 'WAITING', message = ? where job_id = ? and position = ?",
                        clip(prompt), jobId, position);
            }
            return n == 1;
        });
        hub.wake(jobId);
        return Boolean.TRUE.equals(parked);
    }

    /**
     * Ends the job (SUCCEEDED, FAILED, CANCELLED or INTERRUPTED) if it is still in one of {@code from}, and
     * releases its locks in the same transaction. Returns whether this call ended it.
     */
    boolean end(long jobId, List<JobStatus> from, JobStatus to, Integer resumeFrom, String message) {
        return end(jobId, from, null, to, resumeFrom, message);
    }

    /** Ends the run of {@code attempt} ({@link #end}), if the job is still RUNNING that attempt. */
    boolean endRun(long jobId, int attempt, JobStatus to, Integer resumeFrom, String message) {
        return end(jobId, List.of(JobStatus.RUNNING), attempt, to, resumeFrom, message);
    }

    private boolean end(long jobId, List<JobStatus> from, Integer attempt, JobStatus to, Integer resumeFrom,
            String message) {
        Boolean ended = tx.execute(s -> {
            String states = String.join("','", from.stream().map(Enum::name).toList());
            int n = jdbc.update("update job set status = ?, finished_at = ?, message = ?, cancel_requested = false, "
                    + "resume_from = coalesce(?, resume_from) where id = ? and status in ('" + states + "')"
                    + (attempt == null ? "" : " and attempt = " + attempt.intValue()),
                    to.name(), now(), clip(message), resumeFrom, jobId);
            if (n == 1) {
                locks.release(jobId);
            }
            return n == 1;
        });
        hub.wake(jobId); // open log streams see the end at once
        return Boolean.TRUE.equals(ended);
    }

    /**
     * Ends a queued or running job as INTERRUPTED, resumable from the step it was in: that step is marked
     * interrupted too (never left "running"), and the job's locks are released, all in one transaction. What a
     * node does for the jobs of a node that died (db-scheduler's dead execution, the sweep) or for its own at start.
     * Returns whether this call ended it.
     */
    boolean interrupt(long jobId, String message) {
        Boolean ended = tx.execute(s -> {
            // the earliest step that was running: of two steps side by side, the one of them that had not finished
            Integer running = jdbc.queryForObject("select min(position) from job_step where job_id = ? "
                    + "and status = 'RUNNING'", Integer.class, jobId);
            List<Integer> at = jdbc.queryForList("select current_step from job where id = ?", Integer.class, jobId);
            Integer step = running != null ? running : at.isEmpty() ? null : at.get(0);
            if (!end(jobId, List.of(JobStatus.QUEUED, JobStatus.RUNNING), JobStatus.INTERRUPTED, step, message)) {
                return false;
            }
            jdbc.update("update job_step set status = 'INTERRUPTED', finished_at = ?, message = ? "
                    + "where job_id = ? and status = 'RUNNING'", now(), clip(message), jobId);
            return true;
        });
        return Boolean.TRUE.equals(ended);
    }

    boolean cancelRequested(long jobId) {
        List<Boolean> flags = jdbc.queryForList("select cancel_requested from job where id = ?", Boolean.class, jobId);
        return !flags.isEmpty() && Boolean.TRUE.equals(flags.get(0));
    }

    static String clip(String message) {
        if (message == null) {
            return null;
        }
        String flat = message.replaceAll("\\s*\\R\\s*", " · ").strip();
        return flat.length() <= 2000 ? flat : flat.substring(0, 1999) + "…";
    }
}
