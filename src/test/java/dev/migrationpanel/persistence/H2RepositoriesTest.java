package dev.migrationpanel.persistence;

import org.springframework.boot.test.context.SpringBootTest;

/** The repositories on the embedded default, H2. */
@SpringBootTest
class H2RepositoriesTest extends PanelRepositoriesContract {
}
