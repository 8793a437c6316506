package dev.migrationpanel.database;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Names in SQL the panel writes itself ("user" is reserved on PostgreSQL) are quoted the vendor's way. */
class DbVendorTest {

    @Test
    void quotesNamesTheVendorsWayDoublingTheQuoteInside() {
        assertThat(DbVendor.MYSQL.quoteName("user")).isEqualTo("`user`");
        assertThat(DbVendor.PGSQL.quoteName("user")).isEqualTo("\"user\"");
        assertThat(DbVendor.SQLITE.quoteName("a\"b")).isEqualTo("\"a\"\"b\"");
        assertThat(DbVendor.MYSQL.quoteName("a`b")).isEqualTo("`a``b`");
    }
}
