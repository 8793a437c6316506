package dev.migrationpanel.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Table fingerprints on the machine's real MariaDB (127.0.0.1:3306, root) and PostgreSQL (127.0.0.1:5432,
 * postgres), computed by the server, and on H2, streamed: equal content gives equal checksums whatever the
 * order rows were written in; one changed value, a NULL for an empty string, a missing row or a changed
 * binary byte each give another.
 */
class TableFingerprintsTest {

    static final String DB = "panel_fingerprints_test";

    @BeforeAll
    static void createDatabases() throws SQLException {
        try (Connection c = server("mariadb"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DB);
            s.execute("CREATE DATABASE " + DB);
        }
        try (Connection c = server("pgsql"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + DB);
        }
    }

    @AfterAll
    static void dropDatabases() throws SQLException {
        try (Connection c = server("mariadb"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DB);
        }
        try (Connection c = server("pgsql"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
        }
    }

    private static Connection server(String vendor) throws SQLException {
        try {
            return vendor.equals("mariadb") ? DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/", "root", "")
                    : DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
        } catch (SQLException e) {
            throw new SQLException("This test needs the machine's MariaDB (127.0.0.1:3306, root) and PostgreSQL "
                    + "(127.0.0.1:5432, postgres, trust): " + e.getMessage(), e);
        }
    }

    private static Connection db(String vendor) throws SQLException {
        return switch (vendor) {
            case "mariadb" -> DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/" + DB, "root", "");
            case "pgsql" -> DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + DB, "postgres", "");
            default -> DriverManager.getConnection("jdbc:h2:mem:" + DB + ";DB_CLOSE_DELAY=-1", "sa", "");
        };
    }

    private static void sql(Connection c, String... statements) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private static String binary(String vendor, String hex) {
        return vendor.equals("pgsql") ? "'\\x" + hex + "'::bytea" : "X'" + hex + "'";
    }

    @ParameterizedTest
    @ValueSource(strings = {"mariadb", "pgsql", "h2"})
    void equalContentEqualChecksumsAndEveryKindOfChangeAnother(String vendor) throws Exception {
        String blob = vendor.equals("pgsql") ? "bytea" : vendor.equals("mariadb") ? "blob" : "varbinary(16)";
        try (Connection c = db(vendor)) {
            for (String table : new String[] {"a", "b"}) {
                sql(c, "DROP TABLE IF EXISTS " + table,
                        "CREATE TABLE " + table + " (id integer primary key, name varchar(40), note text, "
                                + "amount decimal(10,2), created timestamp, data " + blob + ")");
            }
            String[] rows = {
                    "(1, 'admin', 'first', 10.50, '2026-11-22 01:02:03', " + binary(vendor, "00ff10") + ")",
                    "(2, '', NULL, NULL, NULL, NULL)",
                    "(3, 'ünïcödé', 'x,y \"quoted\"', -1.00, '1999-12-31 23:59:59', " + binary(vendor, "") + ")"};
            sql(c, "INSERT INTO a VALUES " + rows[0] + ", " + rows[1] + ", " + rows[2],
                    "INSERT INTO b VALUES " + rows[2] + ", " + rows[0] + ", " + rows[1]);

            Map<String, TableFingerprints.Fingerprint> all = TableFingerprints.of(c);
            assertThat(all).containsKeys("a", "b");
            assertThat(all.get("a").rows()).isEqualTo(3);
            assertThat(all.get("a")).as("written in another order").isEqualTo(all.get("b"));
            if (vendor.equals("h2")) {
                assertThat(all.get("a").checksum()).as("streamed into SHA-256").hasSize(64);
            } else {
                assertThat(all.get("a").checksum()).as("summed by the server").matches("\\d+");
            }

            String a = vendor.equals("h2") ? "A" : "a"; // H2 keeps unquoted names in upper case
            String b = vendor.equals("h2") ? "B" : "b";
            for (String change : new String[] {"UPDATE b SET name = 'admin2' WHERE id = 1",
                    "UPDATE b SET note = '' WHERE id = 2", "UPDATE b SET data = " + binary(vendor, "00ff11") + " WHERE id = 1",
                    "UPDATE b SET amount = 10.51 WHERE id = 1", "DELETE FROM b WHERE id = 3"}) {
                sql(c, change);
                assertThat(TableFingerprints.of(c, b)).as(change).isNotEqualTo(TableFingerprints.of(c, a));
                sql(c, "DELETE FROM b", "INSERT INTO b SELECT * FROM a");
                assertThat(TableFingerprints.of(c, b)).as("put back after: " + change).isEqualTo(TableFingerprints.of(c, a));
            }
            sql(c, "DELETE FROM b");
            assertThat(TableFingerprints.of(c, b)).isEqualTo(new TableFingerprints.Fingerprint(0, vendor.equals("h2")
                    ? "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" // SHA-256 of nothing
                    : "0"));
        }
    }
}
