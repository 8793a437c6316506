package dev.migrationpanel.database;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-table row count and content checksum of a DB, to prove two states equal (before and after a
 * rollback, source and target of a migration). Rows are read in a stable order (every column, in column
 * order) and streamed into SHA-256, so a large table is never held in memory.
 */
public final class TableFingerprints {

    private TableFingerprints() {
    }

    public record Fingerprint(long rows, String sha256) {
    }

    /** Every base table of the connection's current schema/database, by lower-cased name. */
    public static Map<String, Fingerprint> of(Connection connection) throws SQLException {
        Map<String, Fingerprint> result = new TreeMap<>();
        for (String table : tables(connection)) {
            result.put(table.toLowerCase(), of(connection, table));
        }
        return result;
    }

    static List<String> tables(Connection connection) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        String schema = connection.getSchema();
        List<String> tables = new ArrayList<>();
        try (ResultSet rs = meta.getTables(connection.getCatalog(), schema, "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                tables.add(rs.getString("TABLE_NAME"));
            }
        }
        return tables;
    }

    public static Fingerprint of(Connection connection, String table) throws SQLException {
        String quote = connection.getMetaData().getIdentifierQuoteString().trim();
        String name = quote + table.replace(quote, quote + quote) + quote;
        MessageDigest digest = sha256();
        long rows = 0;
        try (Statement statement = connection.createStatement()) {
            statement.setFetchSize(1000);
            ResultSetMetaData columns;
            int count;
            try (ResultSet probe = statement.executeQuery("SELECT * FROM " + name + " WHERE 1 = 0")) {
                columns = probe.getMetaData();
                count = columns.getColumnCount();
            }
            StringBuilder order = new StringBuilder();
            for (int c = 1; c <= count; c++) {
                order.append(c == 1 ? "" : ", ").append(c);
            }
            try (ResultSet rs = statement.executeQuery("SELECT * FROM " + name + (count > 0 ? " ORDER BY " + order : ""))) {
                while (rs.next()) {
                    rows++;
                    for (int c = 1; c <= count; c++) {
                        String value = rs.getString(c);
                        digest.update((value == null ? "\u0000NULL" : value).getBytes(StandardCharsets.UTF_8));
                        digest.update((byte) 0x1f);
                    }
                    digest.update((byte) 0x1e);
                }
            }
        }
        return new Fingerprint(rows, HexFormat.of().formatHex(digest.digest()));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
