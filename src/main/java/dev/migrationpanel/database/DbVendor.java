package dev.migrationpanel.database;

import java.util.Locale;
import java.util.Optional;

/**
 * The database engines an instance's system DB may use. The codes are Laravel's {@code DB_CONNECTION}
 * names, which is what instances write in their {@code .env}.
 */
public enum DbVendor {
    MYSQL("mysql", "MySQL / MariaDB", 3306),
    PGSQL("pgsql", "PostgreSQL", 5432),
    SQLITE("sqlite", "SQLite", 0),
    SQLSRV("sqlsrv", "SQL Server", 1433);

    private final String code;
    private final String label;
    private final int defaultPort;

    DbVendor(String code, String label, int defaultPort) {
        this.code = code;
        this.label = label;
        this.defaultPort = defaultPort;
    }

    /** A table or column name quoted for this vendor's SQL (backticks for MySQL/MariaDB, double quotes elsewhere). */
    public String quoteName(String name) {
        return this == MYSQL ? "`" + name.replace("`", "``") + "`" : "\"" + name.replace("\"", "\"\"") + "\"";
    }

    public String code() { return code; }
    public String label() { return label; }
    public int defaultPort() { return defaultPort; }

    /** A server reached over the network, as opposed to a file on the instance's host. */
    public boolean networked() {
        return this != SQLITE;
    }

    public static Optional<DbVendor> fromCode(String code) {
        if (code == null) {
            return Optional.empty();
        }
        String wanted = code.trim().toLowerCase(Locale.ROOT);
        if (wanted.equals("mariadb")) {
            return Optional.of(MYSQL);
        }
        if (wanted.equals("postgres") || wanted.equals("postgresql")) {
            return Optional.of(PGSQL);
        }
        for (DbVendor vendor : values()) {
            if (vendor.code.equals(wanted)) {
                return Optional.of(vendor);
            }
        }
        return Optional.empty();
    }
}
