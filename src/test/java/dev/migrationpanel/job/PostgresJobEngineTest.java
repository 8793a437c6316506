package dev.migrationpanel.job;

import java.sql.SQLException;

import org.junit.jupiter.api.AfterAll;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.migrationpanel.persistence.PostgresTestDatabase;

/**
 * The whole engine suite again with PostgreSQL as the panel's DB — the set-up several panel nodes share:
 * db-scheduler's table, the locks, the log batches and the guarded state changes on the real server.
 */
class PostgresJobEngineTest extends JobEngineTest {

    static final String DATABASE = "panel_jobs_" + Long.toHexString(System.nanoTime());

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) throws SQLException {
        PostgresTestDatabase.create(DATABASE, registry);
    }

    @AfterAll
    static void dropDatabase() throws SQLException {
        PostgresTestDatabase.drop(DATABASE);
    }
}
