package dev.migrationpanel.cairncms;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.instance.CheckItem;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.DeploymentType;
import dev.migrationpanel.instance.EnvFile;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.LatestChecks;
import dev.migrationpanel.instance.ProductProfile;
import dev.migrationpanel.instance.RemoteProbe;

/**
 * What the panel knows of a CairnCMS install: a directory with its {@code .env} and {@code package.json}, the DB
 * the {@code .env} names ({@code DB_CLIENT} {@code pg}, {@code mysql} or {@code sqlite3}), its {@code KEY} (the
 * instance's identity) and {@code SECRET} (the signing secret), both secrets shown only as a short hash, and its
 * storage locations ({@code STORAGE_LOCATIONS}, each {@code STORAGE_<LOC>_DRIVER}/{@code _ROOT}). From the vendor's
 * "Migration between instances" guide.
 */
@Component
public class CairnCmsProfile implements ProductProfile {

    public static final String ID = "cairncms";

    private static final Set<String> SECRET_KEYS = Set.of("KEY", "SECRET", "DB_PASSWORD", "ADMIN_PASSWORD",
            "ADMIN_TOKEN", "EMAIL_SMTP_PASSWORD", "DB_CONNECTION_STRING");
    private static final Pattern SECRET_NAME = Pattern.compile(".*(PASSWORD|SECRET|_KEY|TOKEN|PASSPHRASE|CREDENTIALS).*");

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String displayName() {
        return "CairnCMS";
    }

    @Override
    public String defaultInstallPath() {
        return "/opt/cairncms";
    }

    @Override
    public String envFileName() {
        return ".env";
    }

    /**
     * In Docker, CairnCMS's settings are its container's environment (as the vendor's image is configured: {@code docker
     * run --env-file} or compose's {@code environment:}, no {@code .env} in the image), read with {@code docker inspect}.
     */
    @Override
    public boolean settingsInContainerEnvironment() {
        return true;
    }

    @Override
    public boolean isSecretEnvKey(String key) {
        return SECRET_KEYS.contains(key) || SECRET_NAME.matcher(key.toUpperCase(Locale.ROOT)).matches();
    }

    /** The signing secret: tokens and sessions stay valid across a clone only with the same one. */
    @Override
    public String appKeyName() {
        return "SECRET";
    }

    @Override
    public List<String> requiredEnvKeys() {
        return List.of("KEY", "SECRET", "DB_CLIENT");
    }

    @Override
    public DbSettings databaseFrom(EnvFile env, String installPath) {
        DbVendor vendor = env.get("DB_CLIENT").map(CairnCmsProfile::vendor).orElse(null);
        if (vendor == null) {
            return null;
        }
        if (vendor == DbVendor.SQLITE) {
            String file = env.get("DB_FILENAME").filter(v -> !v.isBlank()).orElse(null);
            if (file == null) {
                return null;
            }
            String relative = file.startsWith("./") ? file.substring(2) : file;
            return new DbSettings(vendor, null, 0, null, null, null,
                    relative.startsWith("/") ? relative : installPath + "/" + relative);
        }
        int port = env.get("DB_PORT").filter(p -> p.matches("\\d{1,5}")).map(Integer::parseInt)
                .orElse(vendor.defaultPort());
        return new DbSettings(vendor, env.get("DB_HOST").orElse("127.0.0.1"), port,
                env.get("DB_DATABASE").orElse(null), env.get("DB_USER").orElse(null),
                env.get("DB_PASSWORD").orElse(null), null);
    }

    /** {@code DB_CLIENT} as CairnCMS (knex) names the drivers it supports. */
    static DbVendor vendor(String client) {
        return switch (client.trim().toLowerCase(Locale.ROOT)) {
            case "pg", "postgres", "postgresql" -> DbVendor.PGSQL;
            case "mysql", "mysql2" -> DbVendor.MYSQL;
            case "sqlite3", "sqlite" -> DbVendor.SQLITE;
            default -> null;
        };
    }

    /** How the panel runs the CLI in the install (the guide's {@code cairncms bootstrap}, {@code schema snapshot}…). */
    public static final String CLI = "cli";
    /** The service's start and stop, for a clone's pause of writes and the target's restart. */
    public static final String START = "startCommand";
    public static final String STOP = "stopCommand";

    @Override
    public List<dev.migrationpanel.instance.ProductSetting> settings() {
        return List.of(
                new dev.migrationpanel.instance.ProductSetting(CLI, "CLI", "how the cairncms command is run in the "
                        + "install directory (in a Docker instance: inside its container, through docker exec, in its "
                        + "working directory, e.g. /directus)", "npx cairncms"),
                new dev.migrationpanel.instance.ProductSetting(START, "Start command", "starts the CairnCMS service, "
                        + "e.g. sudo -n systemctl start cairncms", ""),
                new dev.migrationpanel.instance.ProductSetting(STOP, "Stop command", "stops it, e.g. sudo -n systemctl "
                        + "stop cairncms, or docker stop cairncms", ""));
    }

    /** Also the CLI's own version ({@code cairncms --version}, run in the install as the ADMIN set it). */
    @Override
    public List<RemoteProbe> probes(Instance instance) {
        String cli = instance.productSetting(CLI, "npx cairncms");
        List<RemoteProbe> probes = new java.util.ArrayList<>(probes(instance.getInstallPath()));
        probes.add(new RemoteProbe(LatestChecks.VERSION_ITEM, "cd " + quote(instance.getInstallPath()) + " && " + cli
                + " --version", r -> {
                    String out = r.stdout().strip();
                    String last = out.isEmpty() ? "" : out.lines().reduce((a, b) -> b).orElse("").strip();
                    return r.ok() && last.matches("v?\\d+\\.\\d+\\.\\d+\\S*")
                            ? CheckItem.ok(LatestChecks.VERSION_ITEM, "CairnCMS " + last.replaceFirst("^v", ""))
                            : CheckItem.warning(LatestChecks.VERSION_ITEM, "The CLI (" + cli + ") did not tell its version"
                                    + (out.isEmpty() ? "" : ": " + (out.length() > 120 ? out.substring(0, 120) + "…" : out)));
                }));
        return probes;
    }

    @Override
    public List<RemoteProbe> probes(String installPath) {
        return List.of(new RemoteProbe("package.json", "cat " + quote(installPath + "/package.json"), r -> r.ok()
                ? CheckItem.ok("package.json", "present (the CLI and extensions read it)")
                : CheckItem.warning("package.json", "no package.json in " + installPath
                        + ": CairnCMS's CLI warns about extensions without one")));
    }

    /**
     * Why the structure promotion and the clone are not offered for an install in a Kubernetes pod: they reach into a
     * Docker container (docker inspect, docker exec, docker cp) but not into a pod.
     */
    static final String NOT_IN_A_POD = "the panel's CairnCMS promotion and clone reach into a Docker container (its "
            + "environment read with docker inspect, the CLI run with docker exec, files copied with docker cp), not into a "
            + "Kubernetes pod yet: follow the guide by hand with kubectl exec / kubectl cp";

    /** Whether the promotion, the clone and the content move act on this install: on its host or in a Docker container. */
    static boolean reachable(Instance instance) {
        return instance.getDeploymentType() == DeploymentType.HOST || instance.getDeploymentType() == DeploymentType.DOCKER;
    }

    /** For {@link dev.migrationpanel.job.Flow#whyNotApplicable}: the reason for a CairnCMS install in a pod, else null. */
    static String whyNotReachable(Instance instance) {
        return ID.equals(instance.getProduct()) && !reachable(instance)
                ? "it is " + Deployment.of(instance).describe() + ": " + NOT_IN_A_POD : null;
    }
}
