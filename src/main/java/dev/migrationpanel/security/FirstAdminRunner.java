package dev.migrationpanel.security;

import java.security.SecureRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

import dev.migrationpanel.settings.PanelProperties;

/**
 * First start: when no user exists, creates {@code admin} (ADMIN) with {@code PANEL_ADMIN_PASSWORD},
 * or with a random 20-character password that is written to the log once, never again.
 */
@Component
public class FirstAdminRunner implements ApplicationRunner {

    static final String USERNAME = "admin";
    private static final Logger log = LoggerFactory.getLogger(FirstAdminRunner.class);
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final int RANDOM_LENGTH = 20;

    private final PanelUserRepository users;
    private final UserService userService;
    private final PanelProperties properties;
    private final SecureRandom random = new SecureRandom();

    public FirstAdminRunner(PanelUserRepository users, UserService userService, PanelProperties properties) {
        this.users = users;
        this.userService = userService;
        this.properties = properties;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (users.count() > 0) {
            return;
        }
        String configured = properties.adminPassword();
        if (configured != null && !configured.isBlank()) {
            String problem = PasswordPolicy.problem(configured);
            if (problem != null) {
                // the rule, never the value
                throw new IllegalStateException("PANEL_ADMIN_PASSWORD is not acceptable: " + problem);
            }
            userService.createFirstAdmin(USERNAME, configured, false);
            log.info("Created the first admin account '{}' from PANEL_ADMIN_PASSWORD", USERNAME);
            return;
        }
        String password = randomPassword();
        userService.createFirstAdmin(USERNAME, password, true);
        String line = "=".repeat(72);
        log.warn("\n{}\n  First start: created the admin account '{}'.\n  Initial admin password: {} — it must be changed at the first sign-in\n"
                + "  This password is shown only this once. (Set PANEL_ADMIN_PASSWORD to choose it instead.)\n{}",
                line, USERNAME, password, line);
    }

    private String randomPassword() {
        StringBuilder out = new StringBuilder(RANDOM_LENGTH);
        for (int i = 0; i < RANDOM_LENGTH; i++) {
            out.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return out.toString();
    }
}
