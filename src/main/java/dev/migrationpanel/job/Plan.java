package dev.migrationpanel.job;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ordered steps a flow built from the admin's choices. The wizard shows it; the runner executes the
 * same plan, stored with its job, unchanged.
 *
 * @param flow       id of the flow that built it, e.g. {@code dreamfactory.backup}
 * @param instanceId the instance the job is about (its list and history are filed under it)
 * @param options    every option the plan was built with, as the flow resolved it (defaults filled in: a time
 *                   stamp, the transfer chosen…), so that the flow plans the same plan again from them; never a
 *                   secret (they are stored in clear, with the job and with a plan reviewed through the API); kept
 *                   with the job for its result page and follow-ups
 */
public record Plan(String flow, String title, Long instanceId, String instanceName, List<Step> steps,
        Map<String, String> options) {

    public Plan {
        Objects.requireNonNull(flow, "flow");
        Objects.requireNonNull(title, "title");
        steps = List.copyOf(steps);
        options = options == null ? Map.of() : Map.copyOf(options);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("A plan needs at least one step");
        }
    }

    /** A plan without options to remember. */
    public Plan(String flow, String title, Long instanceId, String instanceName, List<Step> steps) {
        this(flow, title, instanceId, instanceName, steps, Map.of());
    }

    /** Every instance a step touches: the job holds each one's lock while it runs. */
    public Set<Long> instanceIds() {
        Set<Long> ids = new TreeSet<>();
        if (instanceId != null) {
            ids.add(instanceId);
        }
        for (Step step : steps) {
            if (step.instanceId() != null) {
                ids.add(step.instanceId());
            }
        }
        return ids;
    }
}
