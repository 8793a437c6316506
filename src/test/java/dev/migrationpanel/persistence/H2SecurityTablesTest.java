package dev.migrationpanel.persistence;

import org.springframework.boot.test.context.SpringBootTest;

/** The security tables on the embedded default, H2. */
@SpringBootTest
class H2SecurityTablesTest extends SecurityTablesContract {
}
