package dev.migrationpanel.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;

class JdbcUrlsTest {

    @Test
    void buildsBoundedUrlsPerVendor() {
        assertThat(JdbcUrls.of(DbVendor.MYSQL, "127.0.0.1", 3306, "df", 10))
                .isEqualTo("jdbc:mariadb://127.0.0.1:3306/df?permitMysqlScheme&connectTimeout=10000&socketTimeout=30000");
        assertThat(JdbcUrls.of(DbVendor.PGSQL, "db", 5432, "df", 5))
                .startsWith("jdbc:postgresql://db:5432/df?connectTimeout=5&socketTimeout=15");
        assertThat(JdbcUrls.of(DbVendor.SQLSRV, "::1", 1433, "df", 10))
                .startsWith("jdbc:sqlserver://[::1]:1433;databaseName=df;loginTimeout=10");
    }

    @Test
    void aFailureMessageNeverCarriesThePassword() {
        DbSettings settings = new DbSettings(DbVendor.MYSQL, "h", 3306, "df", "u", "Secr3t!", null);
        String line = InstanceDbConnection.describeFailure(settings, "h:3306",
                new SQLException("Access denied for user 'u' using password Secr3t!", "28000", 1045));
        assertThat(line).isEqualTo("Database MySQL / MariaDB at h:3306: login refused for user 'u' (wrong password or no access)");
        String other = InstanceDbConnection.describeFailure(settings, "h:3306", new SQLException("odd Secr3t! echo", "HY000"));
        assertThat(other).doesNotContain("Secr3t!").contains("****");
    }

    @Test
    void vendorCodesIncludeCommonAliases() {
        assertThat(DbVendor.fromCode("mariadb")).contains(DbVendor.MYSQL);
        assertThat(DbVendor.fromCode(" PGSQL ")).contains(DbVendor.PGSQL);
        assertThat(DbVendor.fromCode("oracle")).isEmpty();
    }
}
