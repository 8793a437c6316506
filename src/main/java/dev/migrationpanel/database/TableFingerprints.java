package dev.migrationpanel.database;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-table row count and content checksum of a DB, to prove two states equal (before and after a
 * rollback, source and target of a migration). On MySQL/MariaDB and PostgreSQL the DB server computes it
 * (the sum of each row's hash, over its columns as the server prints them; see {@link PostgresSum} for
 * PostgreSQL's, SHA-1 on MySQL/MariaDB, where CPUs hash it fastest): only two numbers per table cross the
 * network, and row order does not matter. Elsewhere rows are read in a stable order and streamed into SHA-256
 * here, so a large table is never held in memory. Both sides of a comparison are always read the same way (the
 * same vendor; on PostgreSQL the same sum, see {@link #of(Connection, Map, Map)}).
 */
public final class TableFingerprints {

    private TableFingerprints() {
    }

    /** @param checksum the table's content checksum; equal content, equal checksum (read the same way) */
    public record Fingerprint(long rows, @com.fasterxml.jackson.annotation.JsonAlias("sha256") String checksum) {
    }

    /**
     * How PostgreSQL sums a table. Each adds one hash per row, so row order does not matter, and sees NULL and ''
     * apart; a value that is printed is printed as the server prints it (with the settings fixed for the read, see
     * {@link #of(Connection, String, List)}).
     */
    enum PostgresSum {
        /**
         * Each value hashed by its type's own 64-bit hash function where the type has one that sees every difference
         * (integers, booleans, text in the "C" collation, timestamps without zone, UUIDs), else printed as text and
         * hashed; the row's hashes hashed as an array, then once more because an array's hash is a linear mix of its
         * elements' (two rows swapping a value would otherwise sum alike). PostgreSQL 11+. No integer or timestamp is
         * printed: on the 1 GB bench table 0.85 s against {@link #VALUE_HASH}'s 1.9 s, and a migration reads that
         * table three times.
         */
        TYPED_HASH("t64:", 11),
        /**
         * As {@link #TYPED_HASH}, but every value printed as text first: what the panel recorded before it. PostgreSQL
         * 11+.
         */
        VALUE_HASH("h64:", 11),
        /**
         * 60 bits of the MD5 of the row as printed ({@code (1,"a b",,t)}): every version has it, and the panel
         * recorded sums this way before {@link #VALUE_HASH}; its checksums carry no prefix.
         */
        ROW_MD5("", 0);

        /**
         * The types hashed by their own function, by the name the server gives the type (a domain's is its base
         * type's): each one's hash tells apart any two values it prints apart. Numbers with a scale or a float (1.0 and
         * 1.00 hash alike), JSON, and timestamps with zone are among the ones printed.
         */
        private static final Map<String, String> OWN_HASH = Map.of(
                "int2", "hashint2extended(%s, 0)",
                "int4", "hashint4extended(%s, 0)",
                "int8", "hashint8extended(%s, 0)",
                "bool", "hashint4extended(%s::int4, 0)",
                "text", "hashtextextended(%s COLLATE \"C\", 0)",
                "varchar", "hashtextextended(%s COLLATE \"C\", 0)",
                "bpchar", "hashbpcharextended(%s COLLATE \"C\", 0)",
                "timestamp", "timestamp_hash_extended(%s, 0)",
                "uuid", "uuid_hash_extended(%s, 0)");

        final String prefix;
        final int sinceMajorVersion;

        PostgresSum(String prefix, int sinceMajorVersion) {
            this.prefix = prefix;
            this.sinceMajorVersion = sinceMajorVersion;
        }

        /** How {@code recorded} (PostgreSQL's: a comparison is one vendor's) was summed; null when nothing is recorded. */
        static PostgresSum of(Map<String, Fingerprint> recorded) {
            return recorded.values().stream().findFirst().map(f -> f.checksum().startsWith(TYPED_HASH.prefix) ? TYPED_HASH
                    : f.checksum().startsWith(VALUE_HASH.prefix) ? VALUE_HASH : ROW_MD5).orElse(null);
        }

        /** The sum of a server of this major version, or the one {@code recorded} used so the two compare. */
        static PostgresSum choose(int major, Map<String, Fingerprint> recorded) throws SQLException {
            PostgresSum wanted = of(recorded);
            if (wanted == null) {
                return major >= TYPED_HASH.sinceMajorVersion ? TYPED_HASH : ROW_MD5;
            }
            if (major < wanted.sinceMajorVersion) {
                throw new SQLException("the other side was summed with the hash functions of PostgreSQL "
                        + wanted.sinceMajorVersion + "+, and this server is PostgreSQL " + major);
            }
            return wanted;
        }

        /**
         * @param columns    the quoted columns with the names of their types ({@link #TYPED_HASH} needs them)
         * @param markedRows a condition whose rows are counted, or null
         * @param versions   also the table's row versions (PostgreSQL 11+, see {@link #ROW_VERSIONS})
         */
        String query(String table, List<Column> columns, String markedRows, boolean versions) {
            // sum() of bigint is exact (a numeric result) and adds in 128-bit integers: a third faster than
            // summing the same values cast to numeric, with the same result
            String row = switch (this) {
                case TYPED_HASH -> "hashint8extended(hash_array_extended(ARRAY[" + String.join(", ", columns.stream()
                        .map(c -> OWN_HASH.getOrDefault(c.type(), "hashtextextended(%s::text COLLATE \"C\", 0)")
                                .formatted(c.quoted())).toList()) + "], 0), 0)";
                case VALUE_HASH -> "hashint8extended(hash_array_extended(ARRAY[" + String.join(", ", columns.stream()
                        .map(c -> c.quoted() + "::text COLLATE \"C\"").toList()) + "], 0), 0)";
                case ROW_MD5 -> "('x' || substr(md5(ROW(" + String.join(", ", columns.stream().map(Column::quoted).toList())
                        + ")::text), 1, 15))::bit(60)::bigint";
            };
            return "SELECT count(*), '" + prefix + "' || coalesce(sum(" + row + "), 0)::text"
                    + (markedRows == null ? "" : ", count(*) FILTER (WHERE " + markedRows + ")")
                    + (versions ? ", " + ROW_VERSIONS : "") + " FROM " + table;
        }
    }

    /** A quoted column and the name the server gives its type (e.g. {@code int8}; null where not asked). */
    record Column(String quoted, String type) {
    }

    /**
     * A PostgreSQL table's row versions (see {@link #rowVersions(Connection)}) as one text: the row count and the sum
     * of a hash of each row's {@code xmin} and {@code ctid}.
     */
    private static final String ROW_VERSIONS = "count(*) || ':' || coalesce(sum(hashint8extended("
            + "hash_array_extended(ARRAY[xmin::text, ctid::text], 0), 0)), 0)";

    /** Every base table of the connection's current schema/database, by lower-cased name, over all its columns. */
    public static Map<String, Fingerprint> of(Connection connection) throws SQLException {
        return of(connection, Map.of());
    }

    /**
     * Every base table, by lower-cased name; a table named in {@code scope} (by lower-cased name) over those
     * columns only, in that order, the others over all their columns. A migration's proof compares a target
     * over the columns its source had: a newer release may add columns to a table, which hold no source data.
     */
    public static Map<String, Fingerprint> of(Connection connection, Map<String, List<String>> scope) throws SQLException {
        return of(connection, scope, Map.of());
    }

    /**
     * As {@link #of(Connection, Map)}, read to compare with {@code recorded} (fingerprints read earlier, maybe on
     * another server or by an older panel): summed the way they were, so equal content compares equal. A
     * PostgreSQL server too old for that way fails with why.
     */
    public static Map<String, Fingerprint> of(Connection connection, Map<String, List<String>> scope,
            Map<String, Fingerprint> recorded) throws SQLException {
        Map<String, Fingerprint> result = new TreeMap<>();
        for (Map.Entry<String, List<String>> table : columns(connection).entrySet()) {
            List<String> columns = scope.getOrDefault(table.getKey().toLowerCase(java.util.Locale.ROOT), table.getValue());
            result.put(table.getKey().toLowerCase(java.util.Locale.ROOT),
                    read(connection, table.getKey(), columns, List.of(), null, recorded, false).fingerprint());
        }
        return result;
    }

    /**
     * One read of every table: its fingerprint, its row versions where the server keeps them (PostgreSQL 11+, else
     * empty; see {@link #rowVersions(Connection)}), and, where a marker was asked for, the tables (as the server spells
     * them) where a text value holds it: those a scan for the marker must read ({@link TextValues#scan(Connection,
     * String, java.util.function.Consumer, java.util.Set)}). The server counts the marked rows and sums the versions in
     * the same pass that sums the checksum, so a proof that needs all three reads a large table once. Where the server
     * does not compute fingerprints (streamed), every table with a text column is named.
     */
    public record TablesRead(Map<String, Fingerprint> tables, Map<String, String> versions,
            java.util.Set<String> holdingMarker) {
    }

    /**
     * As {@link #of(Connection, Map, Map)}, with the row versions, and the tables holding {@code marker} (4 to 64
     * letters and digits; null: none looked for).
     */
    public static TablesRead read(Connection connection, Map<String, List<String>> scope,
            Map<String, Fingerprint> recorded, String marker) throws SQLException {
        if (marker != null) {
            TextValues.requireMarker(marker);
        }
        boolean versions = keepsRowVersions(connection);
        Map<String, Fingerprint> tables = new TreeMap<>();
        Map<String, String> versioned = new TreeMap<>();
        java.util.Set<String> holding = new java.util.TreeSet<>();
        for (Map.Entry<String, List<String>> table : columns(connection).entrySet()) {
            String lower = table.getKey().toLowerCase(java.util.Locale.ROOT);
            List<String> text = marker == null ? List.of() : TextValues.textColumns(connection, table.getKey()).text();
            Counted counted = read(connection, table.getKey(), scope.getOrDefault(lower, table.getValue()), text, marker,
                    recorded, versions);
            tables.put(lower, counted.fingerprint());
            if (counted.version() != null) {
                versioned.put(lower, counted.version());
            }
            if (counted.marked() != 0) {
                holding.add(table.getKey());
            }
        }
        return new TablesRead(tables, versioned, holding);
    }

    /**
     * Per table (by lower-cased name) its row versions on PostgreSQL 11+: the count and the sum of a hash of each row's
     * {@code xmin} (the transaction that wrote it, kept when the row is frozen) and {@code ctid} (where it lies). Any
     * INSERT, UPDATE or DELETE that leaves a row visible changes them, even one writing the same value again; reading,
     * locking and VACUUM do not (VACUUM FULL and CLUSTER move rows, so they count as writes). Cheaper than a
     * fingerprint by far (no value is printed): it proves a table not written since it was read. Empty on another
     * server, where only the fingerprint can say so.
     */
    public static Map<String, String> rowVersions(Connection connection) throws SQLException {
        if (!keepsRowVersions(connection)) {
            return Map.of();
        }
        String quote = connection.getMetaData().getIdentifierQuoteString().trim();
        return withLongReads(connection, () -> {
            Map<String, String> result = new TreeMap<>();
            try (Statement statement = connection.createStatement()) {
                for (String table : tables(connection)) {
                    try (ResultSet rs = statement.executeQuery("SELECT " + ROW_VERSIONS + " FROM " + quoted(quote, table))) {
                        rs.next();
                        result.put(table.toLowerCase(java.util.Locale.ROOT), rs.getString(1));
                    }
                }
            }
            return result;
        });
    }

    /** PostgreSQL with the hash functions {@link #ROW_VERSIONS} sums with (those of {@link PostgresSum#VALUE_HASH}). */
    private static boolean keepsRowVersions(Connection connection) throws SQLException {
        return connection.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgresql")
                && connection.getMetaData().getDatabaseMajorVersion() >= PostgresSum.VALUE_HASH.sinceMajorVersion;
    }

    /**
     * A fingerprint, how many rows hold the marker (-1: not counted, the table must be scanned if it has text), and the
     * row versions (null: not read).
     */
    private record Counted(Fingerprint fingerprint, long marked, String version) {
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

    /** Every base table (its name as the server spells it) with its columns in their table order. */
    public static Map<String, List<String>> columns(Connection connection) throws SQLException {
        Map<String, List<String>> result = new TreeMap<>();
        for (String table : tables(connection)) {
            result.put(table, columns(connection, table));
        }
        return result;
    }

    static List<String> columns(Connection connection, String table) throws SQLException {
        String quote = connection.getMetaData().getIdentifierQuoteString().trim();
        List<String> columns = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet probe = statement.executeQuery("SELECT * FROM " + quoted(quote, table) + " WHERE 1 = 0")) {
            for (int c = 1; c <= probe.getMetaData().getColumnCount(); c++) {
                columns.add(probe.getMetaData().getColumnName(c));
            }
        }
        return columns;
    }

    /** How long one table's read may take: a large table streams for minutes, not the connection's short default. */
    static final int READ_TIMEOUT_MILLIS = (int) java.time.Duration.ofHours(2).toMillis();

    /** One table's fingerprint over all its columns. */
    public static Fingerprint of(Connection connection, String table) throws SQLException {
        return of(connection, table, columns(connection, table));
    }

    /**
     * One table's fingerprint over the given columns, in that order, computed by the DB server where it can
     * (see the class), else streamed: rows in a stable order (its primary key where it has one, an index walk,
     * else every column) into SHA-256. Values are printed as the server prints them, so settings that change
     * the printing are fixed for the read: time zone UTC (timestamps with zone), and on PostgreSQL bytea in hex
     * and floats at full precision. PostgreSQL only streams (honours the fetch size) inside a transaction, so
     * reads run in one, which is rolled back, when the connection was in autocommit.
     */
    public static Fingerprint of(Connection connection, String table, List<String> columnNames) throws SQLException {
        return read(connection, table, columnNames, List.of(), null, Map.of(), false).fingerprint();
    }

    /** As {@link #of(Connection, String, List)}, summed as {@code recorded} was (see {@link #of(Connection, Map, Map)}). */
    public static Fingerprint of(Connection connection, String table, List<String> columnNames,
            Map<String, Fingerprint> recorded) throws SQLException {
        return read(connection, table, columnNames, List.of(), null, recorded, false).fingerprint();
    }

    /**
     * One table's fingerprint and, when {@code marker} is given, how many rows hold it in one of {@code textColumns}
     * (counted by the server in the same pass; -1 when read streamed and {@code textColumns} is not empty).
     */
    private static Counted read(Connection connection, String table, List<String> columnNames, List<String> textColumns,
            String marker, Map<String, Fingerprint> recorded, boolean versions) throws SQLException {
        if (columnNames.isEmpty()) {
            throw new IllegalArgumentException("A fingerprint needs at least one column of " + table);
        }
        String quote = connection.getMetaData().getIdentifierQuoteString().trim();
        String name = quoted(quote, table);
        List<String> columns = columnNames.stream().map(c -> quoted(quote, c)).toList();
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT);
        return withLongReads(connection, () -> read(connection, table, name, columns, textColumns, marker, recorded,
                versions, quote, product));
    }

    private static Counted read(Connection connection, String table, String name, List<String> columns,
            List<String> textColumns, String marker, Map<String, Fingerprint> recorded, boolean versions, String quote,
            String product) throws SQLException {
        boolean mysql = product.contains("mysql") || product.contains("mariadb");
        boolean postgres = product.contains("postgresql");
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        String mysqlZone = null;
        try (Statement statement = connection.createStatement()) {
            if (mysql) {
                try (ResultSet rs = statement.executeQuery("SELECT @@session.time_zone")) {
                    rs.next();
                    mysqlZone = rs.getString(1);
                }
                statement.execute("SET time_zone = '+00:00'");
            } else if (postgres) { // SET LOCAL: for this transaction only
                statement.execute("SET LOCAL TimeZone = 'UTC'");
                statement.execute("SET LOCAL bytea_output = 'hex'");
                statement.execute("SET LOCAL extra_float_digits = 3");
            }
            String marked = marker == null || textColumns.isEmpty() ? null
                    : "(" + String.join(" OR ", textColumns.stream()
                            .map(c -> TextValues.holdsMarker(quoted(quote, c), marker, product)).toList()) + ")";
            String inServer = mysql ? mysqlChecksum(name, columns, marked)
                    : postgres ? postgresQuery(connection, statement, name, columns, marked, recorded, versions) : null;
            if (inServer != null) {
                try (ResultSet rs = statement.executeQuery(inServer)) {
                    rs.next();
                    int next = marked == null ? 3 : 4;
                    return new Counted(new Fingerprint(rs.getLong(1), rs.getString(2)), marked == null ? 0 : rs.getLong(3),
                            postgres && versions ? rs.getString(next) : null);
                }
            }
            return new Counted(streamed(connection, statement, table, name, columns, quote), marked == null ? 0 : -1, null);
        } finally {
            if (mysqlZone != null) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET time_zone = '" + mysqlZone.replace("'", "''") + "'");
                }
            }
            if (autoCommit) { // a caller's own transaction is left alone
                connection.rollback();
                connection.setAutoCommit(true);
            }
        }
    }

    /** PostgreSQL's sum of a table, summed as {@code recorded} was; the typed sum first asks the columns' types. */
    private static String postgresQuery(Connection connection, Statement statement, String name, List<String> columns,
            String marked, Map<String, Fingerprint> recorded, boolean versions) throws SQLException {
        PostgresSum sum = PostgresSum.choose(connection.getMetaData().getDatabaseMajorVersion(), recorded);
        List<Column> typed = new ArrayList<>();
        if (sum == PostgresSum.TYPED_HASH) {
            try (ResultSet probe = statement.executeQuery("SELECT " + String.join(", ", columns) + " FROM " + name
                    + " WHERE false")) {
                for (int c = 1; c <= columns.size(); c++) {
                    typed.add(new Column(columns.get(c - 1), probe.getMetaData().getColumnTypeName(c)));
                }
            }
        } else {
            columns.forEach(c -> typed.add(new Column(c, null)));
        }
        return sum.query(name, typed, marked, versions);
    }

    /** A read that may take long (a large table), the connection's network timeout raised for it, then put back. */
    private static <T> T withLongReads(Connection connection, SqlRead<T> read) throws SQLException {
        int networkTimeout = connection.getNetworkTimeout();
        java.util.concurrent.ExecutorService timeoutExecutor = java.util.concurrent.Executors.newSingleThreadExecutor();
        connection.setNetworkTimeout(timeoutExecutor, READ_TIMEOUT_MILLIS);
        try {
            return read.run();
        } finally {
            connection.setNetworkTimeout(timeoutExecutor, networkTimeout);
            timeoutExecutor.shutdown();
        }
    }

    private interface SqlRead<T> {
        T run() throws SQLException;
    }

    static String quoted(String quote, String name) {
        return quote + name.replace(quote, quote + quote) + quote;
    }

    /** NULL hashes as a 0x00 byte, columns are joined by 0x1f; the sum is exact (DECIMAL). */
    static String mysqlChecksum(String table, List<String> columns) {
        return mysqlChecksum(table, columns, null);
    }

    /** {@code markedRows}: a condition whose rows are counted in a third column, or null. */
    static String mysqlChecksum(String table, List<String> columns, String markedRows) {
        StringBuilder row = new StringBuilder("CONCAT_WS(X'1f'");
        for (String column : columns) {
            row.append(", IFNULL(").append(column).append(", X'00')");
        }
        row.append(')');
        return "SELECT COUNT(*), CAST(COALESCE(SUM(CAST(CONV(LEFT(SHA1(" + row + "), 15), 16, 10) AS UNSIGNED)), 0) AS CHAR)"
                + (markedRows == null ? "" : ", COALESCE(SUM(CASE WHEN " + markedRows + " THEN 1 ELSE 0 END), 0)")
                + " FROM " + table;
    }

    private static Fingerprint streamed(Connection connection, Statement statement, String table, String name,
            List<String> columns, String quote) throws SQLException {
        MessageDigest digest = sha256();
        long rows = 0;
        int count = columns.size();
        statement.setFetchSize(1000);
        String order = orderBy(connection, table, count, quote);
        try (ResultSet rs = statement.executeQuery("SELECT " + String.join(", ", columns) + " FROM " + name + order)) {
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
        return new Fingerprint(rows, HexFormat.of().formatHex(digest.digest()));
    }

    /** {@code ORDER BY} the primary key's columns, or by every column (by position) when there is none. */
    static String orderBy(Connection connection, String table, int columns, String quote) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        TreeMap<Integer, String> key = new TreeMap<>();
        try (ResultSet pk = meta.getPrimaryKeys(connection.getCatalog(), connection.getSchema(), table)) {
            while (pk.next()) {
                key.put(pk.getInt("KEY_SEQ"), quote + pk.getString("COLUMN_NAME").replace(quote, quote + quote) + quote);
            }
        }
        if (!key.isEmpty()) {
            return " ORDER BY " + String.join(", ", key.values());
        }
        StringBuilder order = new StringBuilder();
        for (int c = 1; c <= columns; c++) {
            order.append(c == 1 ? " ORDER BY " : ", ").append(c);
        }
        return order.toString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
