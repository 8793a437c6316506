package dev.migrationpanel.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Finding text values that contain a marker on the machine's real MariaDB and PostgreSQL and on H2: every
 * text-like column (varchar, text, longtext, json, jsonb), found values only, with their row's key; numbers,
 * booleans and binary columns are not read.
 */
class TextValuesTest {

    static final String DB = "panel_text_values_test";

    @org.junit.jupiter.api.BeforeAll
    static void createDatabases() throws SQLException {
        TableFingerprintsTest.recreate(DB, true);
    }

    @org.junit.jupiter.api.AfterAll
    static void dropDatabases() throws SQLException {
        TableFingerprintsTest.recreate(DB, false);
    }

    private static Connection db(String vendor) throws SQLException {
        return switch (vendor) {
            case "mariadb" -> DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/" + DB, "root", "");
            case "pgsql" -> DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + DB, "postgres", "");
            default -> DriverManager.getConnection("jdbc:h2:mem:textvalues;DB_CLOSE_DELAY=-1", "sa", "");
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"mariadb", "pgsql", "h2"})
    void findsTheMarkerInEveryTextColumnWithTheRowsKey(String vendor) throws Exception {
        String json = switch (vendor) {
            case "pgsql" -> "jsonb";
            case "mariadb" -> "longtext";
            default -> "clob"; // H2's json would take the literal as one JSON string
        };
        String bool = vendor.equals("pgsql") ? "boolean" : vendor.equals("mariadb") ? "tinyint(1)" : "boolean";
        try (Connection c = db(vendor)) {
            sql(c, "DROP TABLE IF EXISTS conf", "DROP TABLE IF EXISTS plain",
                    "CREATE TABLE conf (service_id integer primary key, private " + bool + ", name varchar(40), "
                            + "connection " + json + ", note text)",
                    "CREATE TABLE plain (n integer, label varchar(20))",
                    "INSERT INTO conf VALUES (7, true, 'crm', '{\"password\": \"MARKabc\"}', 'no'), "
                            + "(8, false, 'MARK-name', NULL, 'see MARK here'), (9, false, 'none', '{\"a\": 1}', NULL)",
                    "INSERT INTO plain VALUES (1, 'MARKx'), (2, 'other')");
            List<TextValues.Found> found = new ArrayList<>();
            long visited = TextValues.scan(c, "MARK", found::add);

            assertThat(visited).isEqualTo(found.size()).isEqualTo(4);
            List<String> seen = found.stream().map(f -> f.table().toLowerCase() + "." + f.column().toLowerCase() + "@"
                    + f.rowKey() + "=" + f.text().replace(" ", "")).toList();
            assertThat(seen).containsExactlyInAnyOrder("conf.connection@7={\"password\":\"MARKabc\"}",
                    "conf.name@8=MARK-name", "conf.note@8=seeMARKhere", "plain.label@null=MARKx");
            assertThat(c.getAutoCommit()).as("the connection's mode put back").isTrue();
        }
    }

    /**
     * The one-read way a proof takes: the server counts marked rows while it sums the checksums, the fingerprints are
     * those of the plain read, and a scan over the tables it names finds what the full scan finds; a table without
     * the marker is not named (and a marker written into it afterwards names it).
     */
    @ParameterizedTest
    @ValueSource(strings = {"mariadb", "pgsql", "h2"})
    void theChecksumReadNamesTheTablesHoldingTheMarker(String vendor) throws Exception {
        String json = vendor.equals("pgsql") ? "jsonb" : vendor.equals("mariadb") ? "longtext" : "clob";
        try (Connection c = db(vendor)) {
            sql(c, "DROP TABLE IF EXISTS conf", "DROP TABLE IF EXISTS plain", "DROP TABLE IF EXISTS numbers",
                    "CREATE TABLE conf (id integer primary key, connection " + json + ", note text)",
                    "CREATE TABLE plain (id integer primary key, label varchar(20))",
                    "CREATE TABLE numbers (id integer primary key, n integer)",
                    "INSERT INTO conf VALUES (1, '{\"password\": \"MARKabc\"}', NULL), (2, NULL, 'no')",
                    // a marker is case-sensitive (base64): MariaDB's default collation would match "mark" too
                    "INSERT INTO plain VALUES (1, 'other mark'), (2, NULL)", "INSERT INTO numbers VALUES (1, 7)");

            TableFingerprints.TablesRead marked = TableFingerprints.read(c, java.util.Map.of(), java.util.Map.of(), "MARK");
            assertThat(marked.tables()).isEqualTo(TableFingerprints.of(c));
            assertThat(marked.versions()).as("the row versions, read in the same pass as rowVersions reads them")
                    .isEqualTo(TableFingerprints.rowVersions(c)).hasSize(vendor.equals("pgsql") ? marked.tables().size() : 0);
            assertThat(TableFingerprints.read(c, java.util.Map.of(), java.util.Map.of(), null).holdingMarker())
                    .as("no marker asked for").isEmpty();
            if (vendor.equals("h2")) { // streamed: every table with a text column is named for the scan
                assertThat(marked.holdingMarker()).map(String::toLowerCase).containsExactlyInAnyOrder("conf", "plain");
            } else {
                assertThat(marked.holdingMarker()).map(String::toLowerCase).containsExactly("conf");
            }
            List<TextValues.Found> some = new ArrayList<>();
            TextValues.scan(c, "MARK", some::add, marked.holdingMarker());
            List<TextValues.Found> all = new ArrayList<>();
            TextValues.scan(c, "MARK", all::add);
            assertThat(some).isEqualTo(all).hasSize(1);

            sql(c, "UPDATE plain SET label = 'x MARK y' WHERE id = 2");
            assertThat(TableFingerprints.read(c, java.util.Map.of(), java.util.Map.of(), "MARK").holdingMarker()).map(String::toLowerCase)
                    .contains("conf", "plain").doesNotContain("numbers");
            assertThat(c.getAutoCommit()).isTrue();
        }
    }

    @org.junit.jupiter.api.Test
    void aMarkerIsLettersAndDigitsOnly() {
        assertThatThrownBy(() -> TextValues.requireMarker("x' OR '1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TextValues.requireMarker("ab")).isInstanceOf(IllegalArgumentException.class);
        TextValues.requireMarker("eyJpdiI6");
    }

    private static void sql(Connection c, String... statements) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }
}
