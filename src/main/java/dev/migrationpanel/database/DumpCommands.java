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
