package dev.migrationpanel.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.migrationpanel.remote.SecretRefs;

/**
 * The streamed dump and import commands, run for real with the vendors' own clients against the machine's
 * MariaDB (root) and PostgreSQL (postgres, trust): a dump imported twice over itself gives the source's
 * tables back both times (a rerun after a complete import is safe), and a PostgreSQL stream cut short
 * commits nothing (its COMMIT comes last, only after pg_dump succeeded).
 */
class DumpStreamRoundTripTest {

    static final String SOURCE = "panel_stream_src";
    static final String TARGET = "panel_stream_dst";

    @TempDir
    Path tmp;
    String vendor;

    private static Connection server(String vendor, String db) throws SQLException {
        return vendor.equals("mariadb")
                ? DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/" + db, "root", "")
                : DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + (db.isEmpty() ? "postgres" : db),
                        "postgres", "");
    }

    private static void sql(Connection c, String... statements) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private void recreate(String db) throws SQLException {
        try (Connection c = server(vendor, "")) {
            sql(c, "DROP DATABASE IF EXISTS " + db + (vendor.equals("pgsql") ? " WITH (FORCE)" : ""), "CREATE DATABASE " + db);
        }
    }

    @AfterEach
    void drop() throws SQLException {
        try (Connection c = server(vendor, "")) {
            for (String db : new String[] {SOURCE, TARGET}) {
                sql(c, "DROP DATABASE IF EXISTS " + db + (vendor.equals("pgsql") ? " WITH (FORCE)" : ""));
            }
        }
    }

    private DbSettings settings(String db) {
        return vendor.equals("mariadb") ? new DbSettings(DbVendor.MYSQL, "127.0.0.1", 3306, db, "root", "", null)
                : new DbSettings(DbVendor.PGSQL, "127.0.0.1", 5432, db, "postgres", "", null);
    }

    /** Runs a panel command with its password reference as the (empty) password of the machine's servers. */
    private static int bash(String command, Path stdin, Path stdout) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -o pipefail; "
                + SecretRefs.replace(command, name -> "\"$PANEL_DB_PW\""));
        pb.environment().putAll(Map.of("PANEL_DB_PW", ""));
        pb.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))
                : ProcessBuilder.Redirect.from(stdin.toFile()));
        pb.redirectOutput(stdout == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(stdout.toFile()));
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        return pb.start().waitFor();
    }

    private Map<String, TableFingerprints.Fingerprint> tables(String db) throws SQLException {
        try (Connection c = server(vendor, db)) {
            return TableFingerprints.of(c);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mariadb", "pgsql"})
    void aStreamedDumpImportsTwiceOverItselfAndAPostgresStreamCutShortCommitsNothing(String vendor) throws Exception {
        this.vendor = vendor;
        recreate(SOURCE);
        recreate(TARGET);
        try (Connection c = server(vendor, SOURCE)) {
            sql(c, "CREATE TABLE role (id integer primary key, name varchar(40) not null unique)",
                    "CREATE TABLE lookup (id integer primary key, role_id integer references role (id), value text)",
                    "INSERT INTO role VALUES (1, 'admin'), (2, 'api-user')",
                    "INSERT INTO lookup VALUES (1, 1, 'x'), (2, 2, NULL), (3, NULL, '')");
        }
        Path dump = tmp.resolve("dump.sql");
        assertThat(bash(DumpCommands.dumpToStdout(settings(SOURCE), true), null, dump)).isZero();

        String importCommand = RestoreCommands.importStream(settings(TARGET));
        assertThat(bash(importCommand, dump, null)).as("first import").isZero();
        assertThat(tables(TARGET)).isEqualTo(tables(SOURCE));
        assertThat(bash(importCommand, dump, null)).as("the same import again, over the first").isZero();
        assertThat(tables(TARGET)).isEqualTo(tables(SOURCE));

        if (vendor.equals("pgsql")) {
            String text = Files.readString(dump, StandardCharsets.UTF_8);
            assertThat(text).startsWith("BEGIN;\n").endsWith("COMMIT;\n");
            recreate(TARGET);
            Path cut = tmp.resolve("cut.sql");
            byte[] bytes = Files.readAllBytes(dump);
            Files.write(cut, Arrays.copyOf(bytes, text.indexOf("COPY public.lookup")));
            bash(importCommand, cut, null);
            assertThat(tables(TARGET)).as("nothing of a stream cut short is kept").isEmpty();
        }
    }
}
