package dev.migrationpanel.job;

/**
 * Runs one kind of step. Executors know SSH, SFTP, JDBC and HTTP, never a product: what to run comes
 * entirely from the step's spec.
 */
interface StepExecutor {

    /** The {@link StepSpec#kind()} this executor runs. */
    String kind();

    /**
     * @throws StepFailedException or any of the remote/database/artifact exceptions, whose one-line
     *                             message becomes the step's outcome
     */
    StepResult execute(StepRun run) throws Exception;
}
