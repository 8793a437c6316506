package dev.migrationpanel.schedule;

import java.time.Instant;

import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;

/**
 * Scheduled starts in db-scheduler, which the panel nodes share through the panel DB: each is one execution of
 * {@code start-scheduled-plan} at its time, picked by one node, kept across restarts.
 */
@Component
class ScheduleQueue {

    private final SchedulerClient scheduler;
    private final OneTimeTask<Long> task;

    ScheduleQueue(@Lazy SchedulerClient scheduler, OneTimeTask<Long> startScheduledPlanTask) {
        this.scheduler = scheduler;
        this.task = startScheduledPlanTask;
    }

    static String executionId(long id) {
        return "scheduled-" + id;
    }

    void add(long id, Instant at) {
        scheduler.scheduleIfNotExists(task.instance(executionId(id), id), at);
    }

    void remove(long id) {
        if (scheduler.getScheduledExecution(TaskInstanceId.of(ScheduleTask.NAME, executionId(id))).isPresent()) {
            scheduler.cancel(TaskInstanceId.of(ScheduleTask.NAME, executionId(id)));
        }
    }
}
