package dev.migrationpanel.job;

/** Where a job stands. Derived from its steps by the runner; the last four are final until a resume. */
public enum JobStatus {
    /** Saved and dispatched, waiting for a free worker. */
    QUEUED,
    RUNNING,
    /** Paused at a confirmation gate until an admin clicks continue. */
    WAITING,
    SUCCEEDED,
    FAILED,
    CANCELLED,
    /** The panel stopped while the job ran; it can be resumed. */
    INTERRUPTED;

    public boolean isActive() {
        return this == QUEUED || this == RUNNING || this == WAITING;
    }

    public boolean isResumable() {
        return this == FAILED || this == CANCELLED || this == INTERRUPTED;
    }
}
