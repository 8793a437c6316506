package dev.migrationpanel.database;

import static dev.migrationpanel.remote.ShellQuote.quote;

/**
 * Puts a dump made by {@link DumpCommands} back, so that the DB holds exactly what it held when dumped:
 * tables created since are dropped first (the vendor import alone would leave them), then the vendor's
 * client imports the dump. The password travels as in {@link DumpCommands}: never on a command line.
 */
public final class RestoreCommands {

    private RestoreCommands() {
    }

    public static String restore(DbSettings db, String dumpFile) {
        return switch (db.vendor()) {
            case MYSQL -> {
                String client = "MYSQL_PWD=" + DumpCommands.DB_PASSWORD + " mysql -h " + quote(db.host()) + " -P " + db.port()
                        + " -u " + quote(db.username());
                String listDrops = "SELECT CONCAT('DROP TABLE IF EXISTS `', table_name, '`;') FROM information_schema.tables "
                        + "WHERE table_schema = DATABASE()";
                yield "set -e; drops=$(" + client + " -N -B " + quote(db.database()) + " -e " + quote(listDrops) + "); "
                        + "printf 'SET FOREIGN_KEY_CHECKS=0;\\n%s\\n' \"$drops\" | " + client + " " + quote(db.database())
                        + "; " + client + " " + quote(db.database()) + " < " + quote(dumpFile);
            }
            case PGSQL -> {
                String client = "PGPASSWORD=" + DumpCommands.DB_PASSWORD + " psql -X -q -v ON_ERROR_STOP=1 -h " + quote(db.host())
                        + " -p " + db.port() + " -U " + quote(db.username()) + " -d " + quote(db.database());
                yield "set -e; " + client + " -c " + quote("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
                        + "; " + client + " -f " + quote(dumpFile);
            }
            case SQLITE -> "set -e; rm -f " + quote(db.sqlitePath() + ".restoring") + "; sqlite3 -bail "
                    + quote(db.sqlitePath() + ".restoring") + " < " + quote(dumpFile) + "; mv -f "
                    + quote(db.sqlitePath() + ".restoring") + " " + quote(db.sqlitePath());
            case SQLSRV -> throw new DatabaseException("SQL Server: the panel cannot restore this DB yet; restore it with "
                    + "SQL Server Management Studio");
        };
    }

    /**
     * The vendor's import of a dump into a DB that holds none of its tables (the migration's target after
     * {@code migrate:reset}), stopping at the first error. A MySQL dump made with {@code --databases} names
     * its source DB ({@code USE `db`;}) and may name its source users ({@code DEFINER=}); both lines would
     * point the import at the source's names, so they are filtered out on the way in. PostgreSQL imports in
     * one transaction: a failure leaves nothing half imported.
     */
    public static String importInto(DbSettings db, String dumpFile) {
        return switch (db.vendor()) {
            case MYSQL -> "test -r " + quote(dumpFile) + " && " + mysqlImport(db, " " + quote(dumpFile));
            case PGSQL -> psqlImport(db, " --single-transaction") + " -f " + quote(dumpFile);
            case SQLITE -> "test -r " + quote(dumpFile) + " && sqlite3 -bail " + quote(db.sqlitePath()) + " < " + quote(dumpFile);
            case SQLSRV -> throw sqlServer();
        };
    }

    /**
     * The same import reading the dump from standard input, as {@link DumpCommands#dumpToStdout} sends it.
     * psql gets no {@code --single-transaction}: the stream brings its own {@code BEGIN;}/{@code COMMIT;}, so an
     * input that ends early commits nothing (psql's own framing would commit whatever had arrived).
     */
    public static String importStream(DbSettings db) {
        return switch (db.vendor()) {
            case MYSQL -> mysqlImport(db, "");
            case PGSQL -> psqlImport(db, "");
            case SQLITE -> "sqlite3 -bail " + quote(db.sqlitePath());
            case SQLSRV -> throw sqlServer();
        };
    }

    private static String mysqlImport(DbSettings db, String fromFile) {
        return "sed -e " + quote("/^USE `[^`]*`;$/d") + " -e " + quote("s/DEFINER=`[^`]*`@`[^`]*`//g") + fromFile
                + " | MYSQL_PWD=" + DumpCommands.DB_PASSWORD + " mysql -h " + quote(db.host()) + " -P " + db.port() + " -u "
                + quote(db.username()) + " " + quote(db.database());
    }

    private static String psqlImport(DbSettings db, String options) {
        return "PGPASSWORD=" + DumpCommands.DB_PASSWORD + " psql -X -q -v ON_ERROR_STOP=1" + options + " -h " + quote(db.host()) + " -p "
                + db.port() + " -U " + quote(db.username()) + " -d " + quote(db.database());
    }

    private static DatabaseException sqlServer() {
        return new DatabaseException("SQL Server: the panel cannot import into this DB yet; import it with "
                + "SQL Server Management Studio");
    }
}
