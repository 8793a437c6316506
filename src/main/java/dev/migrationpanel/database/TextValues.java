package dev.migrationpanel.database;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Finds the text values of a DB that contain a marker, in every text-like column (CHAR, VARCHAR, TEXT, CLOB,
 * JSON) of every base table. The DB server filters ({@code LIKE '%marker%'}), rows are streamed one at a
 * time, so a table of millions of values is read with flat memory. A proof uses it to find every value of a
 * kind (e.g. encrypted payloads) wherever the product keeps them, also inside JSON documents.
 */
public final class TextValues {

    /** Markers are embedded in SQL as a literal: letters and digits only. */
    static final Pattern MARKER = Pattern.compile("[A-Za-z0-9]{4,64}");
    private static final Set<String> TEXT_TYPE_NAMES = Set.of("json", "jsonb", "text", "tinytext", "mediumtext",
            "longtext", "citext", "character varying", "varchar", "char", "bpchar", "nvarchar", "clob");

    private TextValues() {
    }

    /**
     * A value that contains the marker.
     *
     * @param rowKey the row's primary key values joined by {@code ,}, or null when the table has none
     */
    public record Found(String table, String column, String rowKey, String text) {
    }

    /** A text-like column of a table, and the table's primary key columns. */
    public record TextColumns(String table, List<String> key, List<String> text) {
    }

    /**
     * Streams every text value containing {@code marker} to the visitor, table by table (by name), column by
     * column within a row; returns how many values were visited.
     */
    public static long scan(Connection connection, String marker, Consumer<Found> visitor) throws SQLException {
        return scan(connection, marker, visitor, null);
    }

    /**
     * As above, over the named tables only (as the server spells them; null: every table), e.g. those
     * {@link TableFingerprints#read(Connection, java.util.Map, java.util.Map, String)} found holding the marker.
     */
    public static long scan(Connection connection, String marker, Consumer<Found> visitor, Set<String> only)
            throws SQLException {
        requireMarker(marker);
        String product = connection.getMetaData().getDatabaseProductName();
        String quote = connection.getMetaData().getIdentifierQuoteString().trim();
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false); // PostgreSQL streams only inside a transaction
        long visited = 0;
        try {
            for (String table : TableFingerprints.tables(connection)) {
                if (only != null && !only.contains(table)) {
                    continue;
                }
                TextColumns columns = textColumns(connection, table);
                if (columns.text().isEmpty()) {
                    continue;
                }
                visited += scanTable(connection, columns, marker, quote, product, visitor);
            }
            return visited;
        } finally {
            if (autoCommit) {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        }
    }

    /** @throws IllegalArgumentException for a marker that is not 4 to 64 letters and digits */
    public static void requireMarker(String marker) {
        if (marker == null || !MARKER.matcher(marker).matches()) {
            throw new IllegalArgumentException("A marker is 4 to 64 letters and digits");
        }
    }

    /**
     * The condition "this (quoted) column's value holds the marker", as fast as each server runs it, byte for byte (a
     * marker is case-sensitive): on MariaDB {@code LIKE BINARY} (a LIKE under a {@code _ci} collation compares
     * characters by collation, three times slower on a large text table), on MySQL {@code CAST(… AS BINARY)} (its
     * {@code BINARY} operator is deprecated since 8.0.27), on PostgreSQL {@code strpos} over the text (json/jsonb have
     * no LIKE) in the "C" collation (a substring search refuses a case-insensitive one): half LIKE's time on a 1 GB
     * table, measured in a migration proof.
     *
     * @param product the server's product name as its JDBC driver gives it
     */
    static String holdsMarker(String quotedColumn, String marker, String product) {
        requireMarker(marker);
        String lower = product.toLowerCase(Locale.ROOT);
        String pattern = "'%" + marker + "%'";
        if (lower.contains("mariadb")) {
            return quotedColumn + " LIKE BINARY " + pattern;
        } else if (lower.contains("mysql")) {
            return "CAST(" + quotedColumn + " AS BINARY) LIKE " + pattern;
        } else if (lower.contains("postgresql")) {
            return "strpos(CAST(" + quotedColumn + " AS text) COLLATE \"C\", '" + marker + "') > 0";
        }
        return quotedColumn + " LIKE " + pattern;
    }

    static TextColumns textColumns(Connection connection, String table) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        List<String> text = new ArrayList<>();
        try (ResultSet rs = meta.getColumns(connection.getCatalog(), connection.getSchema(), table, "%")) {
            while (rs.next()) {
                if (isText(rs.getInt("DATA_TYPE"), rs.getString("TYPE_NAME"))) {
                    text.add(rs.getString("COLUMN_NAME"));
                }
            }
        }
        TreeMap<Integer, String> key = new TreeMap<>();
        try (ResultSet pk = meta.getPrimaryKeys(connection.getCatalog(), connection.getSchema(), table)) {
            while (pk.next()) {
                key.put(pk.getInt("KEY_SEQ"), pk.getString("COLUMN_NAME"));
            }
        }
        return new TextColumns(table, List.copyOf(key.values()), text);
    }

    static boolean isText(int jdbcType, String typeName) {
        return switch (jdbcType) {
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR,
                    Types.CLOB, Types.NCLOB -> true;
            default -> typeName != null && TEXT_TYPE_NAMES.contains(typeName.toLowerCase(Locale.ROOT));
        };
    }

    private static long scanTable(Connection connection, TextColumns columns, String marker, String quote,
            String product, Consumer<Found> visitor) throws SQLException {
        List<String> select = new ArrayList<>();
        columns.key().forEach(k -> select.add(TableFingerprints.quoted(quote, k)));
        List<String> where = new ArrayList<>();
        for (String column : columns.text()) {
            select.add(TableFingerprints.quoted(quote, column));
            where.add(holdsMarker(TableFingerprints.quoted(quote, column), marker, product));
        }
        String sql = "SELECT " + String.join(", ", select) + " FROM " + TableFingerprints.quoted(quote, columns.table()) + " WHERE "
                + String.join(" OR ", where);
        long visited = 0;
        int keys = columns.key().size();
        try (Statement statement = connection.createStatement()) {
            statement.setFetchSize(500);
            try (ResultSet rs = statement.executeQuery(sql)) {
                while (rs.next()) {
                    String rowKey = null;
                    if (keys > 0) {
                        StringBuilder key = new StringBuilder();
                        for (int k = 1; k <= keys; k++) {
                            key.append(k == 1 ? "" : ",").append(rs.getString(k));
                        }
                        rowKey = key.toString();
                    }
                    for (int c = 0; c < columns.text().size(); c++) {
                        String value = rs.getString(keys + c + 1);
                        if (value != null && value.contains(marker)) {
                            visitor.accept(new Found(columns.table(), columns.text().get(c), rowKey, value));
                            visited++;
                        }
                    }
                }
            }
        }
        return visited;
    }
}
