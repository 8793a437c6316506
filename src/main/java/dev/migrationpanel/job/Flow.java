package dev.migrationpanel.job;

import java.util.Map;

import dev.migrationpanel.instance.Instance;

/**
 * Something an admin can run on an instance. A flow turns the admin's choices into a {@link Plan}; it
 * never runs anything itself. Flows live with their product (e.g. the DreamFactory package).
 */
public interface Flow {

    /** Stable id, e.g. {@code dreamfactory.backup}. */
    String id();

    String title();

    /** One or two sentences for the page that offers the flow. */
    String description();

    /** What the flow is for: the flow list groups flows by it. */
    enum Purpose {
        MIGRATE("Upgrade & migrate"),
        BACKUP("Back up"),
        /** Acts on what an earlier job left (its backup, its target): offered on that job's page only. */
        RECOVER("Recover"),
        REMEDY("Remedies");

        private final String label;

        Purpose(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    default Purpose purpose() {
        return Purpose.MIGRATE;
    }

    /** One line on what running it changes (and what it never changes), for the flow's card. */
    default String changes() {
        return null;
    }

    /** The product whose procedure this is (a {@code ProductProfile} id, e.g. {@code dreamfactory}). */
    String product();

    /** Whether the flow applies to this instance: of its product, and whatever else the flow asks (its deployment). */
    default boolean appliesTo(Instance instance) {
        return product().equals(instance.getProduct());
    }

    /**
     * Why the flow does not apply to an instance of its product (e.g. its deployment), for the refusal when it is
     * asked for anyway; null when there is nothing to say beyond {@link #appliesTo}.
     */
    default String whyNotApplicable(Instance instance) {
        return null;
    }

    /**
     * The plan for these options. Its {@link Plan#options()} hold every option as resolved, defaults filled in,
     * so that {@code plan(instance, plan.options())} builds the very same plan (what lets a plan be started after
     * its review), and no secret value.
     *
     * @throws dev.migrationpanel.web.InvalidInputException for options it refuses
     * @throws RuntimeException with a one-line message when the plan cannot be made (instance unreachable, …)
     */
    Plan plan(Instance instance, Map<String, String> options);

    /**
     * The flow's own wizard (a page that asks for its options first), where the flow list sends an operator to
     * start it; null when it has none, and the flow list asks for its review directly. A wizard's GET only shows a
     * form: what reads the instance (its pre-flight, the plan) is the answer to a POST.
     */
    default String startPath(Instance instance) {
        return null;
    }

    /** What the admin may run next on the job's page (remediations, a rollback…), with their options. */
    default java.util.List<FollowUp> followUps(JobView job, Map<String, String> options) {
        return java.util.List.of();
    }

    /** One line the job's result page leads with (e.g. the versions before and after), or null. */
    default String resultSummary(JobView job, Map<String, String> options) {
        return null;
    }

    /**
     * A flow offered after a job, with the options that tie it to that job; it runs on {@code instanceId}, or
     * on the job's own instance when that is null.
     */
    record FollowUp(String flowId, String label, String why, Map<String, String> options, Long instanceId) {

        public FollowUp(String flowId, String label, String why, Map<String, String> options) {
            this(flowId, label, why, options, null);
        }

        /** The options as the review page's query string ({@code option.job=12&…}), encoded. */
        public String query() {
            return options.entrySet().stream().map(e -> "option." + e.getKey() + "="
                    + java.net.URLEncoder.encode(e.getValue(), java.nio.charset.StandardCharsets.UTF_8))
                    .collect(java.util.stream.Collectors.joining("&"));
        }
    }
}
