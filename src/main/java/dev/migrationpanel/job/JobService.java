package dev.migrationpanel.job;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.annotation.Transactional;

import dev.migrationpanel.security.AuditService;
import dev.migrationpanel.web.InvalidInputException;
import dev.migrationpanel.web.NotFoundException;
import tools.jackson.databind.json.JsonMapper;

/** Starting, cancelling, resuming and continuing jobs; each is audited. */
@Service
public class JobService {

    private final JobRepository jobs;
    private final InstanceLocks locks;
    private final JobStates states;
    private final JobDispatcher.JobQueue queue;
    private final JdbcTemplate jdbc;
    private final JsonMapper json;
    private final AuditService audit;
    private final Clock clock;
    private final JobHistory history;

    JobService(JobRepository jobs, InstanceLocks locks, JobStates states, JobDispatcher.JobQueue queue,
            JdbcTemplate jdbc, JsonMapper json, AuditService audit, Clock clock, JobHistory history) {
        this.jobs = jobs;
        this.locks = locks;
        this.states = states;
        this.queue = queue;
        this.jdbc = jdbc;
        this.json = json;
        this.audit = audit;
        this.clock = clock;
        this.history = history;
    }

    @Transactional(readOnly = true)
    public Job get(long id) {
        Job job = jobs.findById(id).orElseThrow(() -> new NotFoundException("No job with id " + id));
        job.getSteps().size(); // the page shows them after the transaction
        return job;
    }

    /** One page of the history as summaries (no plan), newest first. */
    public org.springframework.data.domain.Page<JobView> search(JobSearch search, int page, int size) {
        return history.page(search, page, size);
    }

    /** The ids of the instances that have jobs (the others have no history to filter). */
    @Transactional(readOnly = true)
    public java.util.Set<Long> instancesWithJobs() {
        return new java.util.HashSet<>(jdbc.queryForList(
                "select distinct instance_id from job where instance_id is not null", Long.class));
    }

    @Transactional(readOnly = true)
    public java.util.List<String> flows() {
        return jdbc.queryForList("select distinct flow from job order by flow", String.class);
    }

    /**
     * Saves the plan as a job, takes the locks of every instance it touches, and dispatches it. Refused,
     * with nothing saved, when another job holds one of those instances.
     */
    @Transactional
    public Job start(Plan plan) {
        String actor = AuditService.currentActor();
        Job job = new Job(plan.flow(), plan.title(), plan.instanceId(), plan.instanceName(), actor, Instant.now(clock));
        int position = 0;
        for (Step step : plan.steps()) {
            JobStep stored = new JobStep(job, position++, step.title(), step.spec().kind(), step.instanceId(),
                    step.instanceName(), step.changesInstance(), step.spec().display(),
                    json.writeValueAsString(step.spec()), step.undo(), (int) step.timeout().toSeconds());
            stored.setBesideNext(step.besideNext());
            job.addStep(stored);
        }
        job.setOptions(json.writeValueAsString(plan.options()));
        Job saved = jobs.saveAndFlush(job);
        locks.acquire(saved.getId(), plan.instanceIds(), actor);
        audit.record("job.started", "job", saved.getId(), plan.title(),
                plan.flow() + " on " + (plan.instanceName() == null ? "no instance" : plan.instanceName())
                        + ", " + plan.steps().size() + " steps");
        afterCommit(() -> queue.enqueue(saved.getId()));
        return saved;
    }

    /** The options the job's flow was run with. */
    @Transactional(readOnly = true)
    public java.util.Map<String, String> options(long id) {
        String stored = get(id).getOptions();
        if (stored == null || stored.isBlank()) {
            return java.util.Map.of();
        }
        java.util.Map<String, String> options = new java.util.LinkedHashMap<>();
        json.readTree(stored).properties().forEach(e -> options.put(e.getKey(), e.getValue().asString()));
        return options;
    }

    /**
     * Stops a job: a queued or waiting one at once; a running one as soon as its runner notices (it kills
     * the remote command's process group).
     */
    @Transactional
    public void cancel(long id) {
        Job job = get(id);
        if (!job.getStatus().isActive()) {
            throw InvalidInputException.of("status", "Job #" + id + " is " + job.getStatus().name().toLowerCase()
                    + ": there is nothing to cancel");
        }
        // the request is recorded whatever the state: a job that moves from QUEUED to RUNNING, or from RUNNING to its
        // gate, while this runs still sees it (the runner checks it before each step and before it parks at a gate)
        jdbc.update("update job set cancel_requested = true where id = ? and status in ('QUEUED', 'RUNNING', 'WAITING')", id);
        if (job.getStatus() != JobStatus.RUNNING) {
            Integer at = job.getStatus() == JobStatus.WAITING ? job.getResumeFrom() : null;
            if (at != null) {
                states.stepEnded(id, at, StepStatus.CANCELLED, "Cancelled at the confirmation gate");
            }
            states.end(id, List.of(JobStatus.QUEUED, JobStatus.WAITING), JobStatus.CANCELLED, at,
                    "Cancelled by " + AuditService.currentActor() + " before it ran on");
        }
        audit.record("job.cancelled", "job", id, job.getTitle(), "was " + job.getStatus().name().toLowerCase());
    }

    /**
     * Runs a failed, cancelled or interrupted job again from a step (by default the one it stopped at),
     * keeping the log and artifacts of the earlier attempts.
     *
     * @param fromStep position (0-based) to start at, or null for where it stopped
     */
    @Transactional
    public Job resume(long id, Integer fromStep) {
        Job job = get(id);
        if (!job.getStatus().isResumable()) {
            throw InvalidInputException.of("status", "Job #" + id + " is " + job.getStatus().name().toLowerCase()
                    + ": only a failed, cancelled or interrupted job can be resumed");
        }
        int from = fromStep == null ? job.getResumeFrom() : fromStep;
        if (from < 0 || from >= job.getSteps().size()) {
            throw InvalidInputException.of("fromStep", "Choose a step between 1 and " + job.getSteps().size());
        }
        jdbc.update("update job_step set status = 'PENDING', message = null, bytes_done = null, bytes_total = null "
                + "where job_id = ? and position >= ?", id, from);
        int updated = jdbc.update("update job set status = 'QUEUED', resume_from = ?, attempt = attempt + 1, "
                + "cancel_requested = false, finished_at = null, message = ? where id = ? and status = ?",
                from, "Resumed from step " + (from + 1) + " by " + AuditService.currentActor(), id, job.getStatus().name());
        if (updated != 1) {
            throw InvalidInputException.of("status", "Job #" + id + " changed meanwhile: reload and try again");
        }
        locks.acquire(id, instanceIds(job), AuditService.currentActor());
        audit.record("job.resumed", "job", id, job.getTitle(), "from step " + (from + 1));
        afterCommit(() -> queue.enqueue(id));
        return job;
    }

    /** Passes the confirmation gate the job waits at and lets it run on. */
    @Transactional
    public void continueAtGate(long id) {
        Job job = get(id);
        if (job.getStatus() != JobStatus.WAITING) {
            throw InvalidInputException.of("status", "Job #" + id + " is not waiting for a confirmation");
        }
        int gate = job.getResumeFrom();
        states.stepEnded(id, gate, StepStatus.SUCCEEDED, "Confirmed by " + AuditService.currentActor());
        int updated = jdbc.update("update job set status = 'QUEUED', resume_from = ?, message = null "
                + "where id = ? and status = 'WAITING'", gate + 1, id);
        if (updated != 1) {
            throw InvalidInputException.of("status", "Job #" + id + " changed meanwhile: reload and try again");
        }
        audit.record("job.continued", "job", id, job.getTitle(), "passed the gate at step " + (gate + 1));
        afterCommit(() -> queue.enqueue(id));
    }

    private static List<Long> instanceIds(Job job) {
        java.util.Set<Long> ids = new java.util.TreeSet<>();
        if (job.getInstanceId() != null) {
            ids.add(job.getInstanceId());
        }
        job.getSteps().stream().map(JobStep::getInstanceId).filter(java.util.Objects::nonNull).forEach(ids::add);
        return List.copyOf(ids);
    }

    /** Dispatch only what was committed: a worker must find the job and its locks. */
    private static void afterCommit(Runnable action) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                action.run();
            }
        });
    }
}
