package dev.migrationpanel.notification;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;

import dev.migrationpanel.job.EndedJobs;
import dev.migrationpanel.job.EndedJobs.Ended;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.schedule.ScheduledStarts;
import dev.migrationpanel.schedule.ScheduledStarts.Scheduled;

/**
 * Finds jobs that ended and writes one delivery per channel that wants them, then sends what is due, retrying with
 * back-off. It runs as a db-scheduler recurring task, so with several panel nodes one node at a time does it.
 */
@Configuration(proxyBeanMethods = false)
class Notifier {

    /** How far back job ends are looked for: past a pause of the task (a restart), within what a node can miss. */
    static final Duration LOOKBACK = Duration.ofHours(6);
    private static final Logger log = LoggerFactory.getLogger(Notifier.class);
    private static final int BATCH = 50;

    private final EndedJobs endedJobs;
    private final ScheduledStarts scheduledStarts;
    private final NotificationChannelRepository channels;
    private final NotificationOutbox outbox;
    private final NotificationSender sender;
    private final NotificationProperties properties;
    private final Clock clock;

    Notifier(EndedJobs endedJobs, @Lazy ScheduledStarts scheduledStarts, NotificationChannelRepository channels, NotificationOutbox outbox,
            NotificationSender sender, NotificationProperties properties, Clock clock) {
        this.endedJobs = endedJobs;
        this.scheduledStarts = scheduledStarts;
        this.channels = channels;
        this.outbox = outbox;
        this.sender = sender;
        this.properties = properties;
        this.clock = clock;
    }

    @Bean
    RecurringTask<Void> notifyTask() {
        return Tasks.recurring("notify-job-ends", FixedDelay.of(properties.pollInterval()))
                .execute((instance, context) -> tick());
    }

    void tick() {
        try {
            collect();
        } catch (RuntimeException e) {
            log.warn("Looking for ended jobs to notify failed: {}", e.toString());
        }
        deliverDue();
    }

    /** Writes a delivery for each channel that wants a job end it has not been told of yet. */
    void collect() {
        List<NotificationChannel> active = channels.findByEnabledTrue();
        if (active.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        collectRefusedStarts(active, now);
        List<Ended> ended = endedJobs.since(now.minus(LOOKBACK));
        if (ended.isEmpty()) {
            return;
        }
        Set<String> known = outbox.known(ended.stream().map(Ended::id).distinct().toList());
        for (Ended job : ended) {
            for (NotificationChannel channel : active) {
                // a channel hears of ends after it was made, not of the history before it
                if (!channel.wants(job.instanceId(), job.status()) || job.finishedAt().isBefore(channel.getCreatedAt())
                        || known.contains(NotificationOutbox.key(channel.getId(), job.id(), job.attempt()))) {
                    continue;
                }
                NotificationMessage message = NotificationMessage.of(job, properties.jobLink(job.id()));
                outbox.addJobEnd(channel.getId(), job.id(), job.attempt(), message.event(), message.json(), now);
            }
        }
    }

    /** A scheduled start that was refused is a failure to the channels that hear of failures on its instance. */
    private void collectRefusedStarts(List<NotificationChannel> active, Instant now) {
        List<Scheduled> refused = scheduledStarts.refusedSince(now.minus(LOOKBACK));
        if (refused.isEmpty()) {
            return;
        }
        Set<String> known = outbox.knownRefusedStarts(now.minus(LOOKBACK.multipliedBy(2)));
        for (Scheduled start : refused) {
            for (NotificationChannel channel : active) {
                if (!channel.wants(start.instanceId(), JobStatus.FAILED) || start.endedAt().isBefore(channel.getCreatedAt())
                        || known.contains(NotificationOutbox.refusedStartKey(channel.getId(), start.id()))) {
                    continue;
                }
                NotificationMessage message = NotificationMessage.refusedStart(start, properties.link("/schedules"));
                outbox.addRefusedStart(channel.getId(), start.id(), message.event(), message.json(), now);
            }
        }
    }

    /** Sends every due delivery once; a failure waits its back-off, the last one gives up. */
    void deliverDue() {
        Instant now = clock.instant();
        List<NotificationOutbox.Due> due = outbox.due(now, BATCH);
        if (due.isEmpty()) {
            return;
        }
        Map<Long, NotificationChannel> byId = channels.findAllById(due.stream().map(NotificationOutbox.Due::channelId)
                .collect(Collectors.toSet())).stream().collect(Collectors.toMap(NotificationChannel::getId,
                        Function.identity()));
        for (NotificationOutbox.Due one : due) {
            NotificationChannel channel = byId.get(one.channelId());
            if (channel == null || !channel.isEnabled() || !outbox.claim(one, now, now.plus(properties.timeout().multipliedBy(3)))) {
                continue;
            }
            NotificationSender.Outcome outcome;
            try {
                outcome = sender.send(channel, one.id(), NotificationMessage.fromJson(one.event(), one.payload()));
            } catch (RuntimeException e) {
                outcome = new NotificationSender.Outcome(false, "could not send: " + e.getClass().getSimpleName());
            }
            int failed = one.attempts() + 1;
            if (outcome.delivered()) {
                outbox.delivered(one, outcome.line());
            } else if (failed >= properties.maxAttempts()) {
                outbox.gaveUp(one, outcome.line() + "; gave up after " + failed + " attempts");
                log.warn("Notification {} to channel '{}' given up: {}", one.id(), channel.getName(), outcome.line());
            } else {
                Duration wait = properties.retryAfter(failed);
                outbox.retryAt(one, clock.instant().plus(wait), outcome.line() + "; next attempt in " + wait.toSeconds() + " s");
            }
        }
    }
}
