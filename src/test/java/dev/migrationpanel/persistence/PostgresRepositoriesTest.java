package dev.migrationpanel.persistence;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same migrations and repositories on the machine's real PostgreSQL (127.0.0.1:5432, user
 * postgres), in a database made for this run and dropped after it.
 */
@SpringBootTest
class PostgresRepositoriesTest extends PanelRepositoriesContract {

    static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    static final String DATABASE = "panel_test_" + Long.toHexString(System.nanoTime());

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("create database " + DATABASE);
        } catch (SQLException e) {
            throw new SQLException("PostgreSQL must run on 127.0.0.1:5432 with trust auth for user postgres "
                    + "(start it: pg_ctlcluster --skip-systemctl-redirect 15 main start): " + e.getMessage(), e);
        }
        registry.add("spring.datasource.url", () -> SERVER + DATABASE);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
    }

    @AfterAll
    static void dropDatabase() throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("drop database if exists " + DATABASE + " with (force)");
        }
    }
}
