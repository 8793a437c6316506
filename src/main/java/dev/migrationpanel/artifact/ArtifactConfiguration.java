package dev.migrationpanel.artifact;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Turns on scheduling (artifact retention) and supplies {@link ArtifactUsage} until the job engine does. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class ArtifactConfiguration {

    /** Reads the {@code job} table directly; replaced by the job engine's own {@link ArtifactUsage} bean. */
    @Bean
    @ConditionalOnMissingBean(ArtifactUsage.class)
    ArtifactUsage jdbcArtifactUsage(JdbcTemplate jdbc) {
        return new JdbcArtifactUsage(jdbc);
    }
}
