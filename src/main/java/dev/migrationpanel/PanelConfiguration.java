package dev.migrationpanel;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.migrationpanel.remote.SshConnector;

@Configuration(proxyBeanMethods = false)
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
