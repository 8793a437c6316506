package dev.migrationpanel.job;

import java.util.Map;

/**
 * Verification code a product contributes to the engine, run by a {@link StepSpec.Verify} step: it reads
 * instances through the step's connections and reports, line by line, what it compared. The engine knows
 * checks only by their id.
 */
public interface JobCheck {

    /** Stable id a plan refers to, e.g. {@code dreamfactory.migration-proof}. */
    String id();

    /**
     * @return the one-line outcome when everything it checks holds
     * @throws StepFailedException with a one-line reason when something does not hold
     */
    StepResult run(StepRun run, Map<String, String> args) throws Exception;
}
