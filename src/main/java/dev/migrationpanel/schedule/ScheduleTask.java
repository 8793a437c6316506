package dev.migrationpanel.schedule;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;

@Configuration(proxyBeanMethods = false)
class ScheduleTask {

    static final String NAME = "start-scheduled-plan";

    @Bean
    OneTimeTask<Long> startScheduledPlanTask(@Lazy ScheduledStarts starts) {
        return Tasks.oneTime(NAME, Long.class)
                // a node that died while starting it: whether its job began is not known, so it is said, not retried
                .onDeadExecution((complete, operations) -> {
                    starts.refuse((Long) complete.getExecution().taskInstance.getData(),
                            "The panel node starting it stopped answering: look in the jobs list whether it began");
                    operations.remove();
                })
                .onFailure((complete, operations) -> operations.remove())
                .execute((instance, context) -> starts.fire(instance.getData()));
    }
}
