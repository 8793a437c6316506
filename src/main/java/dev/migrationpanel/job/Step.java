package dev.migrationpanel.job;

import java.time.Duration;
import java.util.Objects;

/**
 * One step of a plan: what it is called, which instance it touches and whether it changes it, what it
 * does, how long it may take, and — where one exists — what undoes it.
 *
 * @param instanceId   the instance it runs against, or null for a step that needs none (a gate)
 * @param undo         how this step is undone, as the admin reads it, or null where nothing needs undoing
 */
public record Step(String title, Long instanceId, String instanceName, boolean changesInstance, StepSpec spec,
        Duration timeout, String undo) {

    public Step {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("A step needs a positive timeout");
        }
    }
}
