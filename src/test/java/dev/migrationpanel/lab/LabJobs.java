package dev.migrationpanel.lab;

import java.time.Duration;
import java.util.List;

import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.job.log.JobLogService;
import dev.migrationpanel.job.log.LogLine;

/** What the lab tests do with the jobs they start: wait for one to settle, and say what it did when an assertion fails. */
public final class LabJobs {

    private LabJobs() {
    }

    /**
     * The job once it has ended or waits at a gate ({@link JobStatus#WAITING}), or as it is when {@code atMost} has
     * passed: the caller's assertion on its status then says which.
     */
    public static Job settled(JobService jobs, long id, Duration atMost) throws InterruptedException {
        long until = System.currentTimeMillis() + atMost.toMillis();
        Job job = jobs.get(id);
        while (job.getStatus().isActive() && job.getStatus() != JobStatus.WAITING && System.currentTimeMillis() < until) {
            Thread.sleep(200);
            job = jobs.get(id);
        }
        System.out.print(stepTimes(job));
        return job;
    }

    /** Each step's time, one line each: printed with a lab test's output, it says where a job spent its time. */
    public static String stepTimes(Job job) {
        StringBuilder text = new StringBuilder();
        job.getSteps().forEach(s -> text.append(String.format("job %d %s step %2d %7s %s%n", job.getId(), job.getStatus(),
                s.getPosition() + 1, s.getStartedAt() == null || s.getFinishedAt() == null ? "-"
                        : String.format("%.1fs", Duration.between(s.getStartedAt(), s.getFinishedAt()).toMillis() / 1000.0),
                s.getTitle())));
        return text.toString();
    }

    /** The job's status and message, each step's, and the last 60 lines of its log. */
    public static String describe(Job job, JobLogService logs) {
        StringBuilder text = new StringBuilder("job " + job.getId() + " " + job.getStatus() + ": " + job.getMessage());
        job.getSteps().forEach(s -> text.append("\n  ").append(s.getTitle()).append(": ").append(s.getStatus())
                .append(s.getMessage() == null ? "" : " " + s.getMessage()));
        List<LogLine> lines = logs.after(job.getId(), 0, JobLogService.MAX_PAGE);
        lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(l -> text.append("\n  | ").append(l.line()));
        return text.toString();
    }
}
