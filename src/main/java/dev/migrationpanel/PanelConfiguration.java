package dev.migrationpanel;

import dev.migrationpanel.settings.PanelProperties;
import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

import dev.migrationpanel.remote.SshConnector;

/** Shared beans; scheduling drives the job sweeper and artifact retention. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class PanelConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    SshConnector sshConnector(PanelProperties properties) {
        return new SshConnector(properties.sshConnectTimeout());
    }
}
