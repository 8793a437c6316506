package dev.migrationpanel.settings;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The panel's own settings ({@code panel.*}). Environment variables bind by Spring's relaxed rules,
 * e.g. {@code PANEL_DATA_DIR}, {@code PANEL_MASTER_KEY}, {@code PANEL_ADMIN_PASSWORD}.
 *
 * @param dataDir           where the embedded database and the master key file live
 * @param masterKey         AES-256 key for secrets at rest, base64 or hex of 32 bytes; when empty a key
 *                          file {@code master.key} is created (mode 0600) in the data directory
 * @param adminPassword     password of the first admin account, only used when no user exists yet
 * @param sshConnectTimeout bound on TCP connect plus SSH handshake and login
 * @param checkCommandTimeout bound on each command the pre-flight check runs
 */
@ConfigurationProperties("panel")
public record PanelProperties(
        @DefaultValue("./data") Path dataDir,
        String masterKey,
        String adminPassword,
        @DefaultValue("10s") Duration sshConnectTimeout,
        @DefaultValue("30s") Duration checkCommandTimeout) {
}
