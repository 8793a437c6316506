package dev.migrationpanel.job;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.remote.SshSession;

/**
 * What an executor gets to run one step: the step, its instance and SSH session, its log, whether an
 * admin asked to cancel, and where to report the bytes a transfer has moved.
 */
public final class StepRun {

    /** The runner's side of a step: connections kept for the whole run, the log, progress. */
    interface Context {
        SshSession ssh(Instance instance);

        String secret(Instance instance, SshSession session, String name);

        /** An instance the plan's steps name, or null. */
        Instance planInstance(long id);

        /** From now on masked in the job log (e.g. a key a check read from an .env file). */
        void addSecret(String value);

        void log(int step, String stream, String line);

        void progress(int step, long done, Long total);
    }

    private final long jobId;
    private final int position;
    private final StepSpec spec;
    private final Instance instance;
    private final Duration timeout;
    private final Context context;
    private final BooleanSupplier cancelled;

    StepRun(long jobId, int position, StepSpec spec, Instance instance, Duration timeout, Context context,
            BooleanSupplier cancelled) {
        this.jobId = jobId;
        this.position = position;
        this.spec = spec;
        this.instance = instance;
        this.timeout = timeout;
        this.context = context;
        this.cancelled = cancelled;
    }

    public long jobId() { return jobId; }
    public int position() { return position; }
    public StepSpec spec() { return spec; }
    public Duration timeout() { return timeout; }

    /** The step's instance; fails the step when the plan named none. */
    public Instance instance() {
        if (instance == null) {
            throw new StepFailedException("This step needs an instance and the plan names none");
        }
        return instance;
    }

    public SshSession ssh() {
        return context.ssh(instance());
    }

    /** Puts the secrets a text refers to ({@code {{secret:db.password}}}) in place, for running it only. */
    public String withSecrets(String text) {
        return StepSpec.withSecrets(text, this::secret);
    }

    /** The value of a secret of the step's instance, e.g. {@code db.password}; it is masked in the log from now on. */
    public String secret(String name) {
        return context.secret(instance(), ssh(), name);
    }

    /**
     * Another instance this job's plan names (a migration's source, while the step runs on its target), for
     * checks that compare two instances.
     */
    public Instance planInstance(long id) {
        Instance other = context.planInstance(id);
        if (other == null) {
            throw new StepFailedException("Instance " + id + " is not part of this job's plan (or was deleted)");
        }
        return other;
    }

    /** The run's SSH session to any instance of the plan. */
    public SshSession ssh(Instance instance) {
        return context.ssh(instance);
    }

    /** Masks a value the step came across (a key, a password) in every later log line. */
    public void addSecret(String value) {
        if (value != null && !value.isEmpty()) {
            context.addSecret(value);
        }
    }

    public boolean cancelled() {
        return cancelled.getAsBoolean();
    }

    public void out(String line) {
        context.log(position, "OUT", line);
    }

    public void err(String line) {
        context.log(position, "ERR", line);
    }

    public void note(String line) {
        context.log(position, "PANEL", line);
    }

    public void progress(long done, Long total) {
        context.progress(position, done, total);
    }
}
