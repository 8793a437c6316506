package dev.migrationpanel.database;

import static dev.migrationpanel.remote.ShellQuote.quote;

/**
 * The vendors' own dump commands, as the DreamFactory guide gives them, writing to a file on the host
 * where they run. The password is never on the command line: it is the job engine's secret reference
 * {@code {{secret:db.password}}}, which travels on standard input into a variable (and from there into
 * the variable the client reads: {@code MYSQL_PWD}, {@code PGPASSWORD}). A PostgreSQL dump leaves out
 * owners and grants, so that it imports as whichever user restores it, on this server or a new one.
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
            case MYSQL -> "MYSQL_PWD=" + DB_PASSWORD + " mysqldump -h " + quote(db.host()) + " -P " + db.port()
                    + " -u " + quote(db.username()) + (innoDbConsistent ? " --single-transaction" : "")
                    + " --routines --triggers --databases " + quote(db.database()) + " --no-create-db --result-file="
                    + quote(outFile);
            case PGSQL -> "PGPASSWORD=" + DB_PASSWORD + " pg_dump -h " + quote(db.host()) + " -p " + db.port()
                    + " -U " + quote(db.username()) + " -d " + quote(db.database()) + " -F p --no-owner --no-privileges -f "
                    + quote(outFile);
            case SQLITE -> "sqlite3 " + quote(db.sqlitePath()) + " .dump > " + quote(outFile);
            case SQLSRV -> throw new DatabaseException("SQL Server: the panel cannot dump this DB yet (the vendor's "
                    + "procedure is SQL Server Management Studio); back it up there");
        };
    }
}
