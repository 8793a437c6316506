package dev.migrationpanel.persistence;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A database of its own on the machine's PostgreSQL (127.0.0.1:5432, user postgres, trust auth) for a
 * test class that runs the panel on PostgreSQL: created before the context, dropped after the class.
 */
public final class PostgresTestDatabase {

    static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";

    private PostgresTestDatabase() {
    }

    /** Creates {@code name} and points the panel's datasource at it. */
    public static void create(String name, DynamicPropertyRegistry registry) throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("create database " + name);
        } catch (SQLException e) {
            throw new SQLException("PostgreSQL must run on 127.0.0.1:5432 with trust auth for user postgres "
                    + "(src/test/lab/lab.sh up starts it): " + e.getMessage(), e);
        }
        registry.add("spring.datasource.url", () -> SERVER + name);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
    }

    public static void drop(String name) throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("drop database if exists " + name + " with (force)");
        }
    }
}
