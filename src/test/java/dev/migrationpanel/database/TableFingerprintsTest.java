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
        recreate(DB, true);
    }

    @AfterAll
    static void dropDatabases() throws SQLException {
        recreate(DB, false);
    }

    /** Drops the database {@code db} on the machine's MariaDB and PostgreSQL, and creates it again when asked. */
    static void recreate(String db, boolean create) throws SQLException {
        try (Connection c = server("mariadb"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db);
            if (create) {
                s.execute("CREATE DATABASE " + db);
            }
        }
        try (Connection c = server("pgsql"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            if (create) {
                s.execute("CREATE DATABASE " + db);
            }
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
                assertThat(all.get("a").checksum()).as("summed by the server")
                        .matches(vendor.equals("pgsql") ? "t64:-?\\d+" : "\\d+");
            }

            String a = vendor.equals("h2") ? "A" : "a"; // H2 keeps unquoted names in upper case
            String b = vendor.equals("h2") ? "B" : "b";
            for (String change : new String[] {"UPDATE b SET name = 'admin2' WHERE id = 1",
                    "UPDATE b SET note = '' WHERE id = 2", "UPDATE b SET data = " + binary(vendor, "00ff11") + " WHERE id = 1",
                    "UPDATE b SET amount = 10.51 WHERE id = 1", "DELETE FROM b WHERE id = 3",
                    // the two rows trade names: every column's values are still there, in other rows
                    "UPDATE b SET name = CASE id WHEN 1 THEN 'ünïcödé' ELSE 'admin' END WHERE id IN (1, 3)"}) {
                sql(c, change);
                assertThat(TableFingerprints.of(c, b)).as(change).isNotEqualTo(TableFingerprints.of(c, a));
                sql(c, "DELETE FROM b", "INSERT INTO b SELECT * FROM a");
                assertThat(TableFingerprints.of(c, b)).as("put back after: " + change).isEqualTo(TableFingerprints.of(c, a));
            }
            sql(c, "DELETE FROM b");
            assertThat(TableFingerprints.of(c, b)).isEqualTo(new TableFingerprints.Fingerprint(0, vendor.equals("h2")
                    ? "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" // SHA-256 of nothing
                    : vendor.equals("pgsql") ? "t64:0" : "0"));
        }
    }

    /**
     * A newer release adds a column (on MySQL in the middle, as Laravel's after() does): over the source's
     * columns the table still compares equal, while a changed value in a shared column does not.
     */
    @ParameterizedTest
    @ValueSource(strings = {"mariadb", "pgsql", "h2"})
    void overTheSourcesColumnsAnAddedColumnIsNotCompared(String vendor) throws Exception {
        try (Connection c = db(vendor)) {
            sql(c, "DROP TABLE IF EXISTS src", "DROP TABLE IF EXISTS dst",
                    "CREATE TABLE src (id integer primary key, name varchar(40), kind varchar(40))",
                    "CREATE TABLE dst (id integer primary key, name varchar(40), kind varchar(40))",
                    "INSERT INTO src VALUES (1, 'crm', 'mysql'), (2, 'files', 'local_file')",
                    "INSERT INTO dst SELECT * FROM src",
                    vendor.equals("mariadb") ? "ALTER TABLE dst ADD health_check_url varchar(255) NULL AFTER name"
                            : "ALTER TABLE dst ADD health_check_url varchar(255) NULL",
                    "UPDATE dst SET health_check_url = 'http://crm/health' WHERE id = 1");
            String src = vendor.equals("h2") ? "SRC" : "src";
            String dst = vendor.equals("h2") ? "DST" : "dst";
            java.util.List<String> sourceColumns = TableFingerprints.columns(c).get(src);
            assertThat(sourceColumns).hasSize(3);
            assertThat(TableFingerprints.columns(c).get(dst)).hasSize(4);

            assertThat(TableFingerprints.of(c, dst)).as("whole rows differ").isNotEqualTo(TableFingerprints.of(c, src));
            assertThat(TableFingerprints.of(c, dst, sourceColumns)).as("over the source's columns")
                    .isEqualTo(TableFingerprints.of(c, src, sourceColumns));
            assertThat(TableFingerprints.of(c, Map.of("dst", sourceColumns)).get("dst"))
                    .isEqualTo(TableFingerprints.of(c).get("src"));

            sql(c, "UPDATE dst SET kind = 'pgsql' WHERE id = 2");
            assertThat(TableFingerprints.of(c, dst, sourceColumns)).as("a shared column differs")
                    .isNotEqualTo(TableFingerprints.of(c, src, sourceColumns));
        }
    }

    /**
     * Real column types on PostgreSQL (boolean, json, jsonb, timestamp with and without zone, bytea, float): the
     * same content gives the same checksum whatever the session's time zone and output settings, and a flipped
     * boolean or a changed JSON value gives another.
     */
    @org.junit.jupiter.api.Test
    void postgresTypesReadAlikeWhateverTheSessionSettings() throws Exception {
        try (Connection c = db("pgsql")) {
            sql(c, "DROP TABLE IF EXISTS typed",
                    "CREATE TABLE typed (id serial primary key, active boolean not null default false, config json, "
                            + "doc jsonb, at timestamp(0) without time zone, seen timestamp with time zone, raw bytea, "
                            + "ratio double precision)",
                    "INSERT INTO typed (active, config, doc, at, seen, raw, ratio) VALUES "
                            + "(true, '{\"a\": [1, 2]}', '{\"b\": \"x\"}', '2025-01-02 03:04:05', "
                            + "'2025-01-02 03:04:05+02', '\\x00ff', 0.1), (false, NULL, NULL, NULL, NULL, NULL, NULL)");
            TableFingerprints.Fingerprint utc = TableFingerprints.of(c, "typed");
            sql(c, "SET TimeZone = 'America/New_York'", "SET bytea_output = 'escape'", "SET extra_float_digits = 0");
            assertThat(TableFingerprints.of(c, "typed")).as("other session settings").isEqualTo(utc);
            sql(c, "UPDATE typed SET active = NOT active WHERE id = 2");
            assertThat(TableFingerprints.of(c, "typed")).as("a flipped boolean").isNotEqualTo(utc);
            sql(c, "UPDATE typed SET active = NOT active WHERE id = 2", "UPDATE typed SET config = '{\"a\": [1, 3]}' WHERE id = 1");
            assertThat(TableFingerprints.of(c, "typed")).as("a changed JSON value").isNotEqualTo(utc);
        }
    }

    /** MySQL/MariaDB print TIMESTAMP columns in the session's time zone: the read fixes it to UTC, then puts it back. */
    @org.junit.jupiter.api.Test
    void mariadbTimestampsReadAlikeInAnyTimeZone() throws Exception {
        try (Connection c = db("mariadb")) {
            sql(c, "SET time_zone = '+00:00'", "DROP TABLE IF EXISTS stamped",
                    "CREATE TABLE stamped (id int unsigned auto_increment primary key, active tinyint(1) not null, "
                            + "at timestamp null, doc longtext)",
                    "INSERT INTO stamped (active, at, doc) VALUES (1, '2025-01-02 03:04:05', '{\"k\": \"v\"}')");
            TableFingerprints.Fingerprint utc = TableFingerprints.of(c, "stamped");
            sql(c, "SET time_zone = '+05:30'");
            assertThat(TableFingerprints.of(c, "stamped")).isEqualTo(utc);
            try (Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery("SELECT @@session.time_zone")) {
                rs.next();
                assertThat(rs.getString(1)).as("the session's zone put back").isEqualTo("+05:30");
            }
            sql(c, "UPDATE stamped SET at = '2025-01-02 03:04:06'");
            assertThat(TableFingerprints.of(c, "stamped")).isNotEqualTo(utc);
        }
    }

    /**
     * PostgreSQL's sum of value hashes: a value moved to another column of its row, or a case change in a column
     * whose collation finds the two spellings equal, each give another checksum.
     */
    @org.junit.jupiter.api.Test
    void postgresValueHashesSeeWhatEqualityWouldNot() throws Exception {
        try (Connection c = db("pgsql")) {
            sql(c, "DROP TABLE IF EXISTS cased", "DROP COLLATION IF EXISTS panel_ci",
                    "CREATE COLLATION panel_ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
                    "CREATE TABLE cased (id integer primary key, first text, second text, email varchar(80) COLLATE panel_ci)",
                    "INSERT INTO cased VALUES (1, 'x', 'y', 'Admin@Example.com'), (2, NULL, '', 'b@example.com')");
            try (Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery(
                    "SELECT count(*) FROM cased WHERE email = 'admin@example.com'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("the collation finds the spellings equal").isEqualTo(1);
            }
            TableFingerprints.Fingerprint was = TableFingerprints.of(c, "cased");
            sql(c, "UPDATE cased SET email = 'admin@example.com' WHERE id = 1");
            assertThat(TableFingerprints.of(c, "cased")).as("lower-cased e-mail").isNotEqualTo(was);
            sql(c, "UPDATE cased SET email = 'Admin@Example.com' WHERE id = 1");
            assertThat(TableFingerprints.of(c, "cased")).as("put back").isEqualTo(was);
            sql(c, "UPDATE cased SET first = 'y', second = 'x' WHERE id = 1");
            assertThat(TableFingerprints.of(c, "cased")).as("two columns trade values").isNotEqualTo(was);
            sql(c, "UPDATE cased SET first = 'x', second = 'y' WHERE id = 1", "UPDATE cased SET first = '', second = NULL WHERE id = 2");
            assertThat(TableFingerprints.of(c, "cased")).as("NULL and '' trade places").isNotEqualTo(was);
        }
    }

    /**
     * A record summed the older way (MD5 of the printed row, what the panel recorded before, and all a server before
     * PostgreSQL 11 has) is compared by reading the other side the same way: equal content, equal checksums; a
     * change still shows.
     */
    @org.junit.jupiter.api.Test
    void postgresReadsTheWayTheRecordWasSummed() throws Exception {
        try (Connection c = db("pgsql")) {
            sql(c, "DROP TABLE IF EXISTS rec", "DROP TABLE IF EXISTS cur",
                    "CREATE TABLE rec (id integer primary key, name text, at timestamptz)",
                    "INSERT INTO rec VALUES (1, 'a b', '2026-01-02 03:04:05+00'), (2, NULL, NULL)",
                    "CREATE TABLE cur AS SELECT * FROM rec");
            java.util.List<String> columns = java.util.List.of("id", "name", "at");
            String legacy;
            try (Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery(
                    "SELECT coalesce(sum(('x' || substr(md5(ROW(id, name, at)::text), 1, 15))::bit(60)::bigint), 0)::text "
                            + "FROM rec")) {
                rs.next();
                legacy = rs.getString(1);
            }
            Map<String, TableFingerprints.Fingerprint> recorded = Map.of("rec", new TableFingerprints.Fingerprint(2, legacy));

            assertThat(TableFingerprints.of(c, "cur", columns, recorded)).as("read as the record was summed")
                    .isEqualTo(new TableFingerprints.Fingerprint(2, legacy));
            assertThat(TableFingerprints.of(c, Map.of(), recorded).get("cur")).isEqualTo(recorded.get("rec"));
            assertThat(TableFingerprints.of(c, "cur", columns).checksum()).as("this server's own way")
                    .startsWith("t64:").isNotEqualTo(legacy);
            assertThat(TableFingerprints.of(c, "cur", columns, TableFingerprints.of(c, Map.of())))
                    .isEqualTo(TableFingerprints.of(c, "rec", columns));

            sql(c, "UPDATE cur SET name = 'a  b' WHERE id = 1");
            assertThat(TableFingerprints.of(c, "cur", columns, recorded)).as("a change, read the older way")
                    .isNotEqualTo(recorded.get("rec"));
        }
    }

    /**
     * The value-hash sum adds bigints (in 128-bit integers): exactly the sum of the same hashes as numeric, the form the
     * first records of this sum were made with, also where it passes the 64-bit range (20,000 hashes of up to 2^63). A
     * record of that sum is read that way; with nothing recorded the typed sum is read, whose formula is pinned here too:
     * a job recorded by one panel release is proven by the next.
     */
    @org.junit.jupiter.api.Test
    void postgresValueHashSumIsExactBeyondSixtyFourBits() throws Exception {
        try (Connection c = db("pgsql")) {
            sql(c, "DROP TABLE IF EXISTS many", "CREATE TABLE many (id integer primary key, name text)",
                    "INSERT INTO many SELECT g, md5(g::text) FROM generate_series(1, 20000) g");
            String asNumeric;
            try (Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery("SELECT 'h64:' || sum("
                    + "hashint8extended(hash_array_extended(ARRAY[id::text COLLATE \"C\", name::text COLLATE \"C\"], 0), 0)"
                    + "::numeric)::text, max(abs(hashint8extended(hash_array_extended(ARRAY[id::text COLLATE \"C\", "
                    + "name::text COLLATE \"C\"], 0), 0)::numeric)) > 4e18 FROM many")) {
                rs.next();
                asNumeric = rs.getString(1);
                assertThat(rs.getBoolean(2)).as("hashes near the 64-bit limit").isTrue();
            }
            assertThat(new java.math.BigInteger(asNumeric.substring(4)).abs())
                    .as("a sum beyond 64 bits").isGreaterThan(java.math.BigInteger.valueOf(Long.MAX_VALUE));
            assertThat(TableFingerprints.of(c, "many", java.util.List.of("id", "name"),
                    Map.of("many", new TableFingerprints.Fingerprint(0, "h64:0"))))
                    .as("read as a value-hash record was summed")
                    .isEqualTo(new TableFingerprints.Fingerprint(20000, asNumeric));
            try (Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery("SELECT 't64:' || sum("
                    + "hashint8extended(hash_array_extended(ARRAY[hashint4extended(id, 0), hashtextextended(name COLLATE "
                    + "\"C\", 0)], 0), 0)::numeric)::text FROM many")) {
                rs.next();
                assertThat(TableFingerprints.of(c, "many", java.util.List.of("id", "name")))
                        .isEqualTo(new TableFingerprints.Fingerprint(20000, rs.getString(1)));
            }
        }
    }

    /**
     * The typed sum hashes integers, booleans, text, fixed-length text, timestamps and UUIDs by their own functions and
     * prints the rest: every change below, each a value of one kind, gives another checksum, also where the type's own
     * equality finds old and new alike (1.0 and 1.00, a case change under a case-insensitive domain's collation); a
     * NULL is not the zero value of its type; other session settings read alike.
     */
    @org.junit.jupiter.api.Test
    void postgresTypedHashesSeeEveryChangeOfEveryKind() throws Exception {
        try (Connection c = db("pgsql")) {
            sql(c, "DROP TABLE IF EXISTS kinds", "DROP DOMAIN IF EXISTS panel_positive",
                    "CREATE DOMAIN panel_positive AS integer CHECK (VALUE > 0)",
                    "CREATE TABLE kinds (id bigint primary key, small smallint, n integer, flag boolean, name varchar(40), "
                            + "code char(5), note text, at timestamp(6), seen timestamptz, day date, uid uuid, "
                            + "amount numeric, ratio double precision, doc jsonb, conf json, raw bytea, tags text[], "
                            + "level panel_positive)",
                    "INSERT INTO kinds VALUES (1, 1, 0, false, 'Admin', 'ab', '', '2026-01-02 03:04:05.000001', "
                            + "'2026-01-02 03:04:05+00', '2026-01-02', '00000000-0000-0000-0000-000000000001', 1.0, 0.1, "
                            + "'{\"a\": 1}', '{\"a\": 1}', '\\x00', '{x}', 3), "
                            + "(2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                            + "NULL, NULL)");
            TableFingerprints.Fingerprint was = TableFingerprints.of(c, "kinds");
            assertThat(was.checksum()).startsWith("t64:");
            for (String change : new String[] {"small = 2 WHERE id = 1", "n = 1 WHERE id = 1", "flag = true WHERE id = 1",
                    "name = 'admin' WHERE id = 1", "code = 'ac' WHERE id = 1", "note = NULL WHERE id = 1",
                    "at = '2026-01-02 03:04:05.000002' WHERE id = 1", "seen = '2026-01-02 03:04:06+00' WHERE id = 1",
                    "day = '2026-01-03' WHERE id = 1", "uid = '00000000-0000-0000-0000-000000000002' WHERE id = 1",
                    "amount = 1.00 WHERE id = 1", "ratio = 0.1000000000000001 WHERE id = 1",
                    "doc = '{\"a\": 2}' WHERE id = 1", "conf = '{\"a\":1}' WHERE id = 1", "raw = '\\x01' WHERE id = 1",
                    "tags = '{y}' WHERE id = 1", "level = 4 WHERE id = 1",
                    "n = 0 WHERE id = 2", "flag = false WHERE id = 2", "note = '' WHERE id = 2", "small = n WHERE id = 1",
                    "id = 3 WHERE id = 2"}) {
                sql(c, "CREATE TABLE kinds_was AS SELECT * FROM kinds", "UPDATE kinds SET " + change);
                assertThat(TableFingerprints.of(c, "kinds")).as(change).isNotEqualTo(was);
                sql(c, "DELETE FROM kinds", "INSERT INTO kinds SELECT * FROM kinds_was", "DROP TABLE kinds_was");
                assertThat(TableFingerprints.of(c, "kinds")).as("put back after " + change).isEqualTo(was);
            }
            sql(c, "SET TimeZone = 'Asia/Kolkata'", "SET extra_float_digits = 0",
                    "SET bytea_output = 'escape'");
            assertThat(TableFingerprints.of(c, "kinds")).as("other session settings").isEqualTo(was);
        }
    }

    /**
     * PostgreSQL's row versions: unchanged by reads, a row lock, VACUUM and VACUUM FREEZE; changed by an UPDATE that
     * writes the same value again (which the content checksum cannot see) and by an inserted row. Other servers have
     * none.
     */
    @org.junit.jupiter.api.Test
    void postgresRowVersionsChangeOnEveryWriteAndOnlyOnWrites() throws Exception {
        try (Connection c = db("pgsql")) {
            sql(c, "DROP TABLE IF EXISTS written", "CREATE TABLE written (id integer primary key, name text)",
                    "INSERT INTO written VALUES (1, 'a'), (2, 'b')");
            Map<String, String> was = TableFingerprints.rowVersions(c);
            assertThat(was.get("written")).startsWith("2:");
            TableFingerprints.Fingerprint content = TableFingerprints.of(c, "written");

            c.setAutoCommit(false);
            sql(c, "SELECT * FROM written WHERE id = 1 FOR UPDATE");
            c.commit();
            c.setAutoCommit(true);
            sql(c, "VACUUM written", "VACUUM (FREEZE) written");
            assertThat(TableFingerprints.rowVersions(c)).as("read, locked, vacuumed, frozen").isEqualTo(was);

            sql(c, "UPDATE written SET name = name WHERE id = 2");
            assertThat(TableFingerprints.of(c, "written")).as("the same content").isEqualTo(content);
            Map<String, String> rewritten = TableFingerprints.rowVersions(c);
            assertThat(rewritten.get("written")).as("written again").isNotEqualTo(was.get("written"));

            sql(c, "INSERT INTO written VALUES (3, 'c')");
            assertThat(TableFingerprints.rowVersions(c).get("written")).startsWith("3:").isNotEqualTo(rewritten.get("written"));
        }
        try (Connection c = db("mariadb")) {
            assertThat(TableFingerprints.rowVersions(c)).as("MariaDB keeps no row versions to read").isEmpty();
        }
    }

    /**
     * Which PostgreSQL sum a read uses: the server's best with nothing recorded (MD5 before PostgreSQL 11), else the
     * record's; a record of value hashes cannot be matched by a server older than 11, and says why.
     */
    @org.junit.jupiter.api.Test
    void postgresSumsFollowTheRecordAndRefuseWhatTheServerLacks() throws Exception {
        Map<String, TableFingerprints.Fingerprint> md5 = Map.of("user", new TableFingerprints.Fingerprint(2, "123456789"));
        Map<String, TableFingerprints.Fingerprint> hashed = Map.of("user", new TableFingerprints.Fingerprint(2, "h64:-42"));
        Map<String, TableFingerprints.Fingerprint> typed = Map.of("user", new TableFingerprints.Fingerprint(2, "t64:-42"));
        assertThat(TableFingerprints.PostgresSum.choose(15, Map.of())).isEqualTo(TableFingerprints.PostgresSum.TYPED_HASH);
        assertThat(TableFingerprints.PostgresSum.choose(11, typed)).isEqualTo(TableFingerprints.PostgresSum.TYPED_HASH);
        assertThat(TableFingerprints.PostgresSum.choose(15, hashed)).isEqualTo(TableFingerprints.PostgresSum.VALUE_HASH);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TableFingerprints.PostgresSum.choose(10, typed))
                .isInstanceOf(SQLException.class);
        assertThat(TableFingerprints.PostgresSum.choose(10, Map.of())).isEqualTo(TableFingerprints.PostgresSum.ROW_MD5);
        assertThat(TableFingerprints.PostgresSum.choose(15, md5)).isEqualTo(TableFingerprints.PostgresSum.ROW_MD5);
        assertThat(TableFingerprints.PostgresSum.choose(11, hashed)).isEqualTo(TableFingerprints.PostgresSum.VALUE_HASH);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TableFingerprints.PostgresSum.choose(10, hashed))
                .isInstanceOf(SQLException.class).hasMessage("the other side was summed with the hash functions of "
                        + "PostgreSQL 11+, and this server is PostgreSQL 10");
    }
}
