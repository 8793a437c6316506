package dev.migrationpanel.security;

import dev.migrationpanel.settings.PanelProperties;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.jdbc.core.JdbcTemplate;


/**
 * {@code java -jar migration-panel.jar --panel.rotate-master-key=/path/to/new.key}, run with the panel stopped:
 * re-encrypts every secret and artifact data key under the new key, installs it, and exits (0 done, 1 refused or
 * failed, with the reason on standard error). Run it again after an interruption: it goes on where it stopped.
 * <p>
 * Its own small application context: the panel's configuration (properties, environment, arguments), its
 * database and migrations, and nothing that serves pages or runs jobs, so no job can start and no request can
 * read a secret while keys change.
 */
public final class MasterKeyRotationCommand {

    static final String OPTION = "--panel.rotate-master-key=";

    private MasterKeyRotationCommand() {
    }

    public static boolean requested(String[] args) {
        return Arrays.stream(args).anyMatch(a -> a.startsWith(OPTION));
    }

    /** Runs the rotation; the exit code. */
    public static int run(String[] args) {
        String file = Arrays.stream(args).filter(a -> a.startsWith(OPTION)).map(a -> a.substring(OPTION.length()))
                .reduce((a, b) -> b).orElse("");
        if (file.isBlank()) {
            System.err.println("Give the new key's file: " + OPTION + "/path/to/new.key"
                    + " (make one with: (umask 077; openssl rand -base64 32 > new.key))");
            return 2;
        }
        SpringApplication app = new SpringApplication(Context.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        app.setBannerMode(Banner.Mode.OFF);
        app.setRegisterShutdownHook(false);
        try (ConfigurableApplicationContext context = app.run(args)) {
            MasterKeyRotation rotation = context.getBean(MasterKeyRotation.class);
            MasterKeyRotation.Result result = rotation.rotate(Path.of(file), item -> { });
            System.out.println("Master key rotated from key id " + result.fromKeyId() + "… to " + result.toKeyId() + "…: "
                    + result.reencrypted() + " value(s) and artifact key(s) re-encrypted in this run.");
            System.out.println(result.next());
            return 0;
        } catch (RuntimeException e) {
            MasterKeyException refused = find(e);
            System.err.println("The master key was not rotated: "
                    + (refused != null ? refused.getMessage() : e.getMessage()));
            return 1;
        }
    }

    private static MasterKeyException find(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MasterKeyException m) {
                return m;
            }
        }
        return null;
    }

    /**
     * The database, its migrations and the encrypted data's parts; no web server, no scheduler, no JPA. Not a
     * {@code @Configuration}: the panel's component scan must not find it (its @Bean methods still count).
     */
    @ImportAutoConfiguration({DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
            JdbcTemplateAutoConfiguration.class, FlywayAutoConfiguration.class})
    // every feature's encrypted data (EncryptedData beans) and the settings they read, found by type so this
    // command names no other module
    @ConfigurationPropertiesScan(basePackages = "dev.migrationpanel")
    @ComponentScan(basePackages = "dev.migrationpanel", useDefaultFilters = false,
            includeFilters = @ComponentScan.Filter(type = FilterType.ASSIGNABLE_TYPE, classes = EncryptedData.class))
    static class Context {

        @Bean
        MasterKeyRotation masterKeyRotation(JdbcTemplate jdbc, List<EncryptedData> data, PanelProperties panel) {
            String who = "cli:" + System.getProperty("user.name", "unknown");
            return new MasterKeyRotation(jdbc, data, panel, Clock.systemUTC(), who);
        }
    }
}
