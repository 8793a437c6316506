package dev.migrationpanel.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one line a failed command's outcome quotes is the one that says what went wrong. */
class RemoteCommandExecutorTest {

    private static String kept(String... stderr) {
        String kept = null;
        for (String line : stderr) {
            if (RemoteCommandExecutor.explains(line, kept)) {
                kept = line;
            }
        }
        return kept;
    }

    @Test
    void sqlitesPointerUnderTheStatementIsNotTheReason() {
        assertThat(kept("Parse error near line 12: table zz_extra already exists",
                "  CREATE TABLE zz_extra (id INTEGER PRIMARY KEY);", "               ^--- error here"))
                .isEqualTo("Parse error near line 12: table zz_extra already exists");
    }

    @Test
    void theLastErrorLineWinsAndPlainLinesCountWhenNoneNamesAnError() {
        assertThat(kept("warning: x", "ERROR 1050 (42S01) at line 30: Table 'zz' already exists", "  hint: y"))
                .isEqualTo("ERROR 1050 (42S01) at line 30: Table 'zz' already exists");
        assertThat(kept("cannot open file", "No such file or directory")).isEqualTo("No such file or directory");
    }

    @Test
    void aBareErrnoGetsItsMeaning() {
        assertThat(RemoteCommandExecutor.withErrnoName("mysqldump: Got errno 28 on write"))
                .isEqualTo("mysqldump: Got errno 28 on write (no space left on device)");
        assertThat(RemoteCommandExecutor.withErrnoName("cp: error writing 'x': No space left on device (errno 28)"))
                .isEqualTo("cp: error writing 'x': No space left on device (errno 28)");
        assertThat(RemoteCommandExecutor.withErrnoName("exit 28")).isEqualTo("exit 28");
    }
}
