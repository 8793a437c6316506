package dev.migrationpanel.job;

/** How a step that did not fail ended: done (with a one-line summary), or waiting for an admin. */
public record StepResult(boolean waiting, String message) {

    public static StepResult done(String message) {
        return new StepResult(false, message);
    }

    public static StepResult waitForConfirmation(String prompt) {
        return new StepResult(true, prompt);
    }
}
