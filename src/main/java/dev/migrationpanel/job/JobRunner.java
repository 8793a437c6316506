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
    private record PlannedStep(int position, String title, StepSpec spec, Long instanceId, int timeoutSeconds) {
    }

    private record Loaded(Job job, List<PlannedStep> steps) {
    }

    void run(long jobId) {
        if (!states.start(jobId, properties.node())) {
            return; // cancelled or taken while queued: nothing to do
        }
        Loaded loaded = tx.execute(s -> {
            Job job = jobs.findById(jobId).orElseThrow();
            List<PlannedStep> steps = job.getSteps().stream().map(step -> new PlannedStep(step.getPosition(),
                    step.getTitle(), json.readValue(step.getSpec(), StepSpec.class), step.getInstanceId(),
                    step.getTimeoutSeconds())).toList();
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
        for (PlannedStep step : steps) {
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
            resources.note(step.position(), "Step " + (step.position() + 1) + "/" + total + ": " + step.title());
            states.stepStarted(jobId, step.position(), job.getAttempt());
            long started = System.nanoTime();
            StepResult result;
            try {
                StepExecutor executor = executors.get(step.spec().kind());
                if (executor == null) {
                    throw new StepFailedException("No executor for steps of kind " + step.spec().kind());
                }
                Instance target = step.instanceId() == null ? null : resources.targets.get(step.instanceId());
                if (step.instanceId() != null && target == null) {
                    throw new StepFailedException("The instance of this step was deleted from the registry");
                }
                result = executor.execute(new StepRun(jobId, step.position(), step.spec(), target,
                        Duration.ofSeconds(step.timeoutSeconds()), resources, cancel::get));
            } catch (RemoteException e) {
                if (Thread.currentThread().isInterrupted()) {
                    stop(jobId, step, resources, StepStatus.INTERRUPTED, JobStatus.INTERRUPTED,
                            "The panel shut down while this step ran; resume it from this step", total);
                } else if (e.kind() == RemoteException.Kind.CANCELLED) {
                    stop(jobId, step, resources, StepStatus.CANCELLED, JobStatus.CANCELLED, e.getMessage(), total);
                } else {
                    stop(jobId, step, resources, StepStatus.FAILED, JobStatus.FAILED, e.getMessage(), total);
                }
                return;
            } catch (StepFailedException | DatabaseException | ArtifactException e) {
                stop(jobId, step, resources, StepStatus.FAILED, JobStatus.FAILED, e.getMessage(), total);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop(jobId, step, resources, StepStatus.INTERRUPTED, JobStatus.INTERRUPTED,
                        "The panel is shutting down", total);
                return;
            } catch (Exception e) {
                String reference = UUID.randomUUID().toString().substring(0, 8);
                log.error("Step {} of job {} failed unexpectedly, reference {}", step.position() + 1, jobId, reference, e);
                stop(jobId, step, resources, StepStatus.FAILED, JobStatus.FAILED,
                        "The panel failed unexpectedly in this step; the panel log has the details under reference "
                                + reference, total);
                return;
            }
            if (result.waiting() && (cancel.get() || states.cancelRequested(jobId))) {
                stop(jobId, step, resources, StepStatus.CANCELLED, JobStatus.CANCELLED, "Cancelled at the confirmation gate", total);
                return;
            }
            if (result.waiting()) {
                resources.note(step.position(), "Waiting for an admin to continue: " + result.message());
                resources.flush();
                if (!states.waiting(jobId, attempt, step.position(), result.message())) { // cancelled while reaching the gate
                    stop(jobId, step, resources, StepStatus.CANCELLED, JobStatus.CANCELLED,
                            "Cancelled at the confirmation gate", total);
                }
                return;
            }
            states.stepEnded(jobId, attempt, step.position(), StepStatus.SUCCEEDED, resources.mask(result.message()));
            resources.note(step.position(), "Step " + (step.position() + 1) + " done in "
                    + seconds(System.nanoTime() - started) + ": " + result.message());
        }
        resources.note(null, "All " + total + " steps succeeded");
        resources.flush();
        states.endRun(jobId, attempt, JobStatus.SUCCEEDED, total, "All " + total + " steps succeeded");
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

    /** The run's SSH sessions (one per instance, reused by its steps), secrets and log. */
    private final class Resources implements StepRun.Context, AutoCloseable {
        final Map<Long, Instance> targets;
        final List<String> secrets;
        final Map<Long, SshSession> sessions = new HashMap<>();
        final Map<Long, DbSettings> dbSettings = new HashMap<>();
        final long jobId;
        /** The job's attempt this run is; its writes change nothing once another run owns the job. */
        final int attempt;
        /** Set when another node interrupted the job while this node ran it (this node was taken for dead). */
        final AtomicBoolean lost = new AtomicBoolean();
        JobLogWriter writer;
        /** Also masks the secrets met during the run (a DB password read from .env), after the writer was opened. */
        private SecretMasker masker;
        private long lastProgressWrite;

        Resources(long jobId, int attempt, Map<Long, Instance> targets, List<String> secrets) {
            this.jobId = jobId;
            this.attempt = attempt;
            this.targets = targets;
            this.secrets = secrets;
            this.masker = new SecretMasker(secrets);
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
                Instance owner = targets.get(Long.parseLong(other.group(1)));
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
                    DbSettings settings = dbSettings.computeIfAbsent(instance.getId(),
                            id -> connections.dbSettings(instance, session));
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
            return targets.get(id);
        }

        @Override
        public void addSecret(String value) {
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

        @Override
        public void log(int step, String stream, String line) {
            writer.line(step, LogStream.valueOf(stream), line); // the writer masks, with every secret met so far
        }

        void note(Integer step, String line) {
            writer.line(step, LogStream.PANEL, line);
        }

        void flush() {
            writer.flush();
        }

        @Override
        public void progress(int step, long done, Long total) {
            long now = System.nanoTime();
            if (now - lastProgressWrite > 500_000_000L || total != null && done >= total) {
                lastProgressWrite = now;
                states.progress(jobId, attempt, step, done, total);
            }
        }

        @Override
        public void close() {
            for (SshSession session : sessions.values()) {
                session.close();
            }
        }
    }
}
