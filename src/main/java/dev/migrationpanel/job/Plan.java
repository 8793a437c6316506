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
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).besideNext()) {
                checkPair(steps, i);
            }
        }
    }

    /**
     * Two steps side by side must be able to run in either order: no gate (a job waits at one step, not at two),
     * no chain (a pair, never three), and the second does not take the first's artifact.
     */
    private static void checkPair(List<Step> steps, int first) {
        String which = "Step " + (first + 1) + " runs beside the next step";
        if (first + 1 >= steps.size()) {
            throw new IllegalArgumentException(which + ", and there is none");
        }
        Step a = steps.get(first);
        Step b = steps.get(first + 1);
        if (b.besideNext()) {
            throw new IllegalArgumentException(which + ", which runs beside its own next one: only two steps run side by side");
        }
        if (a.spec() instanceof StepSpec.Gate || b.spec() instanceof StepSpec.Gate) {
            throw new IllegalArgumentException(which + ": a confirmation gate never runs beside another step");
        }
        if (b.spec() instanceof StepSpec.Upload up && up.artifactId() == null && up.fromStep() == first) {
            throw new IllegalArgumentException(which + ", which sends its artifact: that one must run after it");
        }
    }

    /**
     * The number (from 1) of the step that runs side by side with the step at {@code index}, or null when it runs
     * on its own: what the review and the job's page show ("runs beside step 7").
     */
    public Integer besideStep(int index) {
        if (steps.get(index).besideNext()) {
            return index + 2;
        }
        return index > 0 && steps.get(index - 1).besideNext() ? index : null;
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
