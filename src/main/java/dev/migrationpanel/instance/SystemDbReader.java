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

import org.springframework.stereotype.Component;

import dev.migrationpanel.database.DatabaseException;
import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.database.InstanceDbConnection;
import dev.migrationpanel.database.TableFingerprints;
import dev.migrationpanel.database.TableFingerprints.Fingerprint;
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

    private final InstanceConnections connections;

    SystemDbReader(InstanceConnections connections) {
        this.connections = connections;
    }

    /** Row count and content checksum of every table (SQLite's own {@code sqlite_*} tables left out), by lower-cased name. */
    public Map<String, Fingerprint> fingerprints(Instance instance, SshSession ssh) {
        DbSettings db = connections.dbSettings(instance, ssh);
        if (db.vendor() != DbVendor.SQLITE) {
            try (InstanceDbConnection c = connections.openDb(instance, ssh, db)) {
                return TableFingerprints.of(c.connection());
            } catch (SQLException e) {
                throw new DatabaseException("Reading the tables of " + instance.getName() + " failed: " + firstLine(e));
            }
        }
        Map<String, Fingerprint> result = new TreeMap<>();
        for (Map<String, String> table : query(instance, ssh, "SELECT m.name AS name, (SELECT count(*) FROM "
                + "pragma_table_info(m.name)) AS columns FROM sqlite_master m WHERE m.type = 'table' AND m.name NOT "
                + "LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY m.name")) {
            result.put(table.get("name").toLowerCase(), sqliteFingerprint(instance, ssh, db, table.get("name"),
                    Integer.parseInt(table.get("columns"))));
        }
        return result;
    }

    /** Rows of a query, each a map of column label to text (null for SQL NULL), in result order. */
    public List<Map<String, String>> query(Instance instance, SshSession ssh, String sql) {
        DbSettings db = connections.dbSettings(instance, ssh);
        if (db.vendor() == DbVendor.SQLITE) {
            CommandResult r = ssh.run(sqlite(instance, db, "-json", sql), TIMEOUT);
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
        try (InstanceDbConnection c = connections.openDb(instance, ssh, db);
                Statement statement = c.connection().createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
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
        } catch (SQLException e) {
            throw new DatabaseException("A query on " + instance.getName() + " failed: " + firstLine(e));
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

    private Fingerprint sqliteFingerprint(Instance instance, SshSession ssh, DbSettings db, String table, int columns) {
        String name = "\"" + table.replace("\"", "\"\"") + "\"";
        StringBuilder order = new StringBuilder();
        for (int c = 1; c <= columns; c++) {
            order.append(c == 1 ? " ORDER BY " : ", ").append(c);
        }
        // first line the count, then every row in SQL-literal form: one stream, hashed as it arrives
        String sql = "SELECT count(*) FROM " + name + "; SELECT * FROM " + name + order + ";";
        MessageDigest digest = sha256();
        long[] rows = {-1};
        String[] error = {null};
        int exit = ssh.streamInProcessGroup(sqlite(instance, db, "-quote", sql), TIMEOUT, (stream, line) -> {
            if (stream == LineListener.Stream.STDERR) {
                error[0] = line;
            } else if (rows[0] < 0) {
                rows[0] = Long.parseLong(line.trim());
            } else {
                digest.update(line.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) '\n');
            }
        }, () -> false);
        if (exit != 0 || rows[0] < 0) {
            throw new DatabaseException("Reading table " + table + " of " + instance.getName() + " failed"
                    + (error[0] == null ? " (sqlite3 exit code " + exit + ")" : ": " + error[0]));
        }
        return new Fingerprint(rows[0], HexFormat.of().formatHex(digest.digest()));
    }

    private static String sqlite(Instance instance, DbSettings db, String mode, String sql) {
        return Deployment.of(instance).wrap("sqlite3 -readonly -batch -noheader " + mode + " "
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
