package dev.migrationpanel.dreamfactory;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.instance.CheckItem;
import dev.migrationpanel.instance.EnvFile;
import dev.migrationpanel.instance.ProductProfile;
import dev.migrationpanel.instance.RemoteProbe;

/**
 * What the panel knows of a DreamFactory install (a Laravel app): where it lives, its {@code .env}, its
 * system DB settings and how to read its PHP, Composer and app versions. From the vendor's
 * "Upgrading and Migrating DreamFactory" guide.
 */
@Component
public class DreamFactoryProfile implements ProductProfile {

    public static final String ID = "dreamfactory";
    /** DreamFactory supports PHP 8.1 or later (vendor guide, "General Configuration"). */
    static final int[] MIN_PHP = {8, 1};
    /** The services a fresh install has (the installer's); any other service is the admin's. */
    static final List<String> INSTALLER_SERVICES = List.of("system", "api_docs", "files", "logs", "db", "email", "user");
    /** Laravel's migration history: the target's newer release adds rows to it. */
    static final String MIGRATIONS_TABLE = "migrations";

    /** config/app.php's cipher when the .env names none ({@code env('APP_CIPHER', 'AES-256-CBC')}). */
    static final String DEFAULT_CIPHER = "AES-256-CBC";
    /** Laravel's default when DB_DATABASE is blank: {@code database_path('database.sqlite')} in config/database.php. */
    static final String DEFAULT_SQLITE = "database/database.sqlite";

    private static final Set<String> SECRET_KEYS = Set.of("APP_KEY", "DB_PASSWORD", "REDIS_PASSWORD",
            "MAIL_PASSWORD", "JWT_SECRET", "AWS_SECRET_ACCESS_KEY", "DF_LICENSE_KEY", "PUSHER_APP_SECRET");
    private static final Pattern SECRET_NAME = Pattern.compile(".*(PASSWORD|SECRET|_KEY|TOKEN|PASSPHRASE).*");
    /**
     * Prints the release's version, run in the install directory: DreamFactory keeps it in config/app.php since 2.14
     * (7.x: {@code 'version' => '7.1.0',}), in config/df.php before. The first found is the release's; nothing
     * when neither holds one.
     */
    static final String VERSION_COMMAND = "sed -n " + quote("s/^ *'version' *=> *'\\([^']*\\)'.*/\\1/p")
            + " config/app.php config/df.php 2>/dev/null | head -n 1";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String displayName() {
        return "DreamFactory";
    }

    @Override
    public String defaultInstallPath() {
        return "/opt/dreamfactory";
    }

    @Override
    public String envFileName() {
        return ".env";
    }

    @Override
    public boolean isSecretEnvKey(String key) {
        return SECRET_KEYS.contains(key) || SECRET_NAME.matcher(key.toUpperCase(Locale.ROOT)).matches();
    }

    @Override
    public String appKeyName() {
        return "APP_KEY";
    }

    @Override
    public List<String> requiredEnvKeys() {
        return List.of("APP_KEY", "DB_CONNECTION");
    }

    @Override
    public DbSettings databaseFrom(EnvFile env, String installPath) {
        DbVendor vendor = env.get("DB_CONNECTION").flatMap(DbVendor::fromCode).orElse(null);
        if (vendor == null) {
            return null;
        }
        if (vendor == DbVendor.SQLITE) {
            String file = env.get("DB_DATABASE").filter(v -> !v.isBlank()).orElse(DEFAULT_SQLITE);
            return new DbSettings(vendor, null, 0, null, null, null,
                    file.startsWith("/") ? file : installPath + "/" + file);
        }
        int port = env.get("DB_PORT").filter(p -> p.matches("\\d{1,5}")).map(Integer::parseInt)
                .orElse(vendor.defaultPort());
        return new DbSettings(vendor, env.get("DB_HOST").orElse("127.0.0.1"), port,
                env.get("DB_DATABASE").orElse(null), env.get("DB_USERNAME").orElse(null),
                env.get("DB_PASSWORD").orElse(null), null);
    }

    /** The web server and the Laravel web user and group (see {@link WebSettings}). */
    @Override
    public List<dev.migrationpanel.instance.ProductSetting> settings() {
        return WebSettings.declared();
    }

    @Override
    public java.util.Map<String, String> settingProblems(java.util.Map<String, String> values) {
        return WebSettings.problems(values);
    }

    @Override
    public List<RemoteProbe> probes(String installPath) {
        String cd = "cd " + quote(installPath) + " && ";
        String git = "git -c safe.directory=" + quote(installPath) + " -C " + quote(installPath);
        return List.of(
                // an in-place upgrade is the guide's git stash, checkout and pull
                new RemoteProbe("Git", git + " rev-parse --abbrev-ref HEAD && " + git + " rev-parse --short HEAD && "
                        + git + " status --porcelain", r -> gitItem(installPath, r)),
                new RemoteProbe("PHP", "php -r 'echo PHP_VERSION;'", r -> {
                    if (!r.ok() || r.stdout().isBlank()) {
                        return CheckItem.blocking("PHP", "php is not available: DreamFactory needs PHP 8.1 or later");
                    }
                    String version = r.stdout().trim();
                    return atLeast(version, MIN_PHP) ? CheckItem.ok("PHP", "PHP " + version)
                            : CheckItem.blocking("PHP", "PHP " + version + " is too old: DreamFactory needs 8.1 or later");
                }),
                new RemoteProbe("Composer", "COMPOSER_ALLOW_SUPERUSER=1 composer --version --no-ansi 2>/dev/null",
                        r -> r.ok() && !r.stdout().isBlank()
                                ? CheckItem.ok("Composer", r.stdout().strip().lines().findFirst().orElse(""))
                                : CheckItem.warning("Composer", "composer is not available: upgrades run composer install")),
                new RemoteProbe("App version", cd + VERSION_COMMAND, r -> r.ok() && !r.stdout().isBlank()
                        ? CheckItem.ok("App version", "DreamFactory " + r.stdout().strip())
                        : CheckItem.warning("App version", "Could not read the version from config/app.php or config/df.php")));
    }

    /** Compares the leading numeric parts of a version such as {@code 8.2.7-1~deb12u1}. */
    static boolean atLeast(String version, int[] minimum) {
        String[] parts = version.split("[^0-9]+");
        for (int i = 0; i < minimum.length; i++) {
            int have = i < parts.length && !parts[i].isEmpty() ? Integer.parseInt(parts[i]) : 0;
            if (have != minimum[i]) {
                return have > minimum[i];
            }
        }
        return true;
    }

    private static CheckItem gitItem(String path, dev.migrationpanel.remote.CommandResult r) {
        if (!r.ok()) {
            String error = r.stderr().isBlank() ? r.stdout().strip() : r.stderr().strip();
            return CheckItem.blocking("Git", path + " is not a git repository (in-place upgrades need one): "
                    + error.lines().findFirst().orElse("exit code " + r.exitCode()));
        }
        List<String> lines = r.stdout().lines().toList();
        String branch = lines.get(0).trim();
        String commit = lines.size() > 1 ? lines.get(1).trim() : "?";
        List<String> dirty = lines.size() > 2 ? lines.subList(2, lines.size()) : List.of();
        String head = "branch " + ("HEAD".equals(branch) ? "(detached)" : branch) + " at " + commit;
        if (dirty.isEmpty()) {
            return CheckItem.ok("Git", head + ", no local changes");
        }
        List<String> names = dirty.stream().map(l -> l.length() > 3 ? l.substring(3) : l).limit(10).toList();
        return CheckItem.warning("Git", head + ", " + dirty.size() + " changed file(s) that git stash will keep: "
                + String.join(", ", names) + (dirty.size() > 10 ? ", …" : ""));
    }
}
