package dev.migrationpanel.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import dev.migrationpanel.dreamfactory.WebServer;
import dev.migrationpanel.dreamfactory.WebSettings;
import dev.migrationpanel.instance.Instance;

/**
 * Flyway V8 on rows written before it, on H2 and on the machine's PostgreSQL: a DreamFactory instance's web server,
 * restart command and web user/group become its product settings (readable as the app reads them, quotes and
 * backslashes intact), its other settings stay, other products' rows get none, and the old columns are gone.
 */
class WebSettingsMigrationTest {

    @Test
    void h2() {
        String url = "jdbc:h2:mem:v8_" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        migrateAndCheck(new DriverManagerDataSource(url, "sa", ""));
    }

    @Test
    void postgres() throws SQLException {
        String database = "panel_v8_" + Long.toHexString(System.nanoTime());
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(PostgresTestDatabase.SERVER + "postgres",
                "postgres", ""); java.sql.Statement s = c.createStatement()) {
            s.execute("create database " + database);
        } catch (SQLException e) {
            throw new SQLException("PostgreSQL must run on 127.0.0.1:5432 with trust auth for user postgres "
                    + "(src/test/lab/lab.sh up starts it): " + e.getMessage(), e);
        }
        try {
            migrateAndCheck(new DriverManagerDataSource(PostgresTestDatabase.SERVER + database, "postgres", ""));
        } finally {
            PostgresTestDatabase.drop(database);
        }
    }

    private static void migrateAndCheck(DataSource dataSource) {
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").target("6").load().migrate();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        insert(jdbc, "df-custom", "dreamfactory", "CUSTOM", "sudo -n sh -c \"echo \\\\ok\"\t&& true", "www-data", "www-data", null);
        insert(jdbc, "df-nginx", "dreamfactory", "NGINX", null, null, null, null);
        insert(jdbc, "df-apache", "dreamfactory", "APACHE", null, "deploy", "web", "{\"other\":\"kept\"}");
        insert(jdbc, "cairn", "cairncms", "NONE", null, null, null, "{\"cli\":\"npx cairncms\"}");

        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();

        WebSettings custom = WebSettings.of(read(jdbc, "df-custom"));
        assertThat(custom).isEqualTo(new WebSettings(WebServer.CUSTOM, "sudo -n sh -c \"echo \\\\ok\"\t&& true",
                "www-data", "www-data"));
        assertThat(read(jdbc, "df-nginx").productSettingValues()).isEqualTo(Map.of("webServer", "NGINX"));
        assertThat(WebSettings.of(read(jdbc, "df-nginx")).owner()).isNull();
        Instance apache = read(jdbc, "df-apache");
        assertThat(apache.productSettingValues()).isEqualTo(Map.of("webServer", "APACHE", "webUser", "deploy",
                "webGroup", "web", "other", "kept"));
        assertThat(WebSettings.of(apache).owner()).isEqualTo("deploy:web");
        assertThat(read(jdbc, "cairn").productSettingValues()).isEqualTo(Map.of("cli", "npx cairncms"));

        List<String> columns = jdbc.queryForList("select lower(column_name) from information_schema.columns "
                + "where lower(table_name) = 'instance'", String.class);
        assertThat(columns).contains("product_settings", "install_path")
                .doesNotContain("web_server", "web_restart_command", "web_user", "web_group");
    }

    private static void insert(JdbcTemplate jdbc, String name, String product, String webServer, String restart,
            String user, String group, String settings) {
        jdbc.update("insert into instance (name, product, environment, ssh_host, ssh_port, ssh_user, ssh_auth, "
                + "deployment_type, install_path, web_server, web_restart_command, web_user, web_group, "
                + "product_settings, db_access, created_at, updated_at, version) values (?, ?, 'production', "
                + "'127.0.0.1', 22, 'deploy', 'PASSWORD', 'HOST', '/opt/x', ?, ?, ?, ?, ?, 'TUNNEL', "
                + "current_timestamp, current_timestamp, 0)", name, product, webServer, restart, user, group, settings);
    }

    private static Instance read(JdbcTemplate jdbc, String name) {
        Instance instance = new Instance();
        instance.setProductSettings(jdbc.queryForObject("select product_settings from instance where name = ?",
                String.class, name));
        return instance;
    }
}
