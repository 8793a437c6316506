package dev.migrationpanel.remote;

import dev.migrationpanel.remote.RemoteException.Kind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class SshSessionTest {

    private static final Duration RUN = Duration.ofSeconds(10);
    private static TestSshServer server;
    private static SshSession session;

    @BeforeAll
    static void start() throws Exception {
        server = TestSshServer.startDefault("deploy", "session-test-pw");
        session = new SshConnector(Duration.ofSeconds(10)).open(server.passwordTarget(server.hostKey()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (session != null) {
            session.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void collectsStdoutStderrAndExitCode() {
        CommandResult result = session.run("echo out; echo err >&2; echo more-err >&2; exit 3", RUN);
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.ok()).isFalse();
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("err\nmore-err\n");
    }

    @Test
    void aCommandTheServerRefusedForAMomentIsTriedAgainAndRunsOnce() throws Exception {
        try (TestSshServer refusing = TestSshServer.builder().user("deploy").password("pw").refuseCommands(2).start();
             SshSession s = new SshConnector(Duration.ofSeconds(10)).open(refusing.passwordTarget(refusing.hostKey()))) {
            CommandResult result = s.run("cat; echo ran", RUN);
            assertThat(result.exitCode()).isZero();
            assertThat(result.stdout()).isEqualTo("ran\n");
        }
    }

    @Test
    void aCommandTheServerKeepsRefusingFailsWithTheServersReason() throws Exception {
        try (TestSshServer refusing = TestSshServer.builder().user("deploy").password("pw").refuseCommands(3).start();
             SshSession s = new SshConnector(Duration.ofSeconds(10)).open(refusing.passwordTarget(refusing.hostKey()))) {
            RemoteException e = catchThrowableOfType(RemoteException.class, () -> s.run("echo never", RUN));
            assertThat(e.kind()).isEqualTo(Kind.CHANNEL_FAILED);
            assertThat(e.getMessage()).contains("refused to run a command (3 tries;");
            assertThat(s.run("echo then", RUN).stdout()).as("the 4th request runs").isEqualTo("then\n");
        }
    }

    /**
     * Only JSch's two refusals prove a command did not start. Anything else (lab runs under load met a
     * NullPointerException from JSch's stdin thread, cleared by the close of a command that had already ended) comes
     * after the server accepted it: sent again, it ran twice, and its output was added to the first run's.
     */
    @Test
    void onlyARefusalLetsACommandBeSentAgain() {
        assertThat(SshSession.FailedStart.of(new com.jcraft.jsch.JSchException("channel is not opened.")))
                .isEqualTo(SshSession.FailedStart.REFUSED);
        assertThat(SshSession.FailedStart.of(new com.jcraft.jsch.JSchException("failed to send channel request")))
                .isEqualTo(SshSession.FailedStart.REFUSED);
        assertThat(SshSession.FailedStart.of(new com.jcraft.jsch.JSchException("channel request: timeout")))
                .isEqualTo(SshSession.FailedStart.UNANSWERED);
        NullPointerException npe = new NullPointerException("Cannot invoke \"java.lang.Thread.start()\" because \"this.thread\" is null");
        assertThat(SshSession.FailedStart.of(new com.jcraft.jsch.JSchException(npe.toString(), npe)))
                .isEqualTo(SshSession.FailedStart.AFTER_ACCEPTED);
        assertThat(SshSession.FailedStart.of(new com.jcraft.jsch.JSchException("something JSch did not say before")))
                .isEqualTo(SshSession.FailedStart.AFTER_ACCEPTED);
    }

    @Test
    void aCommandRequestLeftUnansweredIsNeverSentAgain(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path ran = tmp.resolve("ran");
        try (TestSshServer slow = TestSshServer.builder().user("deploy").password("pw")
                .answerCommandsAfter(Duration.ofMillis(1500)).start();
             SshSession s = new SshConnector(Duration.ofSeconds(10)).open(slow.passwordTarget(slow.hostKey()))) {
            RemoteException e = catchThrowableOfType(RemoteException.class,
                    () -> s.run("echo once >> " + ShellQuote.quote(ran.toString()), Duration.ofMillis(500)));
            assertThat(e.kind()).isEqualTo(Kind.CHANNEL_FAILED);
            assertThat(e.getMessage()).contains("did not answer a command request within").contains("not sent again");
            Thread.sleep(2500);
            assertThat(java.nio.file.Files.readAllLines(ran)).as("the server ran it, once").containsExactly("once");
        }
    }

    @Test
    void exitCodesArePassedThrough() {
        assertThat(session.run("true", RUN).exitCode()).isZero();
        assertThat(session.run("false", RUN).exitCode()).isEqualTo(1);
        assertThat(session.run("exit 42", RUN).exitCode()).isEqualTo(42);
        CommandResult missing = session.run("definitely-not-a-command-xyz", RUN);
        assertThat(missing.exitCode()).isEqualTo(127);
        assertThat(missing.stderr()).contains("not found");
    }

    @Test
    void outputIsUtf8() {
        CommandResult result = session.run("printf '%s' 'ünïcödé ✓ 漢字'", RUN);
        assertThat(result.stdout()).isEqualTo("ünïcödé ✓ 漢字");
    }

    @Test
    void commandsGetEndOfFileOnStdin() {
        long start = System.nanoTime();
        CommandResult result = session.run("cat; echo done", RUN);
        assertThat(result.stdout()).isEqualTo("done\n");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void bigOutputIsCappedWithAMarker() {
        CommandResult result = session.run("head -c 3000000 /dev/zero | tr '\\0' a; echo small >&2", Duration.ofSeconds(30));
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).endsWith(SshSession.TRUNCATION_MARKER);
        assertThat(result.stdout().length()).isEqualTo(SshSession.OUTPUT_CAP_BYTES + SshSession.TRUNCATION_MARKER.length());
        assertThat(result.stdout()).startsWith("aaaa");
        assertThat(result.stderr()).isEqualTo("small\n");
    }

    @Test
    void outputOfExactlyTheCapIsNotMarked() {
        CommandResult result = session.run("head -c " + SshSession.OUTPUT_CAP_BYTES + " /dev/zero | tr '\\0' b", Duration.ofSeconds(30));
        assertThat(result.stdout()).hasSize(SshSession.OUTPUT_CAP_BYTES).doesNotContain("truncated");
    }

    @Test
    void commandTimeoutClosesTheChannelAndKeepsTheSession() {
        long start = System.nanoTime();
        RemoteException e = catchThrowableOfType(RemoteException.class, () -> session.run("sleep 30", Duration.ofSeconds(1)));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(e.kind()).isEqualTo(Kind.COMMAND_TIMEOUT);
        assertThat(e.getMessage()).isEqualTo("Command did not finish within 1 s");
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(900)).isLessThan(Duration.ofSeconds(5));
        assertThat(session.run("echo still-alive", RUN).stdout()).isEqualTo("still-alive\n");
    }

    @Test
    void quietCommandsOutliveTheConnectTimeout() throws Exception {
        // the connect timeout must not turn into an idle-read limit for long, silent commands
        try (SshSession quick = new SshConnector(Duration.ofSeconds(1)).open(server.passwordTarget(server.hostKey()))) {
            CommandResult result = quick.run("sleep 4; echo woke", RUN);
            assertThat(result.stdout()).isEqualTo("woke\n");
            assertThat(quick.isConnected()).isTrue();
        }
    }

    @Test
    void streamDeliversLinesInOrderAsTheyArrive() {
        List<String> seen = new ArrayList<>();
        List<Long> at = new ArrayList<>();
        long start = System.nanoTime();
        int exit = session.stream(
                "echo out1; sleep 0.2; echo err1 >&2; sleep 0.2; echo out2; sleep 0.2; echo err2 >&2; sleep 1.5;"
                        + " printf 'crlf\\r\\n'; printf 'no-newline'; exit 7",
                RUN,
                (stream, line) -> {
                    seen.add(stream + ":" + line);
                    at.add(System.nanoTime() - start);
                });
        long total = System.nanoTime() - start;
        assertThat(exit).isEqualTo(7);
        assertThat(seen).containsExactly("STDOUT:out1", "STDERR:err1", "STDOUT:out2", "STDERR:err2", "STDOUT:crlf", "STDOUT:no-newline");
        // the first line was handed over long before the command finished
        assertThat(Duration.ofNanos(at.get(0))).isLessThan(Duration.ofNanos(total).minus(Duration.ofMillis(1200)));
    }

    @Test
    void streamListenerRunsOnTheCallersThread() {
        Thread caller = Thread.currentThread();
        List<Thread> threads = new ArrayList<>();
        int exit = session.stream("echo a; echo b >&2", RUN, (stream, line) -> threads.add(Thread.currentThread()));
        assertThat(exit).isZero();
        assertThat(threads).hasSize(2).containsOnly(caller);
    }

    @Test
    void streamTimesOut() {
        List<String> seen = new ArrayList<>();
        RemoteException e = catchThrowableOfType(RemoteException.class,
                () -> session.stream("echo before; sleep 30", Duration.ofSeconds(1), (s, line) -> seen.add(line)));
        assertThat(e.kind()).isEqualTo(Kind.COMMAND_TIMEOUT);
        assertThat(seen).containsExactly("before");
    }

    @Test
    void tunnelReachesAServiceOnTheRemoteSide() throws Exception {
        try (ServerSocket echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread echoThread = new Thread(() -> {
                try {
                    while (true) {
                        try (Socket s = echo.accept()) {
                            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                            PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
                            String line;
                            while ((line = in.readLine()) != null) {
                                out.println("echo:" + line);
                            }
                        }
                    }
                } catch (Exception ignored) {
                    // closed
                }
            });
            echoThread.setDaemon(true);
            echoThread.start();

            Tunnel tunnel = session.forward("127.0.0.1", echo.getLocalPort());
            assertThat(tunnel.localPort()).isPositive().isNotEqualTo(echo.getLocalPort());
            assertThat(tunnel.remotePort()).isEqualTo(echo.getLocalPort());
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), tunnel.localPort())) {
                s.setSoTimeout(5000);
                PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                out.println("ping");
                assertThat(in.readLine()).isEqualTo("echo:ping");
                out.println("ünïcödé");
                assertThat(in.readLine()).isEqualTo("echo:ünïcödé");
            }
            Socket open = new Socket(InetAddress.getLoopbackAddress(), tunnel.localPort());
            open.setSoTimeout(5000);
            PrintWriter openOut = new PrintWriter(open.getOutputStream(), true, StandardCharsets.UTF_8);
            openOut.println("still there?");
            assertThat(new BufferedReader(new InputStreamReader(open.getInputStream(), StandardCharsets.UTF_8)).readLine())
                    .isEqualTo("echo:still there?");

            tunnel.close();
            tunnel.close();
            // closing the tunnel frees the port at once and ends the connections made through it
            assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), tunnel.localPort()).close())
                    .isInstanceOf(ConnectException.class);
            assertThat(open.getInputStream().read()).isEqualTo(-1);
            open.close();
            // the session itself is still fine
            assertThat(session.run("echo after-tunnel", RUN).stdout()).isEqualTo("after-tunnel\n");
        }
    }

    @Test
    void tunnelToTheSshServersOwnPortSeesItsBanner() throws Exception {
        try (Tunnel tunnel = session.forward("127.0.0.1", server.port());
             Socket s = new Socket(InetAddress.getLoopbackAddress(), tunnel.localPort())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write("SSH-2.0-probe\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("SSH-2.0-");
        }
    }

    @Test
    void tunnelToAClosedRemotePortClosesTheLocalConnection() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (Tunnel tunnel = session.forward("127.0.0.1", closedPort);
             Socket s = new Socket(InetAddress.getLoopbackAddress(), tunnel.localPort())) {
            s.setSoTimeout(5000);
            int read;
            try {
                read = s.getInputStream().read();
            } catch (java.net.SocketException reset) {
                read = -1;
            }
            assertThat(read).isEqualTo(-1);
        }
        assertThat(session.run("echo ok", RUN).stdout()).isEqualTo("ok\n");
    }

    @Test
    void closingTheSessionClosesItsTunnels() throws Exception {
        SshSession own = new SshConnector(Duration.ofSeconds(10)).open(server.passwordTarget(server.hostKey()));
        Tunnel tunnel = own.forward("127.0.0.1", server.port());
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), tunnel.localPort())) {
            assertThat(s.isConnected()).isTrue();
        }
        own.close();
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), tunnel.localPort()).close())
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void closedSessionIsDisconnected() throws Exception {
        SshSession own = new SshConnector(Duration.ofSeconds(10)).open(server.passwordTarget(server.hostKey()));
        assertThat(own.isConnected()).isTrue();
        own.close();
        own.close();
        assertThat(own.isConnected()).isFalse();
        RemoteException e = catchThrowableOfType(RemoteException.class, () -> own.run("echo x", RUN));
        assertThat(e.kind()).isEqualTo(Kind.DISCONNECTED);
        RemoteException f = catchThrowableOfType(RemoteException.class, () -> own.forward("127.0.0.1", 80));
        assertThat(f.kind()).isEqualTo(Kind.DISCONNECTED);
    }

    @Test
    void serverGoingAwayMidCommandIsDisconnected() throws Exception {
        try (TestSshServer own = TestSshServer.startDefault("deploy", "pw-xyz")) {
            SshSession s = new SshConnector(Duration.ofSeconds(10)).open(own.passwordTarget(own.hostKey()));
            Thread killer = new Thread(() -> {
                try {
                    Thread.sleep(500);
                    own.close();
                } catch (Exception ignored) {
                    // test will fail on its own
                }
            });
            killer.start();
            RemoteException e = catchThrowableOfType(RemoteException.class, () -> s.run("sleep 20", Duration.ofSeconds(15)));
            killer.join();
            assertThat(e.kind()).isEqualTo(Kind.DISCONNECTED);
            s.close();
        }
    }
}
