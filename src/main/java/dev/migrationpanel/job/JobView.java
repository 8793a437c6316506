package dev.migrationpanel.job;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/** A job as the API and the pages show it: the plan, each step's outcome and timing, the job's state. */
public record JobView(long id, String flow, String title, Long instanceId, String instanceName, JobStatus status,
        String startedBy, Instant createdAt, Instant startedAt, Instant finishedAt, Integer currentStep,
        int resumeFrom, int attempt, boolean cancelRequested, String message, int stepsDone, int stepsTotal,
        @Schema(description = "The panel node that runs (or last ran) the job: panel.jobs.node-name") String node,
        List<StepView> steps) {

    /** @param besideStep the number (from 1) of the step this one runs side by side with, or null */
    public record StepView(int position, String title, String kind, Long instanceId, String instanceName,
            boolean changesInstance, String command, String undo, int timeoutSeconds, StepStatus status, int attempt,
            Instant startedAt, Instant finishedAt, Long durationMillis, String message, Long bytesDone,
            Long bytesTotal, Integer besideStep) {

        /** Whole percent of a transfer, or null when the size is not known. */
        public Integer percent() {
            return bytesTotal == null || bytesTotal <= 0 || bytesDone == null ? null
                    : (int) Math.min(100, bytesDone * 100 / bytesTotal);
        }
    }

    public static JobView of(Job job) {
        List<JobStep> stored = job.getSteps();
        List<StepView> steps = stored.stream().map(s -> new StepView(s.getPosition(), s.getTitle(), s.getKind(),
                s.getInstanceId(), s.getInstanceName(), s.isChangesInstance(), s.getDisplay(), s.getUndo(),
                s.getTimeoutSeconds(), s.getStatus(), s.getAttempt(), s.getStartedAt(), s.getFinishedAt(),
                s.getStartedAt() == null || s.getFinishedAt() == null ? null
                        : Duration.between(s.getStartedAt(), s.getFinishedAt()).toMillis(),
                s.getMessage(), s.getBytesDone(), s.getBytesTotal(), besideStep(stored, s))).toList();
        int done = (int) steps.stream().filter(s -> s.status() == StepStatus.SUCCEEDED).count();
        return new JobView(job.getId(), job.getFlow(), job.getTitle(), job.getInstanceId(), job.getInstanceName(),
                job.getStatus(), job.getStartedBy(), job.getCreatedAt(), job.getStartedAt(), job.getFinishedAt(),
                job.getCurrentStep(), job.getResumeFrom(), job.getAttempt(), job.isCancelRequested(), job.getMessage(),
                done, steps.size(), job.getNode(), steps);
    }

    private static Integer besideStep(List<JobStep> steps, JobStep step) {
        if (step.isBesideNext()) {
            return step.getPosition() + 2;
        }
        return steps.stream().anyMatch(s -> s.isBesideNext() && s.getPosition() == step.getPosition() - 1)
                ? step.getPosition() : null;
    }

    /** Without the plan: one row of the history. */
    public JobView summary() {
        return new JobView(id, flow, title, instanceId, instanceName, status, startedBy, createdAt, startedAt,
                finishedAt, currentStep, resumeFrom, attempt, cancelRequested, message, stepsDone, stepsTotal, node, List.of());
    }
}
