package dev.migrationpanel.fief;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.instance.EnvFile;
import dev.migrationpanel.instance.ProductProfile;
import dev.migrationpanel.instance.ProductSetting;
import dev.migrationpanel.instance.RemoteProbe;

/**
 * What the panel knows of a Fief install: its settings in an environment file in the install directory (Fief's own
 * names, as its Docker image and {@code pydantic-settings} read them: {@code DATABASE_TYPE} POSTGRESQL, MYSQL or SQLITE,
 * {@code DATABASE_URL} or {@code DATABASE_HOST}, {@code _PORT}, {@code _USERNAME}, {@code _PASSWORD}, {@code _NAME},
 * {@code DATABASE_LOCATION} for SQLite, {@code DATABASE_TABLE_PREFIX}), its {@code ENCRYPTION_KEY} (the Fernet key of
 * its encrypted columns, shown only as a short hash), {@code SECRET}; and its ADMIN-set settings: the service's start
 * and stop commands (a Docker container, a systemd unit, a script) and how the {@code fief} CLI is run. In a Docker
 * container (Fief's usual deployment; its image sets {@code DATABASE_LOCATION=/data/db} and runs the server under
 * supervisord) the settings are the container's environment, read with {@code docker inspect}; the CLI runs inside it
 * ({@code docker exec}); {@link #DOCKER_ENV_FILE} names the file the container is created from.
 */
@Component
public class FiefProfile implements ProductProfile {

    public static final String ID = "fief";
    public static final String ENV_FILE = ".env";
    public static final String CLI = "cli";
    public static final String START = "startCommand";
    public static final String STOP = "stopCommand";
    /**
     * Fief in Docker: the file on the SSH host the container is created from ({@code docker run --env-file}). A
     * container's environment cannot change in place: a new ENCRYPTION_KEY is written there and reaches Fief when the
     * start command recreates the container from it.
     */
    public static final String DOCKER_ENV_FILE = "dockerEnvFile";
    /** The Fief from before 0.28 started again by a consolidation's rollback (its image tag, its unit). */
    public static final String START_BEFORE_028 = "startCommand027";

    private static final Set<String> SECRET_KEYS = Set.of("ENCRYPTION_KEY", "SECRET", "DATABASE_PASSWORD", "DATABASE_URL",
            "FIEF_CLIENT_SECRET", "FIEF_ENCRYPTION_KEY", "FIEF_MAIN_USER_PASSWORD", "FIEF_MAIN_ADMIN_API_KEY");
    private static final Pattern SECRET_NAME = Pattern.compile(".*(PASSWORD|SECRET|_KEY|TOKEN|DSN).*");

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String displayName() {
        return "Fief";
    }

    @Override
    public String defaultInstallPath() {
        return "/opt/fief";
    }

    @Override
    public String envFileName() {
        return ENV_FILE;
    }

    /** In Docker, Fief's settings are its container's environment (its image reads no file). */
    @Override
    public boolean settingsInContainerEnvironment() {
        return true;
    }

    @Override
    public boolean isSecretEnvKey(String key) {
        return SECRET_KEYS.contains(key) || SECRET_NAME.matcher(key.toUpperCase(Locale.ROOT)).matches();
    }

    /** The Fernet key of the encrypted columns: the one value a consolidation must get right. */
    @Override
    public String appKeyName() {
        return "ENCRYPTION_KEY";
    }

    @Override
    public List<String> requiredEnvKeys() {
        return List.of("SECRET", "ENCRYPTION_KEY", "FIEF_CLIENT_ID", "FIEF_CLIENT_SECRET");
    }

    @Override
    public DbSettings databaseFrom(EnvFile env, String installPath) {
        DbVendor vendor = vendor(env.get("DATABASE_TYPE").orElse("SQLITE"));
        if (vendor == null) {
            return null;
        }
        if (vendor == DbVendor.SQLITE) {
            // Fief's default location is its working directory (the install; /data/db in its Docker image)
            String location = env.get("DATABASE_LOCATION").filter(v -> !v.isBlank()).orElse(installPath);
            if (!location.startsWith("/")) {
                location = installPath + "/" + (location.startsWith("./") ? location.substring(2) : location);
            }
            String name = env.get("DATABASE_NAME").filter(v -> !v.isBlank()).orElse("fief.db");
            return new DbSettings(vendor, null, 0, null, null, null, location.replaceAll("/+$", "") + "/" + name);
        }
        String host = env.get("DATABASE_HOST").orElse(null);
        String port = env.get("DATABASE_PORT").orElse(null);
        String user = env.get("DATABASE_USERNAME").orElse(null);
        String password = env.get("DATABASE_PASSWORD").orElse(null);
        String name = env.get("DATABASE_NAME").orElse(null);
        String url = env.get("DATABASE_URL").filter(v -> !v.isBlank()).orElse(null);
        if (url != null) { // Fief's settings take the URL's parts over the separate settings
            try {
                URI uri = URI.create(url);
                host = uri.getHost();
                port = uri.getPort() > 0 ? String.valueOf(uri.getPort()) : null;
                if (uri.getRawUserInfo() != null) {
                    String[] userInfo = uri.getRawUserInfo().split(":", 2);
                    user = java.net.URLDecoder.decode(userInfo[0], java.nio.charset.StandardCharsets.UTF_8);
                    password = userInfo.length > 1 ? java.net.URLDecoder.decode(userInfo[1], java.nio.charset.StandardCharsets.UTF_8) : null;
                }
                name = uri.getPath() == null || uri.getPath().length() < 2 ? null : uri.getPath().substring(1);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        int p = port != null && port.matches("\\d{1,5}") ? Integer.parseInt(port) : vendor.defaultPort();
        return new DbSettings(vendor, host == null ? "127.0.0.1" : host, p, name, user, password, null);
    }

    /** Fief's {@code DatabaseType} values. */
    static DbVendor vendor(String type) {
        return switch (type.trim().toUpperCase(Locale.ROOT)) {
            case "POSTGRESQL" -> DbVendor.PGSQL;
            case "MYSQL" -> DbVendor.MYSQL;
            case "SQLITE" -> DbVendor.SQLITE;
            default -> null;
        };
    }

    /** The table prefix Fief gives its tables ({@code DATABASE_TABLE_PREFIX}, default {@code fief_}). */
    static String tablePrefix(EnvFile env) {
        return env.get("DATABASE_TABLE_PREFIX").filter(p -> p.matches("[A-Za-z0-9_]{0,32}")).orElse("fief_");
    }

    @Override
    public List<ProductSetting> settings() {
        return List.of(
                new ProductSetting(CLI, "CLI", "how the fief command is run in the install directory (in a Docker "
                        + "instance: inside its container, through docker exec)", "fief"),
                new ProductSetting(START, "Start command", "starts the Fief server (0.28 or later for the consolidation), "
                        + "e.g. sudo -n systemctl start fief; in Docker it must recreate the container from its environment "
                        + "file, e.g. docker rm -f fief-server; docker run -d --name fief-server --env-file /srv/fief/fief.env "
                        + "ghcr.io/fief-dev/fief:0.28.x", ""),
                new ProductSetting(STOP, "Stop command", "stops it, e.g. docker stop fief-server", ""),
                new ProductSetting(DOCKER_ENV_FILE, "Environment file (Docker)", "Fief in Docker: the file on the SSH host "
                        + "the container is created from (docker run --env-file); a consolidation sets ENCRYPTION_KEY there "
                        + "and the start command recreates the container from it", ""),
                new ProductSetting(START_BEFORE_028, "Start command of Fief 0.27", "what a consolidation's rollback runs to "
                        + "start the Fief from before 0.28 again once the workspace is back, e.g. docker run -d --name "
                        + "fief-server ghcr.io/fief-dev/fief:0.27.7 (blank: the rollback leaves it to the admin)", ""));
    }

    @Override
    public java.util.Map<String, String> settingProblems(java.util.Map<String, String> values) {
        String file = values.getOrDefault(DOCKER_ENV_FILE, "");
        if (file != null && !file.isBlank() && !file.strip().matches("/[^\\x00-\\x1f]*[^/]")) {
            return java.util.Map.of(DOCKER_ENV_FILE, "The environment file is an absolute path of a file on the SSH host");
        }
        return java.util.Map.of();
    }

    @Override
    public List<RemoteProbe> probes(String installPath) {
        return List.of();
    }
}
