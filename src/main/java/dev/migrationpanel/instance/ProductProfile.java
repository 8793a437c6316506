package dev.migrationpanel.instance;

import java.util.List;

import dev.migrationpanel.database.DbSettings;

/**
 * What the registry needs to know about one product (DreamFactory now; CairnCMS and Fief later), kept in
 * that product's own package. Adding a product means adding one bean of this type.
 */
public interface ProductProfile {

    /** Stable id stored with each instance, e.g. {@code dreamfactory}. */
    String id();

    String displayName();

    String defaultInstallPath();

    /** The environment file, relative to the install path. */
    String envFileName();

    /**
     * Whether, in a Docker container, the product's settings are the container's environment (what {@code docker run
     * -e}/{@code --env-file} gave it, read with {@code docker inspect}) rather than the environment file in the install.
     */
    default boolean settingsInContainerEnvironment() {
        return false;
    }

    /** Whether the value of this environment key is a secret: shown to no one, masked everywhere. */
    boolean isSecretEnvKey(String key);

    /** The key holding the app's encryption key, shown only as a short hash. */
    String appKeyName();

    /** Keys the app cannot run without; a missing one is reported. */
    List<String> requiredEnvKeys();

    /**
     * The system DB as the environment file describes it. Relative SQLite paths are resolved against the
     * install path; anything missing is left null for the caller to report.
     */
    DbSettings databaseFrom(EnvFile env, String installPath);

    /** Product-specific pre-flight probes (runtime versions, app version), run in the install's context. */
    List<RemoteProbe> probes(String installPath);

    /**
     * The probes of this instance: those of its install path, and what its own settings (an ADMIN-set CLI) let the
     * product look at. A probe named {@link LatestChecks#VERSION_ITEM} reports the version the dashboard shows.
     */
    default List<RemoteProbe> probes(Instance instance) {
        return probes(instance.getInstallPath());
    }

    /** Settings this product adds to its instances, in the order the instance form shows them. */
    default List<ProductSetting> settings() {
        return List.of();
    }

    /**
     * Rules that span this product's settings (e.g. a custom web server needs its restart command), on the values
     * as given (blank: the default applies): setting name to the one line that says what is wrong.
     */
    default java.util.Map<String, String> settingProblems(java.util.Map<String, String> values) {
        return java.util.Map.of();
    }
}
