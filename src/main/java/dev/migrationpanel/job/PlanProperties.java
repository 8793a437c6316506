package dev.migrationpanel.job;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Plans reviewed through the API ({@code panel.plans.*}).
 *
 * @param reviewTtl     how long a reviewed plan may be started after its review
 * @param sweepInterval how often reviewed plans past their time are deleted
 */
@ConfigurationProperties("panel.plans")
public record PlanProperties(@DefaultValue("30m") Duration reviewTtl, @DefaultValue("10m") Duration sweepInterval) {
}
