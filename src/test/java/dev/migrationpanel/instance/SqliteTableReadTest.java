package dev.migrationpanel.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.migrationpanel.database.DatabaseException;
import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.database.TableFingerprints.Fingerprint;
import dev.migrationpanel.remote.SshConnector;
import dev.migrationpanel.remote.SshSession;
import dev.migrationpanel.remote.TestSshServer;

/**
 * A SQLite table's count and checksum, read with the machine's real sqlite3 over SSH (in-process server), is taken
 * only once two reads in a row agree: a write between two reads (a real sqlite3 writing right after a read, through a
 * wrapper first on the server's PATH) gives the state after it; a table written after every read fails, saying so.
 */
class SqliteTableReadTest {

    @TempDir
    Path tmp;
    TestSshServer server;
    SshSession ssh;
    Path db;
    Path writes;

    @BeforeEach
    void start() throws Exception {
        db = tmp.resolve("app.sqlite");
        writes = tmp.resolve("writes-left");
        Files.writeString(writes, "0");
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path wrapper = bin.resolve("sqlite3");
        // the real sqlite3 reads; then, while writes are left, a real sqlite3 changes a row (a writer between reads)
        Files.writeString(wrapper, "#!/bin/sh\n/usr/bin/sqlite3 \"$@\"; code=$?\n"
                + "left=$(cat '" + writes + "'); if [ \"$left\" -gt 0 ]; then echo $((left - 1)) > '" + writes + "'; "
                + "/usr/bin/sqlite3 '" + db + "' \"UPDATE note SET body = body || '!' WHERE id = 1\"; fi\nexit $code\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        run("/usr/bin/sqlite3", db.toString(), "CREATE TABLE note (id integer primary key, body text);"
                + " INSERT INTO note (body) VALUES ('first'), ('line one\nline two'), (NULL);");
        server = TestSshServer.builder().user("deploy").password("pw-SqliteRead1").pathFirst(bin).start();
        ssh = new SshConnector(Duration.ofSeconds(10)).open(server.passwordTarget(server.hostKey()));
    }

    @AfterEach
    void stop() throws Exception {
        ssh.close();
        server.close();
    }

    private Fingerprint read() {
        return new SystemDbReader(null).sqliteFingerprint(ssh, Deployment.ON_HOST,
                new DbSettings(DbVendor.SQLITE, null, 0, null, null, null, db.toString()), "the test's file", "note",
                List.of("id", "body"));
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }

    @Test
    void anUnchangedTableReadsTheSameEachTime() {
        Fingerprint first = read();
        assertThat(first.rows()).isEqualTo(3);
        assertThat(read()).isEqualTo(first);
    }

    @Test
    void aWriteBetweenTwoReadsGivesTheStateAfterIt() throws Exception {
        Fingerprint before = read();
        Files.writeString(writes, "1");
        Logger logger = (Logger) LoggerFactory.getLogger(SystemDbReader.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        Fingerprint read;
        try {
            read = read();
        } finally {
            logger.detachAppender(logged);
        }
        assertThat(read.rows()).isEqualTo(3);
        assertThat(read).as("the state after the write, not the first read's").isNotEqualTo(before);
        // the warning says where the two reads parted (line 2 of the output: "1,'first'" then "1,'first!'"), never what
        assertThat(logged.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                .contains("Two reads in a row of SQLite table note", "output line 2 of 5 first differs: 9 bytes, then 10 bytes")
                .doesNotContain("first!");
        Files.writeString(writes, "0");
        assertThat(read()).isEqualTo(read);
    }

    @Test
    void outputLinesSayWhereTwoReadsPart() {
        SystemDbReader.OutputLines a = lines("3", "1,'a'", "2,'b'");
        assertThat(a.difference(lines("3", "1,'a'", "2,'b'"))).isEqualTo("no difference in the first 3 output lines");
        assertThat(a.difference(lines("3", "1,'a'", "2,'c'"))).isEqualTo("output line 3 of 3 first differs: 5 bytes, then 5 bytes");
        assertThat(a.difference(lines("3", "1,'a'"))).isEqualTo("the same first 2 output lines, then 2 lines instead of 3");
        assertThat(a.difference(lines("3", "1,'a", "'", "2,'b'"))).isEqualTo(
                "output line 2 of 3 first differs: 5 bytes, then 4 bytes; then 4 lines");
    }

    private static SystemDbReader.OutputLines lines(String... text) {
        SystemDbReader.OutputLines lines = new SystemDbReader.OutputLines();
        for (String line : text) {
            lines.add(line.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return lines;
    }

    @Test
    void aTableWrittenAfterEveryReadFailsSayingSo() throws Exception {
        Files.writeString(writes, "100");
        assertThatThrownBy(this::read).isInstanceOf(DatabaseException.class)
                .hasMessageContaining("Table note of the test's file read 4 times gave no two alike in a row");
    }
}
