package dev.migrationpanel.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.migrationpanel.artifact.ArtifactException;
import dev.migrationpanel.database.DatabaseException;
import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.instance.InstanceRepository;
import dev.migrationpanel.job.log.JobLogService;
import dev.migrationpanel.job.log.JobLogWriter;
import dev.migrationpanel.job.log.LogStream;
import dev.migrationpanel.remote.RemoteException;
import dev.migrationpanel.remote.SecretRefs;
import dev.migrationpanel.remote.SshSession;
import dev.migrationpanel.security.SecretMasker;
import tools.jackson.databind.json.JsonMapper;

/**
 * Executes a job's stored plan from its resume point, one step after the other, recording each step's
 * start, end and outcome. Knows SSH, JDBC and the artifact store through its executors, never a product.
 * Every way out — success, failure, cancel, gate, crash of a step — leaves a job state that is true and
 * a lock that is released (or kept, at a gate, on purpose).
 */
@Component
class JobRunner {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    private final JobRepository jobs;
    private final JobStates states;
    private final InstanceRepository instances;
    private final InstanceConnections connections;
    private final JobLogService logs;
    private final Map<String, StepExecutor> executors;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final JobProperties properties;
    private final ScheduledExecutorService cancelWatch = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "job-cancel-watch");
        t.setDaemon(true);
        return t;
    });

    JobRunner(JobRepository jobs, JobStates states, InstanceRepository instances, InstanceConnections connections,
            JobLogService logs, List<StepExecutor> executors, TransactionTemplate tx, JsonMapper json,
            JobProperties properties) {
        this.jobs = jobs;
        this.states = states;
        this.instances = instances;
        this.connections = connections;
        this.logs = logs;
        this.executors = executors.stream().collect(Collectors.toMap(StepExecutor::kind, Function.identity()));
        this.tx = tx;
        this.json = json;
        this.properties = properties;
    }

    /** Plain data of a stored step, read in one transaction so the run needs no open session. */
    private record PlannedStep(int position, String title, StepSpec spec, Long instanceId, int timeoutSeconds,
            boolean besideNext) {
    }

    private record Loaded(Job job, List<PlannedStep> steps) {
    }

    /**
     * How one step's attempt ended: done or waiting at a gate (with its message), or stopped, with the step's and
     * the job's status and the step's one-line reason, not masked yet.
     */
    private record Outcome(StepStatus status, JobStatus jobStatus, boolean waiting, String message, long nanos) {
        static Outcome done(StepResult result, long nanos) {
            return new Outcome(StepStatus.SUCCEEDED, null, result.waiting(), result.message(), nanos);
        }

        static Outcome stopped(StepStatus status, JobStatus jobStatus, String message) {
            return new Outcome(status, jobStatus, false, message, 0);
        }

        boolean succeeded() {
            return status == StepStatus.SUCCEEDED && !waiting;
        }
    }

    void run(long jobId) {
        if (!states.start(jobId, properties.node())) {
            return; // cancelled or taken while queued: nothing to do
        }
        Loaded loaded = tx.execute(s -> {
            Job job = jobs.findById(jobId).orElseThrow();
            List<PlannedStep> steps = job.getSteps().stream().map(step -> new PlannedStep(step.getPosition(),
                    step.getTitle(), json.readValue(step.getSpec(), StepSpec.class), step.getInstanceId(),
                    step.getTimeoutSeconds(), step.isBesideNext())).toList();
            return new Loaded(job, steps);
        });
        Job job = loaded.job();
        Map<Long, Instance> targets = new HashMap<>();
        List<String> secrets = new ArrayList<>();
        for (PlannedStep step : loaded.steps()) {
            if (step.instanceId() != null && !targets.containsKey(step.instanceId())) {
                instances.findById(step.instanceId()).ifPresent(i -> {
                    targets.put(i.getId(), i);
                    secrets.addAll(connections.secretsOf(i));
                });
            }
        }
        int attempt = job.getAttempt();
        AtomicBoolean cancel = new AtomicBoolean();
        Resources resources = new Resources(jobId, attempt, targets, secrets);
        var watch = cancelWatch.scheduleWithFixedDelay(() -> {
            try {
                switch (states.runState(jobId, attempt)) {
                    case CANCEL_REQUESTED -> cancel.set(true);
                    case LOST -> {
                        // another node took this node for dead and interrupted the job (maybe resumed it since):
                        // the remote command is killed as on a cancel, and this run writes nothing more
                        resources.lost.set(true);
                        cancel.set(true);
                    }
                    case RUNS -> {
                    }
                }
            } catch (RuntimeException e) {
                log.warn("Could not poll job {} for a cancel request", jobId, e);
            }
        }, 0, properties.cancelPoll().toMillis(), TimeUnit.MILLISECONDS);
        try (JobLogWriter writer = logs.open(jobId, attempt, resources.masker()); resources) {
            resources.writer = writer;
            execute(job, loaded.steps(), resources, cancel);
        } catch (RuntimeException e) {
            if (resources.lost.get() || JobLogService.runLost(e)) {
                log.warn("Job {}: attempt {} on this node was taken over (its node was taken for dead); stopped it: {}",
                        jobId, attempt, e.toString());
                return;
            }
            String reference = UUID.randomUUID().toString().substring(0, 8);
            log.error("Job {} failed unexpectedly, reference {}", jobId, reference, e);
            states.endRun(jobId, attempt, JobStatus.FAILED, null,
                    "The panel failed unexpectedly; the panel log has the details under reference " + reference);
        } finally {
            watch.cancel(false);
        }
    }

    private void execute(Job job, List<PlannedStep> steps, Resources resources, AtomicBoolean cancel) {
        long jobId = job.getId();
        int attempt = resources.attempt;
        int total = steps.size();
        for (int index = 0; index < steps.size(); index++) {
            PlannedStep step = steps.get(index);
            if (step.position() < job.getResumeFrom()) {
                continue;
            }
            if (resources.lost.get()) {
                log.warn("Job {}: attempt {} on this node was taken over; not starting step {}", jobId, attempt,
                        step.position() + 1);
                return;
            }
            if (cancel.get()) {
                resources.note(step.position(), "Cancelled before step " + (step.position() + 1) + " started");
                // the log is stored before the job ends, as on every other ending: whoever opens it next (a resume)
                // continues after its last line
                resources.flush();
                states.endRun(jobId, attempt, JobStatus.CANCELLED, step.position(),
                        "Cancelled before step " + (step.position() + 1) + " of " + total);
                return;
            }
            if (step.besideNext() && index + 1 < steps.size()) {
                if (!runBeside(job, step, steps.get(index + 1), resources, cancel, total)) {
                    return;
                }
                index++;
                continue;
            }
            resources.note(step.position(), "Step " + (step.position() + 1) + "/" + total + ": " + step.title());
            states.stepStarted(jobId, step.position(), attempt, true);
            Outcome outcome = runStep(jobId, step, resources.main, cancel::get);
            if (outcome.status() != StepStatus.SUCCEEDED) {
                stop(jobId, step, resources, outcome.status(), outcome.jobStatus(), outcome.message(), total);
                return;
            }
            if (outcome.waiting() && (cancel.get() || states.cancelRequested(jobId))) {
                stop(jobId, step, resources, StepStatus.CANCELLED, JobStatus.CANCELLED, "Cancelled at the confirmation gate", total);
                return;
            }
            if (outcome.waiting()) {
                resources.note(step.position(), "Waiting for an admin to continue: " + outcome.message());
                resources.flush();
                if (!states.waiting(jobId, attempt, step.position(), outcome.message())) { // cancelled while reaching the gate
                    stop(jobId, step, resources, StepStatus.CANCELLED, JobStatus.CANCELLED,
                            "Cancelled at the confirmation gate", total);
                }
                return;
            }
            succeeded(jobId, step, resources, outcome);
        }
        resources.note(null, "All " + total + " steps succeeded");
        resources.flush();
        states.endRun(jobId, attempt, JobStatus.SUCCEEDED, total, "All " + total + " steps succeeded");
    }

    /** Runs one step on the calling thread, with the lane's connections; whatever happens, says how it ended. */
    private Outcome runStep(long jobId, PlannedStep step, Lane lane, java.util.function.BooleanSupplier cancelled) {
        long started = System.nanoTime();
        try {
            StepExecutor executor = executors.get(step.spec().kind());
            if (executor == null) {
                throw new StepFailedException("No executor for steps of kind " + step.spec().kind());
            }
            Instance target = step.instanceId() == null ? null : lane.resources().targets.get(step.instanceId());
            if (step.instanceId() != null && target == null) {
                throw new StepFailedException("The instance of this step was deleted from the registry");
            }
            StepResult result = executor.execute(new StepRun(jobId, step.position(), step.spec(), target,
                    Duration.ofSeconds(step.timeoutSeconds()), lane, cancelled));
            return Outcome.done(result, System.nanoTime() - started);
        } catch (RemoteException e) {
            if (Thread.currentThread().isInterrupted()) {
                return Outcome.stopped(StepStatus.INTERRUPTED, JobStatus.INTERRUPTED,
                        "The panel shut down while this step ran; resume it from this step");
            } else if (e.kind() == RemoteException.Kind.CANCELLED) {
                return Outcome.stopped(StepStatus.CANCELLED, JobStatus.CANCELLED, e.getMessage());
            }
            return Outcome.stopped(StepStatus.FAILED, JobStatus.FAILED, e.getMessage());
        } catch (StepFailedException | DatabaseException | ArtifactException e) {
            return Outcome.stopped(StepStatus.FAILED, JobStatus.FAILED, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.stopped(StepStatus.INTERRUPTED, JobStatus.INTERRUPTED, "The panel is shutting down");
        } catch (Exception e) {
            String reference = UUID.randomUUID().toString().substring(0, 8);
            log.error("Step {} of job {} failed unexpectedly, reference {}", step.position() + 1, jobId, reference, e);
            return Outcome.stopped(StepStatus.FAILED, JobStatus.FAILED,
                    "The panel failed unexpectedly in this step; the panel log has the details under reference " + reference);
        }
    }

    private void succeeded(long jobId, PlannedStep step, Resources resources, Outcome outcome) {
        states.stepEnded(jobId, resources.attempt, step.position(), StepStatus.SUCCEEDED, resources.mask(outcome.message()));
        resources.note(step.position(), "Step " + (step.position() + 1) + " done in " + seconds(outcome.nanos()) + ": "
                + outcome.message());
    }

    /**
     * Runs {@code first} (marked to run beside the next step) and {@code second} at the same time: the second on the
     * job's thread with the run's connections, the first on one more thread with connections of its own (an SSH
     * session serves one thread at a time). Each logs under its own step number and records its own end. When
     * either stops (fails, is cancelled, or the panel shuts down), the other is told to stop as a cancel is, and
     * the job ends once both have ended, resuming from the earliest of the two that did not succeed.
     *
     * @return whether both succeeded and the plan goes on
     */
    private boolean runBeside(Job job, PlannedStep first, PlannedStep second, Resources resources, AtomicBoolean cancel,
            int total) {
        long jobId = job.getId();
        AtomicBoolean partnerStopped = new AtomicBoolean();
        java.util.function.BooleanSupplier stopAsked = () -> cancel.get() || partnerStopped.get();
        resources.note(first.position(), "Step " + (first.position() + 1) + "/" + total + ": " + first.title()
                + " (beside step " + (second.position() + 1) + ")");
        resources.note(second.position(), "Step " + (second.position() + 1) + "/" + total + ": " + second.title()
                + " (beside step " + (first.position() + 1) + ")");
        // the job's current step is the first of the pair: a panel that stops now resumes the job from there
        states.stepStarted(jobId, first.position(), resources.attempt, true);
        states.stepStarted(jobId, second.position(), resources.attempt, false);
        Lane beside = resources.lane();
        java.util.concurrent.ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "job-" + jobId + "-step-" + (first.position() + 1));
            t.setDaemon(true);
            return t;
        });
        Outcome a;
        Outcome b;
        try {
            java.util.concurrent.Future<Outcome> besideOutcome = thread.submit(() -> {
                Outcome outcome = besideOnly(runStep(jobId, first, beside, stopAsked));
                if (!outcome.succeeded()) {
                    partnerStopped.set(true);
                } else {
                    succeeded(jobId, first, resources, outcome); // shown as done while its partner runs on
                }
                return outcome;
            });
            b = besideOnly(runStep(jobId, second, resources.main, stopAsked));
            if (!b.succeeded()) {
                partnerStopped.set(true);
            }
            a = awaitBeside(besideOutcome, partnerStopped);
        } finally {
            thread.shutdownNow();
            beside.close();
        }
        if (b.succeeded()) {
            succeeded(jobId, second, resources, b);
        }
        if (a.succeeded() && b.succeeded()) {
            return true;
        }
        if (resources.lost.get()) {
            log.warn("Job {}: attempt {} on this node was taken over; steps {} and {} stopped, nothing recorded", jobId,
                    resources.attempt, first.position() + 1, second.position() + 1);
            return false;
        }
        // the step that stopped first gives the job its reason; the other one stopped because of it
        boolean firstCause = !a.succeeded() && a.status() != StepStatus.CANCELLED || b.succeeded()
                || a.status() == StepStatus.CANCELLED && b.status() == StepStatus.CANCELLED;
        PlannedStep cause = firstCause ? first : second;
        Outcome why = firstCause ? a : b;
        if (!cancel.get() && why.status() == StepStatus.CANCELLED) {
            // neither failed on its own nor was cancelled by an admin: the partner's stop made it stop
            why = Outcome.stopped(StepStatus.FAILED, JobStatus.FAILED, why.message());
        }
        for (PlannedStep step : List.of(first, second)) {
            Outcome outcome = step == first ? a : b;
            if (outcome.succeeded()) {
                continue;
            }
            String message = resources.mask(step == cause || outcome.status() != StepStatus.CANCELLED || cancel.get()
                    ? outcome.message()
                    : "Stopped because step " + (cause.position() + 1) + ", beside it, did not succeed");
            states.stepEnded(jobId, resources.attempt, step.position(), outcome.status(), message);
            resources.note(step.position(), "Step " + (step.position() + 1) + " " + outcome.status().name().toLowerCase()
                    + ": " + message);
        }
        resources.flush();
        int resumeFrom = a.succeeded() ? second.position() : first.position();
        String message = resources.mask(why.message());
        states.endRun(jobId, resources.attempt, why.jobStatus(), resumeFrom, "Step " + (cause.position() + 1)
                + " of " + total + " (" + cause.title() + ") " + why.status().name().toLowerCase() + ": " + message);
        return false;
    }

    /** A gate never runs beside another step ({@link Plan} refuses it): a step that asks to wait fails instead. */
    private static Outcome besideOnly(Outcome outcome) {
        return outcome.waiting()
                ? Outcome.stopped(StepStatus.FAILED, JobStatus.FAILED, "A step that runs beside another cannot wait for confirmation")
                : outcome;
    }

    /**
     * The outcome of the step on the other thread, once it ended. Told to stop (its partner did), it ends by itself
     * as a cancelled step does; should the panel shut down meanwhile, it is interrupted.
     */
    private static Outcome awaitBeside(java.util.concurrent.Future<Outcome> beside, AtomicBoolean partnerStopped) {
        try {
            return beside.get();
        } catch (InterruptedException e) {
            partnerStopped.set(true);
            beside.cancel(true);
            Thread.currentThread().interrupt();
            return Outcome.stopped(StepStatus.INTERRUPTED, JobStatus.INTERRUPTED, "The panel is shutting down");
        } catch (java.util.concurrent.ExecutionException e) {
            String reference = UUID.randomUUID().toString().substring(0, 8);
            log.error("A step running beside another failed unexpectedly, reference {}", reference, e.getCause());
            return Outcome.stopped(StepStatus.FAILED, JobStatus.FAILED,
                    "The panel failed unexpectedly in this step; the panel log has the details under reference " + reference);
        }
    }

    private void stop(long jobId, PlannedStep step, Resources resources, StepStatus stepStatus, JobStatus jobStatus,
            String unmasked, int total) {
        if (resources.lost.get()) {
            log.warn("Job {}: attempt {} on this node was taken over; step {} stopped ({}), nothing recorded", jobId,
                    resources.attempt, step.position() + 1, stepStatus.name().toLowerCase());
            return;
        }
        String message = resources.mask(unmasked); // a command's last error line may quote a secret
        states.stepEnded(jobId, resources.attempt, step.position(), stepStatus, message);
        resources.note(step.position(), "Step " + (step.position() + 1) + " " + stepStatus.name().toLowerCase() + ": " + message);
        resources.flush();
        states.endRun(jobId, resources.attempt, jobStatus, step.position(),
                "Step " + (step.position() + 1) + " of " + total + " (" + step.title() + ") "
                        + stepStatus.name().toLowerCase() + ": " + message);
    }

    private static String seconds(long nanos) {
        return String.format("%.1f s", nanos / 1e9);
    }

    /** A secret of another instance of the plan ({@link SecretRefs#ofInstance}): its id, then its own name. */
    private static final java.util.regex.Pattern OTHER_INSTANCE_SECRET =
            java.util.regex.Pattern.compile("instance\\.(\\d{1,18})\\.(.+)");

    /**
     * What the run's steps share: the plan's instances, the secrets met (masked in the log), the DB settings read,
     * the log; and the connections of the job's thread ({@link #main}). A step running beside another gets a
     * {@link #lane()} of its own: same secrets and log, its own SSH sessions.
     */
    private final class Resources implements AutoCloseable {
        final Map<Long, Instance> targets;
        final List<String> secrets;
        final Map<Long, DbSettings> dbSettings = new java.util.concurrent.ConcurrentHashMap<>();
        final long jobId;
        /** The job's attempt this run is; its writes change nothing once another run owns the job. */
        final int attempt;
        /** Set when another node interrupted the job while this node ran it (this node was taken for dead). */
        final AtomicBoolean lost = new AtomicBoolean();
        final Lane main = new Lane(this);
        volatile JobLogWriter writer;
        /** Also masks the secrets met during the run (a DB password read from .env), after the writer was opened. */
        private volatile SecretMasker masker;

        Resources(long jobId, int attempt, Map<Long, Instance> targets, List<String> secrets) {
            this.jobId = jobId;
            this.attempt = attempt;
            this.targets = targets;
            this.secrets = secrets;
            this.masker = new SecretMasker(secrets);
        }

        /** Connections of their own, for a step on another thread; closed by whoever asked for them. */
        Lane lane() {
            return new Lane(this);
        }

        synchronized void addSecret(String value) {
            if (!secrets.contains(value)) {
                secrets.add(value);
                masker = new SecretMasker(secrets);
                if (writer != null) {
                    writer.maskWith(masker);
                }
            }
        }

        SecretMasker masker() {
            return masker;
        }

        String mask(String text) {
            return masker.mask(text);
        }

        void note(Integer step, String line) {
            writer.line(step, LogStream.PANEL, line);
        }

        void flush() {
            writer.flush();
        }

        @Override
        public void close() {
            main.close();
        }
    }

    /** One thread's side of a run: its SSH sessions (one per instance, reused by its steps) and progress writes. */
    private final class Lane implements StepRun.Context, AutoCloseable {
        private final Resources resources;
        private final Map<Long, SshSession> sessions = new HashMap<>();
        private long lastProgressWrite;

        Lane(Resources resources) {
            this.resources = resources;
        }

        Resources resources() {
            return resources;
        }

        @Override
        public SshSession ssh(Instance instance) {
            SshSession session = sessions.get(instance.getId());
            if (session == null || !session.isConnected()) {
                session = connections.openSsh(instance);
                sessions.put(instance.getId(), session);
            }
            return session;
        }

        @Override
        public String secret(Instance instance, SshSession session, String name) {
            java.util.regex.Matcher other = OTHER_INSTANCE_SECRET.matcher(name);
            if (other.matches()) {
                Instance owner = resources.targets.get(Long.parseLong(other.group(1)));
                if (owner == null) {
                    throw new StepFailedException("The step needs a secret of instance " + other.group(1)
                            + ", which is not part of this job's plan (or was deleted)");
                }
                return secret(owner, ssh(owner), other.group(2));
            }
            if (name.startsWith("env.")) {
                String key = name.substring("env.".length());
                String value = connections.readEnv(instance, session).flatMap(env -> env.get(key))
                        .filter(v -> !v.isEmpty()).orElseThrow(() -> new StepFailedException("The step needs " + key
                                + " from the environment file of " + instance.getName() + ", which has none"));
                addSecret(value);
                return value;
            }
            return switch (name) {
                case "db.password" -> {
                    DbSettings settings = resources.dbSettings.get(instance.getId());
                    if (settings == null) { // read outside the map: two lanes may both read it, never block each other
                        settings = connections.dbSettings(instance, session);
                        resources.dbSettings.putIfAbsent(instance.getId(), settings);
                    }
                    if (settings.password() == null) {
                        throw new StepFailedException("The step needs the DB password of " + instance.getName()
                                + " and neither its .env nor the panel has one");
                    }
                    addSecret(settings.password());
                    yield settings.password();
                }
                case "ssh.password" -> {
                    if (instance.getSshPassword() == null) {
                        throw new StepFailedException("The step needs the SSH password of " + instance.getName());
                    }
                    yield instance.getSshPassword();
                }
                default -> throw new StepFailedException("The step refers to an unknown secret '" + name + "'");
            };
        }

        @Override
        public Instance planInstance(long id) {
            return resources.targets.get(id);
        }

        @Override
        public void addSecret(String value) {
            resources.addSecret(value);
        }

        @Override
        public void log(int step, String stream, String line) {
            resources.writer.line(step, LogStream.valueOf(stream), line); // masks, with every secret met so far
        }

        @Override
        public void progress(int step, long done, Long total) {
            long now = System.nanoTime();
            if (now - lastProgressWrite > 500_000_000L || total != null && done >= total) {
                lastProgressWrite = now;
                states.progress(resources.jobId, resources.attempt, step, done, total);
            }
        }

        @Override
        public void close() {
            for (SshSession session : sessions.values()) {
                session.close();
            }
            sessions.clear();
        }
    }
}
