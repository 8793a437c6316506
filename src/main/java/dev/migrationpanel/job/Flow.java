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

    /** Whether the flow applies to this instance (its product, its deployment). */
    boolean appliesTo(Instance instance);

    /**
     * @throws dev.migrationpanel.web.InvalidInputException for options it refuses
     * @throws RuntimeException with a one-line message when the plan cannot be made (instance unreachable, …)
     */
    Plan plan(Instance instance, Map<String, String> options);
}
