package dev.migrationpanel.job;

/** A step did not do what it should; the message is the one line the admin reads on the job page. */
public class StepFailedException extends RuntimeException {

    public StepFailedException(String message) {
        super(message);
    }
}
