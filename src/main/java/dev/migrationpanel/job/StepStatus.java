package dev.migrationpanel.job;

public enum StepStatus {
    PENDING, RUNNING, WAITING, SUCCEEDED, FAILED, CANCELLED, INTERRUPTED
}
