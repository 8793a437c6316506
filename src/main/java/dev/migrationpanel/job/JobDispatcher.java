package dev.migrationpanel.job;

import java.time.Clock;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.jdbc.core.JdbcTemplate;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;

/**
 * Hands jobs to db-scheduler, the persistent scheduler the panel nodes share through the panel's DB: a
 * job is one execution of the {@code run-job} task, picked by whichever node has a free worker. A job
 * whose node dies is not run again behind the admin's back: it is marked interrupted, to be resumed.
 */
@Configuration(proxyBeanMethods = false)
class JobDispatcher {

    static final String TASK = "run-job";
    private static final Logger log = LoggerFactory.getLogger(JobDispatcher.class);

    /**
     * One execution per attempt of a job: a node taken for dead that wakes up after the job was resumed elsewhere
     * completes (deletes) its own execution, never the new attempt's. (Executions of panels before this carried the
     * job's id alone; the sweep still counts them.)
     */
    static String executionId(long jobId, int attempt) {
        return "job-" + jobId + "-" + attempt;
    }

    @Bean
    OneTimeTask<Long> runJobTask(@Lazy JobRunner runner, @Lazy JobStates states) {
        return Tasks.oneTime(TASK, Long.class)
                .onDeadExecution((complete, operations) -> {
                    long jobId = (Long) complete.getExecution().taskInstance.getData();
                    log.warn("Job {}: the node running it stopped answering; marking it interrupted", jobId);
                    // the step it was in is interrupted too, and the job resumes from it (not from where it started)
                    states.interrupt(jobId,
                            "The panel node running this job stopped answering; resume it from the interrupted step");
                    operations.remove();
                })
                .onFailure((complete, operations) -> operations.remove())
                .execute((instance, context) -> runner.run(instance.getData()));
    }

    @Bean
    JobQueue jobQueue(SchedulerClient scheduler, OneTimeTask<Long> runJobTask, Clock clock, JdbcTemplate jdbc) {
        return jobId -> {
            int attempt = jdbc.queryForObject("select attempt from job where id = ?", Integer.class, jobId);
            scheduler.scheduleIfNotExists(runJobTask.instance(executionId(jobId, attempt), jobId), Instant.now(clock));
        };
    }

    /** Puts a saved job in line for a worker. */
    @FunctionalInterface
    interface JobQueue {
        void enqueue(long jobId);
    }
}
