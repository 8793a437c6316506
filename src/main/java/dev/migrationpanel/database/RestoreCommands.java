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
}
