package dev.migrationpanel;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import dev.migrationpanel.security.MasterKeyRotationCommand;

@SpringBootApplication
@ConfigurationPropertiesScan
public class MigrationPanelApplication {

    public static void main(String[] args) {
        if (MasterKeyRotationCommand.requested(args)) {
            // a maintenance command, run with the panel stopped: it exits without serving anything
            System.exit(MasterKeyRotationCommand.run(args));
        }
        SpringApplication.run(MigrationPanelApplication.class, args);
    }
}
