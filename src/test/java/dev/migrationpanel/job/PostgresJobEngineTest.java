package dev.migrationpanel.job;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.AfterAll;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole engine suite again with PostgreSQL as the panel's DB — the set-up several panel nodes share:
 * db-scheduler's table, the locks, the log batches and the guarded state changes on the real server.
 */
class PostgresJobEngineTest extends JobEngineTest {

    static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    static final String DATABASE = "panel_jobs_" + Long.toHexString(System.nanoTime());

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("create database " + DATABASE);
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
