package dev.migrationpanel.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Killing a remote command with all its children, and SFTP transfers, against a server running real commands. */
class ProcessGroupAndSftpTest {

    TestSshServer server;
    SshSession session;
    @TempDir
    Path tmp;

    @BeforeEach
    void connect() throws Exception {
        server = TestSshServer.startDefault("deploy", "pw-123456");
        session = new SshConnector(Duration.ofSeconds(10)).open(server.passwordTarget(server.hostKey()));
    }

    @AfterEach
    void close() throws Exception {
        session.close();
        server.close();
    }

    private static boolean alive(String pidFile) throws Exception {
        String pid = Files.readString(Path.of(pidFile)).trim();
        return new ProcessBuilder("kill", "-0", pid).start().waitFor() == 0;
    }

    @Test
    void aCancelledCommandTakesItsChildrenWithIt() throws Exception {
        Path child = tmp.resolve("child.pid");
        AtomicBoolean cancel = new AtomicBoolean();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread canceller = new Thread(() -> {
            try {
                while (!Files.exists(child) || Files.size(child) == 0) {
                    Thread.sleep(50);
                }
                Thread.sleep(200);
                cancel.set(true);
            } catch (Exception ignored) {
                // the test fails on its assertions
            }
        });
        canceller.start();
        // a child in the background that would outlive a mere channel close
        String command = "sleep 300 & echo $! > " + ShellQuote.quote(child.toString()) + "; echo started; wait";
        assertThatThrownBy(() -> session.streamInProcessGroup(command, Duration.ofSeconds(60),
                (stream, line) -> lines.add(line), cancel::get))
                .isInstanceOf(RemoteException.class)
                .satisfies(e -> assertThat(((RemoteException) e).kind()).isEqualTo(RemoteException.Kind.CANCELLED));
        canceller.join();
        assertThat(lines).containsExactly("started");
        long until = System.currentTimeMillis() + 10_000;
        while (alive(child.toString()) && System.currentTimeMillis() < until) {
            Thread.sleep(100);
        }
        assertThat(alive(child.toString())).as("the background child was killed").isFalse();
    }

    @Test
    void aTimeoutAlsoStopsTheGroupAndExitCodesComeThrough() throws Exception {
        Path child = tmp.resolve("child.pid");
        assertThatThrownBy(() -> session.streamInProcessGroup("sleep 300 & echo $! > " + ShellQuote.quote(child.toString())
                + "; wait", Duration.ofSeconds(2), (s, l) -> { }, () -> false))
                .satisfies(e -> assertThat(((RemoteException) e).kind()).isEqualTo(RemoteException.Kind.COMMAND_TIMEOUT));
        long until = System.currentTimeMillis() + 10_000;
        while (alive(child.toString()) && System.currentTimeMillis() < until) {
            Thread.sleep(100);
        }
        assertThat(alive(child.toString())).isFalse();

        List<String> out = new CopyOnWriteArrayList<>();
        int exit = session.streamInProcessGroup("echo 'a b'; echo oops >&2; exit 3", Duration.ofSeconds(10),
                (s, l) -> out.add(s + ":" + l), () -> false);
        assertThat(exit).isEqualTo(3);
        assertThat(out).containsExactlyInAnyOrder("STDOUT:a b", "STDERR:oops");
    }

    @Test
    void sftpMovesBytesBothWaysAndReportsProgress() throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(data);
        Path remote = tmp.resolve("up.bin");
        List<Long> progress = new CopyOnWriteArrayList<>();
        long sent = session.upload(new ByteArrayInputStream(data), remote.toString(), b -> progress.add(b));
        assertThat(sent).isEqualTo(data.length);
        assertThat(Files.readAllBytes(remote)).isEqualTo(data);
        assertThat(progress).isNotEmpty().isSorted();
        assertThat(session.sizeOf(remote.toString())).isEqualTo(data.length);

        ByteArrayOutputStream back = new ByteArrayOutputStream();
        assertThat(session.download(remote.toString(), back, TransferProgress.NONE)).isEqualTo(data.length);
        assertThat(back.toByteArray()).isEqualTo(data);
    }

    @Test
    void sftpFailuresAreOneLine() {
        assertThatThrownBy(() -> session.download(tmp.resolve("missing.bin").toString(), new ByteArrayOutputStream(),
                TransferProgress.NONE))
                .isInstanceOf(RemoteException.class)
                .hasMessageContaining("missing.bin").hasMessageContaining("no such file")
                .satisfies(e -> assertThat(((RemoteException) e).kind()).isEqualTo(RemoteException.Kind.TRANSFER_FAILED));
    }

    @Test
    void aTransferStoppedByTheCallerIsCancelled() throws Exception {
        byte[] data = new byte[4 * 1024 * 1024];
        Path remote = tmp.resolve("big.bin");
        Files.write(remote, data);
        assertThatThrownBy(() -> session.download(remote.toString(), new ByteArrayOutputStream(), bytes -> bytes < 100_000))
                .satisfies(e -> assertThat(((RemoteException) e).kind()).isEqualTo(RemoteException.Kind.CANCELLED));
    }
}
