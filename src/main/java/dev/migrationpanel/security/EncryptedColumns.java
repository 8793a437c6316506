package dev.migrationpanel.security;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The secret columns of the panel's own schema: by the rule the first migration set, every column whose name
 * ends in {@code _enc} holds a value of {@link SecretCipher} (today the instance's SSH password, private key,
 * passphrase and DB password). Found from the database's metadata rather than listed here, so a feature that
 * adds such a column is covered by the key's check and rotation without telling this class. Each table needs
 * a one-column primary key. Read and written with plain JDBC: the rotation runs without JPA.
 */
public class EncryptedColumns implements EncryptedData {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+");

    private final JdbcTemplate jdbc;
    private volatile List<Table> tables;

    public EncryptedColumns(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    record Table(String name, String key, List<String> columns) {
    }

    @Override
    public String describe() {
        List<String> names = tables().stream().map(t -> t.name().toLowerCase(Locale.ROOT)).toList();
        return "secret values in " + (names.isEmpty() ? "no table" : String.join(", ", names));
    }

    @Override
    public Map<String, Long> countByKeyId() {
        Map<String, Long> counts = new TreeMap<>();
        for (Table table : tables()) {
            jdbc.query("select " + String.join(", ", table.columns()) + " from " + table.name(), rs -> {
                for (int i = 1; i <= table.columns().size(); i++) {
                    String value = rs.getString(i);
                    if (value != null) {
                        String id = SecretCipher.keyIdOf(value);
                        counts.merge(id == null ? "?" : id, 1L, Long::sum); // "?": not the panel's format
                    }
                }
            });
        }
        return counts;
    }

    @Override
    public List<String> unreadable(SecretCipher cipher, int max) {
        List<String> bad = new ArrayList<>();
        for (Table table : tables()) {
            for (Map<String, Object> row : rows(table)) {
                for (String column : table.columns()) {
                    String value = (String) row.get(column);
                    String id = SecretCipher.keyIdOf(value);
                    boolean ours = id != null && (id.isEmpty() || id.equals(cipher.keyId()));
                    if (value != null && (id == null || ours && !cipher.opens(value)) && bad.size() < max) {
                        bad.add(table.name().toLowerCase(Locale.ROOT) + " " + row.get(table.key()) + " "
                                + column.toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
        return bad;
    }

    @Override
    public long reencrypt(SecretCipher from, SecretCipher to, Progress progress) {
        long changed = 0;
        for (Table table : tables()) {
            List<Object> keys = jdbc.queryForList("select " + table.key() + " from " + table.name() + " order by "
                    + table.key(), Object.class);
            for (Object key : keys) {
                changed += reencryptRow(table, key, from, to, progress);
            }
        }
        return changed;
    }

    /** One row in one statement: its values are all under the old key or all under the new one. */
    private long reencryptRow(Table table, Object key, SecretCipher from, SecretCipher to, Progress progress) {
        List<Map<String, Object>> found = jdbc.queryForList("select " + String.join(", ", table.columns()) + " from "
                + table.name() + " where " + table.key() + " = ?", key);
        if (found.isEmpty()) {
            return 0;
        }
        Map<String, Object> row = found.get(0);
        Map<String, String> updates = new LinkedHashMap<>();
        for (String column : table.columns()) {
            String value = (String) row.get(column); // queryForList's map ignores the case of labels
            if (value != null && !to.keyId().equals(SecretCipher.keyIdOf(value))) {
                updates.put(column, to.encrypt(from.decrypt(value)));
            }
        }
        if (updates.isEmpty()) {
            return 0;
        }
        List<Object> args = new ArrayList<>(updates.values());
        args.add(key);
        jdbc.update("update " + table.name() + " set " + String.join(" = ?, ", updates.keySet()) + " = ? where "
                + table.key() + " = ?", args.toArray());
        progress.reencrypted(table.name().toLowerCase(Locale.ROOT) + " " + key);
        return updates.size();
    }

    private List<Map<String, Object>> rows(Table table) {
        return jdbc.queryForList("select " + table.key() + ", " + String.join(", ", table.columns()) + " from "
                + table.name());
    }

    List<Table> tables() {
        List<Table> known = tables;
        if (known == null) {
            known = Objects.requireNonNull(jdbc.execute((ConnectionCallback<List<Table>>) EncryptedColumns::discover));
            tables = known;
        }
        return known;
    }

    private static List<Table> discover(Connection connection) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        String schema = connection.getSchema();
        Map<String, List<String>> columns = new TreeMap<>();
        try (ResultSet rs = meta.getColumns(connection.getCatalog(), schema, "%", "%")) {
            while (rs.next()) {
                String table = rs.getString("TABLE_NAME");
                String column = rs.getString("COLUMN_NAME");
                if (column.toLowerCase(Locale.ROOT).endsWith("_enc") && NAME.matcher(table).matches()
                        && NAME.matcher(column).matches()) {
                    columns.computeIfAbsent(table, t -> new ArrayList<>()).add(column);
                }
            }
        }
        List<Table> tables = new ArrayList<>();
        for (Map.Entry<String, List<String>> entry : columns.entrySet()) {
            List<String> key = new ArrayList<>();
            try (ResultSet rs = meta.getPrimaryKeys(connection.getCatalog(), schema, entry.getKey())) {
                while (rs.next()) {
                    key.add(rs.getString("COLUMN_NAME"));
                }
            }
            if (key.size() != 1 || !NAME.matcher(key.get(0)).matches()) {
                throw new IllegalStateException("The table " + entry.getKey() + " has secret (_enc) columns but not a"
                        + " one-column primary key: the master key's rotation cannot address its rows");
            }
            tables.add(new Table(entry.getKey(), key.get(0), List.copyOf(entry.getValue())));
        }
        return List.copyOf(tables);
    }
}
