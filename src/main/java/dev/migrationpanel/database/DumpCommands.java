package dev.migrationpanel.database;

import static dev.migrationpanel.remote.ShellQuote.quote;

/**
 * The vendors' own dump commands, as the DreamFactory guide gives them, writing to a file on the host
 * where they run. The password is never on the command line: it is the job engine's secret reference
 * {@code {{secret:db.password}}}, which travels on standard input into a variable (and from there into
 * the variable the client reads: {@code MYSQL_PWD}, {@code PGPASSWORD}). A PostgreSQL dump leaves out
 * owners and grants, so that it imports as whichever user restores it, on this server or a new one, and
 * drops each object before it creates it ({@code --clean --if-exists}, as a MySQL dump does with
 * {@code DROP TABLE IF EXISTS}), so that importing it again over a complete import puts the same back.
 */
public final class DumpCommands {

    public static final String DB_PASSWORD = "{{secret:db.password}}";

    private DumpCommands() {
    }

    /**
     * @param innoDbConsistent add {@code --single-transaction}: a consistent dump of InnoDB tables without
     *                         locking them
     * @throws DatabaseException for a vendor whose dump the panel cannot make
     */
    public static String dump(DbSettings db, String outFile, boolean innoDbConsistent) {
        return switch (db.vendor()) {
            case MYSQL -> mysqldump(db, innoDbConsistent) + " --result-file=" + quote(outFile);
            case PGSQL -> pgDump(db) + " -f " + quote(outFile);
            case SQLITE -> sqliteDump(db) + " > " + quote(outFile);
            case SQLSRV -> throw sqlServer();
        };
    }

    /**
     * The same dump on standard output, for {@link RestoreCommands#importStream} on the other end of a stream.
     * A PostgreSQL dump is framed in {@code BEGIN;} … {@code COMMIT;} (the {@code COMMIT} only after pg_dump
     * succeeded): a stream cut short reaches the importing psql without its {@code COMMIT}, so nothing of it
     * is kept. A SQLite dump frames itself so; a MySQL dump cannot be (its DDL commits as it goes), and
     * starts every table with {@code DROP TABLE IF EXISTS}, so a rerun puts it right.
     */
    public static String dumpToStdout(DbSettings db, boolean innoDbConsistent) {
        return switch (db.vendor()) {
            case MYSQL -> mysqldump(db, innoDbConsistent);
            case PGSQL -> "printf 'BEGIN;\\n' && " + pgDump(db) + " && printf 'COMMIT;\\n'";
            case SQLITE -> sqliteDump(db);
            case SQLSRV -> throw sqlServer();
        };
    }

    /** How a dump's recorded source counts start: one line per table, {@code -- panel-source-rows 12<tab>users}. */
    public static final String ROWS_LINE = "-- panel-source-rows ";
    /** The line after the last count: the counting finished (an SQL comment, as the counts, for every client). */
    public static final String ROWS_END = "-- panel-source-rows-end";

    /**
     * A command printing one line per base table of the DB (its current schema on PostgreSQL): the exact row count,
     * a tab or {@code |}, the table's name. The DB server writes the counting statement itself from its catalogue
     * (one {@code SELECT COUNT(*)} per table, joined by {@code UNION ALL}), which the same client then runs: two
     * round trips whatever the number of tables, and no table name passes through the shell. Exits non-zero when
     * either fails.
     */
    public static String rowCounts(DbSettings db) {
        return switch (db.vendor()) {
            case MYSQL -> {
                String client = "MYSQL_PWD=" + DB_PASSWORD + " mysql -h " + quote(db.host()) + " -P " + db.port() + " -u "
                        + quote(db.username()) + " -N -B -r " + quote(db.database());
                String generate = "SET SESSION group_concat_max_len = 16777216; SELECT CONCAT(IFNULL(GROUP_CONCAT(CONCAT("
                        + "'SELECT COUNT(*), ', QUOTE(table_name), ' FROM `', REPLACE(table_name, '`', '``'), '`') "
                        + "SEPARATOR ' UNION ALL '), 'SELECT 1 FROM DUAL WHERE 1 = 0'), ';') FROM information_schema.tables "
                        + "WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'";
                yield "q=$(" + client + " -e " + quote(generate) + ") && printf '%s\\n' \"$q\" | " + client;
            }
            case PGSQL -> {
                String client = "PGPASSWORD=" + DB_PASSWORD + " psql -X -q -At -v ON_ERROR_STOP=1 -h " + quote(db.host())
                        + " -p " + db.port() + " -U " + quote(db.username()) + " -d " + quote(db.database());
                String generate = "SELECT coalesce(string_agg(format('SELECT count(*), %L FROM %I.%I', table_name, "
                        + "table_schema, table_name), ' UNION ALL '), 'SELECT 1 WHERE false') || ';' FROM "
                        + "information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'";
                yield "q=$(" + client + " -c " + quote(generate) + ") && printf '%s\\n' \"$q\" | " + client;
            }
            case SQLITE -> {
                String client = "sqlite3 -bail -batch -noheader " + quote(db.sqlitePath());
                String generate = "SELECT coalesce(group_concat('SELECT count(*), ' || quote(name) || ' FROM \"' || "
                        + "replace(name, '\"', '\"\"') || '\"', ' UNION ALL '), 'SELECT 1 WHERE 0') || ';' FROM sqlite_master "
                        + "WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";
                yield "q=$(" + client + " " + quote(generate) + ") && printf '%s\\n' \"$q\" | " + client;
            }
            case SQLSRV -> throw sqlServer();
        };
    }

    /**
     * Appends the DB's row counts ({@link #rowCounts}) to a dump just made, as SQL comments every vendor's import
     * skips, then {@link #ROWS_END}: the dump carries what its source held, for a test-restore to compare against.
     * Counted right after the dump, so a DB written meanwhile may differ by what was written.
     */
    public static String appendRowCounts(DbSettings db, String dumpFile) {
        return "c=$(" + rowCounts(db) + ") && printf '%s\\n' \"$c\" | sed -e " + quote("/^$/d") + " -e "
                + quote("s/^/" + ROWS_LINE + "/") + " >> " + quote(dumpFile) + " && printf '%s\\n' " + quote(ROWS_END)
                + " >> " + quote(dumpFile);
    }

    private static String mysqldump(DbSettings db, boolean innoDbConsistent) {
        return "MYSQL_PWD=" + DB_PASSWORD + " mysqldump -h " + quote(db.host()) + " -P " + db.port()
                + " -u " + quote(db.username()) + (innoDbConsistent ? " --single-transaction" : "")
                + " --routines --triggers --databases " + quote(db.database()) + " --no-create-db";
    }

    private static String pgDump(DbSettings db) {
        return "PGPASSWORD=" + DB_PASSWORD + " pg_dump -h " + quote(db.host()) + " -p " + db.port()
                + " -U " + quote(db.username()) + " -d " + quote(db.database()) + " -F p --no-owner --no-privileges --clean --if-exists";
    }

    private static String sqliteDump(DbSettings db) {
        return "sqlite3 " + quote(db.sqlitePath()) + " .dump";
    }

    private static DatabaseException sqlServer() {
        return new DatabaseException("SQL Server: the panel cannot dump this DB yet (the vendor's "
                + "procedure is SQL Server Management Studio); back it up there");
    }
}
