package dev.migrationpanel.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DumpCommandsTest {

    @Test
    void mysqlFollowsTheGuideWithoutThePasswordOnTheCommandLine() {
        DbSettings db = new DbSettings(DbVendor.MYSQL, "127.0.0.1", 3306, "dreamfactory", "df_admin", "s3cret", null);
        assertThat(DumpCommands.dump(db, "/tmp/d.sql", true)).isEqualTo("MYSQL_PWD={{secret:db.password}} mysqldump "
                + "-h '127.0.0.1' -P 3306 -u 'df_admin' --single-transaction --routines --triggers "
                + "--databases 'dreamfactory' --no-create-db --result-file='/tmp/d.sql'")
                .doesNotContain("s3cret");
    }

    @Test
    void postgresAndSqlite() {
        assertThat(DumpCommands.dump(new DbSettings(DbVendor.PGSQL, "db", 5432, "df", "u", "p", null), "/tmp/x y.sql", false))
                .isEqualTo("PGPASSWORD={{secret:db.password}} pg_dump -h 'db' -p 5432 -U 'u' -d 'df' -F p --no-owner --no-privileges --clean --if-exists -f '/tmp/x y.sql'");
        assertThat(DumpCommands.dump(new DbSettings(DbVendor.SQLITE, null, 0, null, null, null, "/opt/df/db's.sqlite"),
                "/tmp/d.sql", false)).isEqualTo("sqlite3 '/opt/df/db'\"'\"'s.sqlite' .dump > '/tmp/d.sql'");
    }

    @Test
    void sqlServerIsRefusedWithTheReason() {
        assertThatThrownBy(() -> DumpCommands.dump(new DbSettings(DbVendor.SQLSRV, "h", 1433, "df", "sa", "p", null),
                "/tmp/d.sql", false)).hasMessageStartingWith("SQL Server: the panel cannot dump this DB yet");
    }
}
