package dev.migrationpanel.instance;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.migrationpanel.database.DatabaseException;
import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.database.InstanceDbConnection;
import dev.migrationpanel.database.TableFingerprints;
import dev.migrationpanel.database.TableFingerprints.Fingerprint;
import dev.migrationpanel.database.TextValues;
import dev.migrationpanel.remote.CommandResult;
import dev.migrationpanel.remote.LineListener;
import dev.migrationpanel.remote.SshSession;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads an instance's system DB whatever its vendor, and only reads: over JDBC for networked DBs, with the
 * instance's own {@code sqlite3 -readonly} over SSH for SQLite (the file is not the panel's to open).
 * What two reads of the same vendor return can be compared: same algorithm on both sides.
 */
@Component
public class SystemDbReader {

    private static final Duration TIMEOUT = Duration.ofMinutes(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int SQLITE_READS = 4;
    private static final Logger log = LoggerFactory.getLogger(SystemDbReader.class);

    private final InstanceConnections connections;

    SystemDbReader(InstanceConnections connections) {
        this.connections = connections;
    }

    /** Row count and content checksum of every table (SQLite's own {@code sqlite_*} tables left out), by lower-cased name. */
    public Map<String, Fingerprint> fingerprints(Instance instance, SshSession ssh) {
        return fingerprints(instance, ssh, Map.of());
    }

    /**
     * As above; a table named in {@code scope} (lower-cased) is read over those columns only, in that order (see
     * {@link TableFingerprints#of(java.sql.Connection, Map)}).
     */
    public Map<String, Fingerprint> fingerprints(Instance instance, SshSession ssh, Map<String, List<String>> scope) {
        return fingerprints(instance, ssh, scope, Map.of());
    }

    /**
     * As above, read to compare with {@code recorded} (fingerprints read earlier, of this DB or another of its
     * vendor): summed the way they were (see {@link TableFingerprints#of(java.sql.Connection, Map, Map)}).
     */
    public Map<String, Fingerprint> fingerprints(Instance instance, SshSession ssh, Map<String, List<String>> scope,
            Map<String, Fingerprint> recorded) {
        DbSettings db = connections.dbSettings(instance, ssh);
        if (db.vendor() != DbVendor.SQLITE) {
            try (InstanceDbConnection c = connections.openDb(instance, ssh, db)) {
                return TableFingerprints.of(c.connection(), scope, recorded);
            } catch (SQLException e) {
                throw new DatabaseException("Reading the tables of " + instance.getName() + " failed: " + firstLine(e));
            }
        }
        Map<String, Fingerprint> result = new TreeMap<>();
        for (Map.Entry<String, List<String>> table : sqliteColumns(instance, ssh).entrySet()) {
            List<String> columns = scope.getOrDefault(table.getKey().toLowerCase(java.util.Locale.ROOT), table.getValue());
            result.put(table.getKey().toLowerCase(java.util.Locale.ROOT), sqliteFingerprint(instance, ssh, db, table.getKey(), columns));
        }
        return result;
    }

    /**
     * The named tables only (by lower-cased name, each over the given columns in that order), read to compare with
     * {@code recorded} as {@link #fingerprints(Instance, SshSession, Map, Map)} does; a named table the DB lacks is
     * left out.
     */
    public Map<String, Fingerprint> fingerprintsOf(Instance instance, SshSession ssh, Map<String, List<String>> tables,
            Map<String, Fingerprint> recorded) {
        DbSettings db = connections.dbSettings(instance, ssh);
        Map<String, Fingerprint> result = new TreeMap<>();
        if (db.vendor() == DbVendor.SQLITE) {
            for (Map.Entry<String, List<String>> table : sqliteColumns(instance, ssh).entrySet()) {
                String lower = table.getKey().toLowerCase(java.util.Locale.ROOT);
                if (tables.containsKey(lower)) {
                    result.put(lower, sqliteFingerprint(instance, ssh, db, table.getKey(), tables.get(lower)));
                }
            }
            return result;
        }
        try (InstanceDbConnection c = connections.openDb(instance, ssh, db)) {
            for (Map.Entry<String, List<String>> table : TableFingerprints.columns(c.connection()).entrySet()) {
                String lower = table.getKey().toLowerCase(java.util.Locale.ROOT);
                if (tables.containsKey(lower)) {
                    result.put(lower, TableFingerprints.of(c.connection(), table.getKey(), tables.get(lower), recorded));
                }
            }
            return result;
        } catch (SQLException e) {
            throw new DatabaseException("Reading the tables of " + instance.getName() + " failed: " + firstLine(e));
        }
    }

    /**
     * One read of every table, as {@link #fingerprints(Instance, SshSession, Map, Map)}, that also gives the row versions
     * where the DB keeps them and, where {@code marker} is given (letters and digits; see {@link TextValues}), the
     * tables holding it: see {@link TableFingerprints.TablesRead}. SQLite keeps no row versions, and every one of its
     * tables with a text column is named.
     */
    public TableFingerprints.TablesRead read(Instance instance, SshSession ssh, Map<String, List<String>> scope,
            Map<String, Fingerprint> recorded, String marker) {
        DbSettings db = connections.dbSettings(instance, ssh);
        if (db.vendor() == DbVendor.SQLITE) {
            java.util.Set<String> holding = new java.util.TreeSet<>();
            if (marker != null) {
                TextValues.requireMarker(marker);
                sqliteTextColumns(instance, ssh).forEach(t -> holding.add(t.table()));
            }
            return new TableFingerprints.TablesRead(fingerprints(instance, ssh, scope, recorded), Map.of(), holding);
        }
        try (InstanceDbConnection c = connections.openDb(instance, ssh, db)) {
            return TableFingerprints.read(c.connection(), scope, recorded, marker);
        } catch (SQLException e) {
            throw new DatabaseException("Reading the tables of " + instance.getName() + " failed: " + firstLine(e));
        }
    }

    /**
     * {@link #fingerprints(Instance, SshSession, Map, Map)} and every text value holding {@code marker} (letters and
     * digits; see {@link TextValues}), to the visitor, in one read where the server can: it
     * counts the rows holding the marker while it sums the checksums, and only the tables holding some are read
     * again for their values. A proof that does both so reads a large DB once, not twice. SQLite does both in turn.
     */
    public Map<String, Fingerprint> fingerprintsAndScan(Instance instance, SshSession ssh, Map<String, List<String>> scope,
            Map<String, Fingerprint> recorded, String marker, Consumer<TextValues.Found> visitor) {
        TextValues.requireMarker(marker);
        DbSettings db = connections.dbSettings(instance, ssh);
        if (db.vendor() == DbVendor.SQLITE) {
            Map<String, Fingerprint> result = fingerprints(instance, ssh, scope, recorded);
            sqliteScanTexts(instance, ssh, db, marker, visitor);
            return result;
        }
        try (InstanceDbConnection c = connections.openDb(instance, ssh, db)) {
            TableFingerprints.TablesRead read = TableFingerprints.read(c.connection(), scope, recorded, marker);
            TextValues.scan(c.connection(), marker, visitor, read.holdingMarker());
            return read.tables();
        } catch (SQLException e) {
            throw new DatabaseException("Reading the tables of " + instance.getName() + " failed: " + firstLine(e));
        }
    }

    /**
     * Every text value holding {@code marker} in the named tables (as the DB spells them), to the visitor: a scan
     * of the few tables known to hold such values, without reading the others. SQLite's are all scanned.
     */
    public void scanTexts(Instance instance, SshSession ssh, String marker, Consumer<TextValues.Found> visitor,
            java.util.Set<String> tables) {
        TextValues.requireMarker(marker);
        DbSettings db = connections.dbSettings(instance, ssh);
        if (db.vendor() == DbVendor.SQLITE) {
            sqliteScanTexts(instance, ssh, db, marker, visitor);
            return;
        }
        try (InstanceDbConnection c = connections.openDb(instance, ssh, db)) {
            TextValues.scan(c.connection(), marker, visitor, tables);
        } catch (SQLException e) {
            throw new DatabaseException("Reading the tables of " + instance.getName() + " failed: " + firstLine(e));
        }
    }

    /** The row versions of every table (see {@link TableFingerprints#rowVersions}); empty where the DB has none. */
    public Map<String, String> rowVersions(Instance instance, SshSession ssh) {
        DbSettings db = connections.dbSettings(instance, ssh);
        if (db.vendor() == DbVendor.SQLITE) {
            return Map.of();
        }
        try (InstanceDbConnection c = connections.openDb(instance, ssh, db)) {
            return TableFingerprints.rowVersions(c.connection());
        } catch (SQLException e) {
            throw new DatabaseException("Reading the row versions of " + instance.getName() + " failed: " + firstLine(e));
        }
    }

    /** Every table (its name as the DB spells it) with its columns in their table order. */
    public Map<String, List<String>> columns(Instance instance, SshSession ssh) {
        DbSettings db = connections.dbSettings(instance, ssh);
        if (db.vendor() == DbVendor.SQLITE) {
            return sqliteColumns(instance, ssh);
        }
        try (InstanceDbConnection c = connections.openDb(instance, ssh, db)) {
            return TableFingerprints.columns(c.connection());
        } catch (SQLException e) {
            throw new DatabaseException("Reading the columns of " + instance.getName() + " failed: " + firstLine(e));
        }
    }

    /**
     * Every value of a text-like column of a SQLite DB that contains {@code marker}, to the visitor: the values come
     * hex-encoded from its {@code sqlite3}, one row a line, so any text survives the way.
     */
    private void sqliteScanTexts(Instance instance, SshSession ssh, DbSettings db, String marker,
            Consumer<TextValues.Found> visitor) {
        for (TextValues.TextColumns table : sqliteTextColumns(instance, ssh)) {
            sqliteScan(instance, ssh, db, table, marker, visitor);
        }
    }

    private Map<String, List<String>> sqliteColumns(Instance instance, SshSession ssh) {
        Map<String, List<String>> result = new TreeMap<>();
        for (Map<String, String> row : query(instance, ssh, SQLITE_COLUMNS)) {
            result.computeIfAbsent(row.get("t"), t -> new ArrayList<>()).add(row.get("c"));
        }
        return result;
    }

    private List<TextValues.TextColumns> sqliteTextColumns(Instance instance, SshSession ssh) {
        Map<String, List<String>> text = new TreeMap<>();
        Map<String, TreeMap<Integer, String>> keys = new TreeMap<>();
        for (Map<String, String> row : query(instance, ssh, SQLITE_COLUMNS)) {
            String table = row.get("t");
            String type = row.get("type") == null ? "" : row.get("type").toUpperCase(java.util.Locale.ROOT);
            text.computeIfAbsent(table, t -> new ArrayList<>());
            keys.computeIfAbsent(table, t -> new TreeMap<>());
            // SQLite's text affinity (CHAR, CLOB, TEXT), JSON, and columns declared without a type
            if (type.isEmpty() || type.contains("CHAR") || type.contains("CLOB") || type.contains("TEXT")
                    || type.contains("JSON")) {
                text.get(table).add(row.get("c"));
            }
            int pk = Integer.parseInt(row.get("pk"));
            if (pk > 0) {
                keys.get(table).put(pk, row.get("c"));
            }
        }
        List<TextValues.TextColumns> result = new ArrayList<>();
        text.forEach((table, columns) -> {
            if (!columns.isEmpty()) {
                result.add(new TextValues.TextColumns(table, List.copyOf(keys.get(table).values()), columns));
            }
        });
        return result;
    }

    /** Every column of every table but SQLite's own, in table order: table, column, declared type, key position. */
    private static final String SQLITE_COLUMNS = "SELECT m.name AS t, p.name AS c, p.type AS type, p.pk AS pk FROM "
            + "sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' "
            + "ESCAPE '\\' ORDER BY m.name, p.cid";

    private long sqliteScan(Instance instance, SshSession ssh, DbSettings db, TextValues.TextColumns table, String marker,
            Consumer<TextValues.Found> visitor) {
        List<String> select = new ArrayList<>();
        table.key().forEach(k -> select.add("hex(" + sqliteName(k) + ")"));
        List<String> where = new ArrayList<>();
        for (String column : table.text()) {
            select.add("hex(" + sqliteName(column) + ")");
            where.add(sqliteName(column) + " LIKE '%" + marker + "%'");
        }
        String sql = "SELECT " + String.join(", ", select) + " FROM " + sqliteName(table.table()) + " WHERE "
                + String.join(" OR ", where) + ";";
        int keys = table.key().size();
        long[] visited = {0};
        String[] error = {null};
        int exit = ssh.streamInProcessGroup(sqlite(instance, db, "-list -separator ,", sql), TIMEOUT, (stream, line) -> {
            if (stream == LineListener.Stream.STDERR) {
                error[0] = line;
                return;
            }
            String[] hex = line.split(",", -1);
            String rowKey = null;
            if (keys > 0) {
                StringBuilder key = new StringBuilder();
                for (int k = 0; k < keys; k++) {
                    key.append(k == 0 ? "" : ",").append(unhex(hex[k]));
                }
                rowKey = key.toString();
            }
            for (int c = 0; c < table.text().size(); c++) {
                String value = unhex(hex[keys + c]);
                if (value.contains(marker)) {
                    visitor.accept(new TextValues.Found(table.table(), table.text().get(c), rowKey, value));
                    visited[0]++;
                }
            }
        }, () -> false);
        if (exit != 0) {
            throw new DatabaseException("Reading table " + table.table() + " of " + instance.getName() + " failed"
                    + (error[0] == null ? " (sqlite3 exit code " + exit + ")" : ": " + error[0]));
        }
        return visited[0];
    }

    private static String sqliteName(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static String unhex(String hex) {
        return new String(HexFormat.of().parseHex(hex), StandardCharsets.UTF_8);
    }

    /** Rows of a query, each a map of column label to text (null for SQL NULL), in result order. */
    public List<Map<String, String>> query(Instance instance, SshSession ssh, String sql) {
        return query(instance, ssh, connections.dbSettings(instance, ssh), null, instance.getName(), sql);
    }

    /**
     * Rows of a query on another DB of the instance's (a product's second database, a schema of its own), read the same
     * way: networked DBs over the instance's JDBC access, SQLite with {@code sqlite3 -readonly} on its host.
     *
     * @param schema the PostgreSQL schema to query in, or null for the connection's default
     * @param what   the DB as an error names it, e.g. "schema \"x\" of PostgreSQL database y of fief-prod"
     */
    public List<Map<String, String>> query(Instance instance, SshSession ssh, DbSettings db, String schema, String what,
            String sql) {
        return query(instance, ssh, db, schema, what, sql, Deployment.of(instance));
    }

    /**
     * The same, a SQLite file read with {@code sqlite3 -readonly} where {@code where} says: e.g. on the SSH host for a
     * copy of a stopped container's file ({@code docker exec} needs it running). Networked DBs as above.
     */
    public List<Map<String, String>> query(Instance instance, SshSession ssh, DbSettings db, String schema, String what,
            String sql, Deployment where) {
        if (db.vendor() == DbVendor.SQLITE) {
            CommandResult r = ssh.run(sqlite(where, db, "-json", sql), TIMEOUT);
            if (!r.ok()) {
                throw new DatabaseException("sqlite3 on " + instance.getName() + " failed: " + firstLine(r.stderr()));
            }
            if (r.stdout().isBlank()) {
                return List.of();
            }
            List<Map<String, String>> rows = new ArrayList<>();
            for (Object row : JSON.readValue(r.stdout(), List.class)) {
                Map<String, String> values = new LinkedHashMap<>();
                ((Map<?, ?>) row).forEach((k, v) -> values.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
                rows.add(values);
            }
            return rows;
        }
        try (InstanceDbConnection c = connections.openDb(instance, ssh, db)) {
            if (schema != null) {
                c.connection().setSchema(schema);
            }
            return rows(c.connection(), sql);
        } catch (SQLException e) {
            throw new DatabaseException("A query on " + what + " failed: " + firstLine(e));
        }
    }

    private static List<Map<String, String>> rows(java.sql.Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            List<Map<String, String>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, String> values = new LinkedHashMap<>();
                for (int col = 1; col <= meta.getColumnCount(); col++) {
                    values.put(meta.getColumnLabel(col), rs.getString(col));
                }
                rows.add(values);
            }
            return rows;
        }
    }

    /** The DB engine and its version as the server reports it, e.g. {@code 10.11.6-MariaDB-0+deb12u1}. */
    public String engineVersion(Instance instance, SshSession ssh) {
        DbSettings db = connections.dbSettings(instance, ssh);
        if (db.vendor() == DbVendor.SQLITE) {
            CommandResult r = ssh.run(Deployment.of(instance).wrap("sqlite3 --version"), TIMEOUT);
            if (!r.ok()) {
                throw new DatabaseException("sqlite3 is not usable on " + instance.getName() + ": " + firstLine(r.stderr()));
            }
            return "SQLite " + r.stdout().trim().split("\\s+")[0];
        }
        try (InstanceDbConnection c = connections.openDb(instance, ssh, db)) {
            return c.serverVersion();
        }
    }

    private Fingerprint sqliteFingerprint(Instance instance, SshSession ssh, DbSettings db, String table,
            List<String> columns) {
        return sqliteFingerprint(ssh, Deployment.of(instance), db, instance.getName(), table, columns);
    }

    /**
     * Row count and checksum of one SQLite table over {@code columns} (in that order), read with {@code sqlite3
     * -readonly} where {@code where} says; {@code what} names the file in errors. The file is read until two reads in
     * a row agree (at most {@value #SQLITE_READS} reads): a proof fails on a checksum that differs from its record,
     * so one read that went wrong must not be the one it compares (the reads lab runs under load saw differ were a
     * command run twice over SSH, since fixed in {@code SshSession}; this stays as a guard). Reads that never agree
     * fail: the table is being written.
     */
    public Fingerprint sqliteFingerprint(SshSession ssh, Deployment where, DbSettings db, String what, String table,
            List<String> columns) {
        SqliteRead last = sqliteReadOnce(ssh, where, db, what, table, columns);
        for (int read = 2; read <= SQLITE_READS; read++) {
            SqliteRead next = sqliteReadOnce(ssh, where, db, what, table, columns);
            if (next.fingerprint().equals(last.fingerprint())) {
                return next.fingerprint();
            }
            log.warn("Two reads in a row of SQLite table {} of {} differed ({} rows, checksum {}; then {} rows, {}; {}): "
                    + "reading it again", table, what, last.fingerprint().rows(), last.fingerprint().checksum(),
                    next.fingerprint().rows(), next.fingerprint().checksum(), last.lines().difference(next.lines()));
            last = next;
        }
        throw new DatabaseException("Table " + table + " of " + what + " read " + SQLITE_READS
                + " times gave no two alike in a row: something is writing it");
    }

    /** One read: the fingerprint, and its output lines summed up to say where two reads part (see {@link OutputLines}). */
    private record SqliteRead(Fingerprint fingerprint, OutputLines lines) {
    }

    /**
     * The length and a 64-bit hash of each output line of a read (the first {@value #MAX_LINES} lines), never the text:
     * when two reads of an unchanged file differ, where and how they part (a line cut short, one more line, a changed
     * line of the same length) is what tells the cause, and the values may be secrets.
     */
    static final class OutputLines {
        static final int MAX_LINES = 100_000;
        private long[] hashes = new long[64];
        private int[] lengths = new int[64];
        private long count;

        void add(byte[] line) {
            if (count < MAX_LINES) {
                int i = (int) count;
                if (i == hashes.length) {
                    hashes = java.util.Arrays.copyOf(hashes, i * 2);
                    lengths = java.util.Arrays.copyOf(lengths, i * 2);
                }
                long h = 0xcbf29ce484222325L; // FNV-1a: a summary for the log, not a checksum
                for (byte b : line) {
                    h = (h ^ (b & 0xff)) * 0x100000001b3L;
                }
                hashes[i] = h;
                lengths[i] = line.length;
            }
            count++;
        }

        /** Where {@code other} first differs from these lines, in words for the log. */
        String difference(OutputLines other) {
            long kept = Math.min(Math.min(count, other.count), MAX_LINES);
            for (int i = 0; i < kept; i++) {
                if (hashes[i] != other.hashes[i] || lengths[i] != other.lengths[i]) {
                    return "output line " + (i + 1) + " of " + count + " first differs: " + lengths[i] + " bytes, then "
                            + other.lengths[i] + " bytes" + (other.count == count ? "" : "; then " + other.count + " lines");
                }
            }
            return count == other.count ? "no difference in the first " + kept + " output lines"
                    : "the same first " + kept + " output lines, then " + other.count + " lines instead of " + count;
        }
    }

    private SqliteRead sqliteReadOnce(SshSession ssh, Deployment where, DbSettings db, String what, String table,
            List<String> columns) {
        String name = sqliteName(table);
        StringBuilder order = new StringBuilder();
        for (int c = 1; c <= columns.size(); c++) {
            order.append(c == 1 ? " ORDER BY " : ", ").append(c);
        }
        // first line the count, then every row in SQL-literal form: one stream, hashed as it arrives
        String sql = "SELECT count(*) FROM " + name + "; SELECT " + String.join(", ", columns.stream()
                .map(SystemDbReader::sqliteName).toList()) + " FROM " + name + order + ";";
        MessageDigest digest = sha256();
        OutputLines lines = new OutputLines();
        long[] rows = {-1};
        String[] error = {null};
        int exit = ssh.streamInProcessGroup(sqlite(where, db, "-quote", sql), TIMEOUT, (stream, line) -> {
            if (stream == LineListener.Stream.STDERR) {
                error[0] = line;
                return;
            }
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            lines.add(bytes);
            if (rows[0] < 0) {
                rows[0] = Long.parseLong(line.trim());
            } else {
                digest.update(bytes);
                digest.update((byte) '\n');
            }
        }, () -> false);
        if (exit != 0 || rows[0] < 0) {
            throw new DatabaseException("Reading table " + table + " of " + what + " failed"
                    + (error[0] == null ? " (sqlite3 exit code " + exit + ")" : ": " + error[0]));
        }
        return new SqliteRead(new Fingerprint(rows[0], HexFormat.of().formatHex(digest.digest())), lines);
    }

    private static String sqlite(Instance instance, DbSettings db, String mode, String sql) {
        return sqlite(Deployment.of(instance), db, mode, sql);
    }

    private static String sqlite(Deployment where, DbSettings db, String mode, String sql) {
        return where.wrap("sqlite3 -readonly -batch -noheader " + mode + " "
                + quote(db.sqlitePath()) + " " + quote(sql));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String firstLine(SQLException e) {
        return firstLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    private static String firstLine(String text) {
        String t = text == null ? "" : text.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }
}
