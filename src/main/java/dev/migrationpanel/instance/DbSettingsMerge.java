package dev.migrationpanel.instance;

import java.util.Optional;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;

/** The DB settings in force: each field the admin overrode, else what the instance's environment file says. */
final class DbSettingsMerge {

    private DbSettingsMerge() {
    }

    /** @param discovered from the environment file, or null when there is none */
    static DbSettings effective(Instance i, DbSettings discovered) {
        DbVendor vendor = DbVendor.fromCode(i.getDbConnection())
                .orElse(discovered == null ? null : discovered.vendor());
        if (vendor == null) {
            return null;
        }
        Integer port = i.getDbPort() != null ? i.getDbPort()
                : discovered != null && discovered.vendor() == vendor && discovered.port() > 0 ? discovered.port()
                        : vendor.defaultPort();
        return new DbSettings(vendor,
                pick(i.getDbHost(), discovered == null ? null : discovered.host()),
                port,
                pick(i.getDbDatabase(), discovered == null ? null : discovered.database()),
                pick(i.getDbUsername(), discovered == null ? null : discovered.username()),
                pick(i.getDbPassword(), discovered == null ? null : discovered.password()),
                pick(i.getDbSqlitePath(), discovered == null ? null : discovered.sqlitePath()));
    }

    static String describeSource(Instance i, DbSettings discovered) {
        boolean overridden = i.getDbConnection() != null || i.getDbHost() != null || i.getDbPort() != null
                || i.getDbDatabase() != null || i.getDbUsername() != null || i.getDbPassword() != null
                || i.getDbSqlitePath() != null;
        if (discovered == null) {
            return "overridden in the panel";
        }
        return overridden ? "from .env, with overrides set in the panel" : "from .env";
    }

    /** What a networked DB's settings lack, if anything, or hold that the panel will not put in a URL. */
    static Optional<String> incomplete(DbSettings s) {
        if (s.host() == null || s.host().isBlank()) {
            return Optional.of("no DB host (DB_HOST) set");
        }
        if (!s.host().matches(InstanceForm.HOST_PATTERN)) {
            return Optional.of("the DB host '" + s.host() + "' is not a host name or IP address");
        }
        if (s.database() == null || s.database().isBlank()) {
            return Optional.of("no DB name (DB_DATABASE) set");
        }
        if (!s.database().matches("^[A-Za-z0-9_$.-]+$")) {
            return Optional.of("the DB name '" + s.database() + "' has characters the panel does not accept");
        }
        return Optional.empty();
    }

    private static String pick(String override, String discovered) {
        return override != null ? override : discovered;
    }
}
