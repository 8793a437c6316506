package dev.migrationpanel.schedule;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code panel.schedules.*}.
 *
 * @param maxDelay how late a scheduled start may still be made (the panel was down at its time); later it is refused
 */
@ConfigurationProperties("panel.schedules")
record ScheduleProperties(@DefaultValue("15m") Duration maxDelay) {
}
