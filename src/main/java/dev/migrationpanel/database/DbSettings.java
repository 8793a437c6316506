package dev.migrationpanel.database;

/**
 * Where an instance's system database is, as the instance sees it (host and port are resolved on the
 * instance's side, so a tunnel can reach {@code 127.0.0.1} there). For SQLite only {@code sqlitePath}
 * counts. The password is held in memory only; {@link #toString()} never shows it.
 */
public record DbSettings(DbVendor vendor, String host, int port, String database, String username, String password,
        String sqlitePath) {

    public boolean hasPassword() {
        return password != null && !password.isEmpty();
    }

    /** What an admin reads in a report: everything but the password. */
    public String describe() {
        if (vendor == DbVendor.SQLITE) {
            return vendor.label() + " file " + sqlitePath;
        }
        return vendor.label() + " " + database + " on " + host + ":" + port + " as " + username;
    }

    @Override
    public String toString() {
        return "DbSettings[" + describe() + (hasPassword() ? ", password ****" : "") + "]";
    }
}
