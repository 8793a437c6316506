package dev.migrationpanel.restore;

import java.util.Objects;

/**
 * One table of a test-restore: its rows on the source as the dump recorded them, and in the scratch database after
 * the restore (null where the table is missing on that side).
 *
 * @param compared whether the dump recorded source counts to compare with
 */
public record TableCount(String table, Long source, Long restored, boolean compared) {

    /** Restored as the source held it (a table missing on either side differs); true when nothing is compared. */
    public boolean matches() {
        return !compared || Objects.equals(source, restored);
    }
}
