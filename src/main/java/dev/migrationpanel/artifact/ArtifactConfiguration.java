package dev.migrationpanel.artifact;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Turns on scheduling (artifact retention). Whether a job still runs ({@link ArtifactUsage}) is the job engine's
 * to say: it supplies that bean, so the store knows nothing of jobs.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class ArtifactConfiguration {
}
