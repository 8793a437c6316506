package dev.migrationpanel.job;

import java.time.Duration;
import java.util.Objects;

/**
 * One step of a plan: what it is called, which instance it touches and whether it changes it, what it
 * does, how long it may take, and — where one exists — what undoes it.
 *
 * @param instanceId   the instance it runs against, or null for a step that needs none (a gate)
 * @param undo         how this step is undone, as the admin reads it, or null where nothing needs undoing
 * @param besideNext   whether it runs side by side with the next step (both start together, each on its own thread
 *                     and its own connections; the plan goes on when both are done). Only for steps that cannot
 *                     affect each other: {@link Plan} refuses a pair with a gate, a chain of three, or a step that
 *                     needs its partner's artifact
 */
public record Step(String title, Long instanceId, String instanceName, boolean changesInstance, StepSpec spec,
        Duration timeout, String undo, boolean besideNext) {

    public Step {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("A step needs a positive timeout");
        }
    }

    /** A step that runs on its own, after the one before it. */
    public Step(String title, Long instanceId, String instanceName, boolean changesInstance, StepSpec spec,
            Duration timeout, String undo) {
        this(title, instanceId, instanceName, changesInstance, spec, timeout, undo, false);
    }

    /** The same step, run side by side with the step that follows it in the plan. */
    public Step besideTheNext() {
        return new Step(title, instanceId, instanceName, changesInstance, spec, timeout, undo, true);
    }
}
