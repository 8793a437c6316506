package dev.migrationpanel.schedule;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code panel.schedules.*}.
 *
 * @param maxDelay how late a scheduled start may still be made (the panel was down at its time); later it is refused
 * @param minAhead how far ahead a start must be when it is scheduled (sooner: run the plan now)
 */
@ConfigurationProperties("panel.schedules")
record ScheduleProperties(@DefaultValue("15m") Duration maxDelay, @DefaultValue("1m") Duration minAhead) {
}
