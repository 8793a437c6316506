package dev.migrationpanel.persistence;

import java.sql.SQLException;

import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The security tables on the machine's real PostgreSQL, in a database made for this run. */
@SpringBootTest
class PostgresSecurityTablesTest extends SecurityTablesContract {

    static final String DATABASE = "panel_sec_test_" + Long.toHexString(System.nanoTime());

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) throws SQLException {
        PostgresTestDatabase.create(DATABASE, registry);
    }

    @AfterAll
    static void dropDatabase() throws SQLException {
        PostgresTestDatabase.drop(DATABASE);
    }
}
