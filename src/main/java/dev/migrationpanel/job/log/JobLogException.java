package dev.migrationpanel.job.log;

/** A job's log could not be stored (the database refused it even after retries). */
public class JobLogException extends RuntimeException {

    public JobLogException(String message, Throwable cause) {
        super(message, cause);
    }
}
