package dev.migrationpanel;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class PanelConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
