package dev.migrationpanel.security;

import java.time.Clock;
import java.util.List;

import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.migrationpanel.settings.PanelProperties;

/**
 * The secret cipher, made only once {@link MasterKeyGuard} accepted the master key against what the database
 * holds: after the migrations (the key's record lives in the database) and before JPA, whose converter
 * encrypts with it. A refused key stops the start here, before any page or job can touch a secret.
 */
@Configuration(proxyBeanMethods = false)
class MasterKeyConfiguration {

    /** Static: a post-processor, made before the other beans so the data directory is narrowed first. */
    @Bean
    static DataDirectoryModes dataDirectoryModes(Environment environment) {
        return DataDirectoryModes.from(environment);
    }

    @Bean
    EncryptedColumns encryptedColumns(JdbcTemplate jdbc) {
        return new EncryptedColumns(jdbc);
    }

    @Bean
    @DependsOnDatabaseInitialization
    SecretCipher secretCipher(JdbcTemplate jdbc, List<EncryptedData> encryptedData, PanelProperties properties,
            Clock clock, Environment environment) {
        MasterKey key = new MasterKeyGuard(jdbc, encryptedData, properties, clock).check();
        // the database may have made its files just now, with the umask's mode
        DataDirectoryModes.from(environment).secure();
        return new SecretCipher(key);
    }
}
