package dev.migrationpanel.database;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** How big a system DB is, as its server counts it: a bound on the dump a backup will stage and store. */
public final class DatabaseSize {

    private DatabaseSize() {
    }

    /** Bytes of data and indexes, or -1 when the vendor does not say. */
    public static long bytes(InstanceDbConnection db, DbVendor vendor) throws SQLException {
        String sql = switch (vendor) {
            case MYSQL -> "SELECT COALESCE(SUM(data_length + index_length), 0) FROM information_schema.tables "
                    + "WHERE table_schema = DATABASE()";
            case PGSQL -> "SELECT pg_database_size(current_database())";
            case SQLSRV -> "SELECT SUM(size) * 8192 FROM sys.database_files";
            case SQLITE -> null;
        };
        if (sql == null) {
            return -1;
        }
        try (Statement s = db.connection().createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }
}
