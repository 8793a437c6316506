package dev.migrationpanel.remote;

import com.jcraft.jsch.Channel;
import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.SftpException;
import com.jcraft.jsch.SftpProgressMonitor;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import dev.migrationpanel.remote.RemoteException.Kind;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A logged-in SSH connection. Not meant to be shared by threads running commands at the same time. */
public class SshSession implements AutoCloseable {

    /** Each of stdout and stderr is kept up to this many bytes by {@link #run}. */
    public static final int OUTPUT_CAP_BYTES = 1024 * 1024;
    /** Appended to a stream that was cut at {@link #OUTPUT_CAP_BYTES}. */
    public static final String TRUNCATION_MARKER = "\n[... output truncated at 1 MiB ...]";
    /** Longest line {@link #stream} delivers; a longer one is delivered in pieces. */
    static final int MAX_LINE_BYTES = 1024 * 1024;

    private static final int CHANNEL_OPEN_TIMEOUT_MILLIS = 10_000;

    private final Session session;
    private final Set<LocalTunnel> tunnels = ConcurrentHashMap.newKeySet();
    private final HostKey hostKey;
    private final String address;

    SshSession(Session session, HostKey hostKey, String address) {
        this.session = session;
        this.hostKey = hostKey;
        this.address = address;
    }

    /** The host key the server presented (equal to the pinned one). */
    public HostKey hostKey() {
        return hostKey;
    }

    public boolean isConnected() {
        return session.isConnected();
    }

    /**
     * Runs a command line (interpreted by the remote user's shell) and collects its output.
     *
     * @throws RemoteException COMMAND_TIMEOUT (the channel is closed), CHANNEL_FAILED or DISCONNECTED
     */
    public CommandResult run(String command, Duration timeout) {
        CappedBuffer out = new CappedBuffer(OUTPUT_CAP_BYTES);
        CappedBuffer err = new CappedBuffer(OUTPUT_CAP_BYTES);
        int exit = execute(command, InputStream.nullInputStream(), timeout, out, err, null, null, null, null);
        return new CommandResult(exit, out.text(), err.text());
    }

    /**
     * Runs a command line and hands each output line to the listener as it arrives, on this thread,
     * in the order the lines arrived.
     *
     * @return the exit code
     */
    public int stream(String command, Duration timeout, LineListener listener) {
        Objects.requireNonNull(listener, "listener");
        BlockingQueue<Object[]> lines = new LinkedBlockingQueue<>();
        LineSplitter out = new LineSplitter(LineListener.Stream.STDOUT, lines);
        LineSplitter err = new LineSplitter(LineListener.Stream.STDERR, lines);
        return execute(command, InputStream.nullInputStream(), timeout, out, err, lines, listener, null, null);
    }

    /**
     * Like {@link #stream}, but the command runs in a process group of its own ({@code setsid}), so that a
     * cancel or a timeout stops it and every process it started, not just the SSH channel. The command is
     * run by {@code sh -c}.
     *
     * @param cancelled polled while the command runs; true stops the process group and throws CANCELLED
     */
    public int streamInProcessGroup(String command, Duration timeout, LineListener listener, BooleanSupplier cancelled) {
        return streamInProcessGroup(command, "", timeout, listener, cancelled);
    }

    /**
     * As above, with {@code stdin} fed to the command's standard input (then end-of-file): the way to hand a
     * command a secret without putting it on a command line, where other users of the host could read it.
     */
    public int streamInProcessGroup(String command, String stdin, Duration timeout, LineListener listener,
                                    BooleanSupplier cancelled) {
        Objects.requireNonNull(stdin, "stdin");
        return streamInProcessGroup(command, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), null,
                timeout, listener, cancelled);
    }

    /**
     * As above, for a command that moves data: its standard input is read from {@code stdin} until that ends
     * (a read that fails sends no end-of-file, so the command is left waiting until it is stopped, never told
     * its input is complete), and its standard output goes unsplit to {@code stdout}, or as lines to the
     * listener when that is null. {@code stdout} is written from the connection's own thread: while a write
     * blocks, nothing else arrives on this session.
     */
    public int streamInProcessGroup(String command, InputStream stdin, OutputStream stdout, Duration timeout,
                                    LineListener listener, BooleanSupplier cancelled) {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(stdin, "stdin");
        ProcessGroup group = new ProcessGroup(listener);
        BlockingQueue<Object[]> lines = new LinkedBlockingQueue<>();
        OutputStream out = stdout != null ? stdout : new LineSplitter(LineListener.Stream.STDOUT, lines);
        LineSplitter err = new LineSplitter(LineListener.Stream.STDERR, lines);
        return execute(ProcessGroup.wrap(command), stdin, timeout, out, err, lines, group, cancelled, group::kill);
    }

    /** Learns the group id the wrapper prints first on stderr, and kills that group on demand. */
    private final class ProcessGroup implements LineListener {
        static final String MARKER = "\u001ePANEL-PGID ";
        private final LineListener downstream;
        private volatile String pgid;

        ProcessGroup(LineListener downstream) {
            this.downstream = downstream;
        }

        static String wrap(String command) {
            String script = "printf '\\036PANEL-PGID %s\\n' \"$$\" >&2; exec sh -c \"$1\"";
            return "exec setsid -w sh -c " + ShellQuote.quote(script) + " panel-step " + ShellQuote.quote(command);
        }

        @Override
        public void line(Stream stream, String line) {
            if (pgid == null && stream == Stream.STDERR && line.startsWith(MARKER)) {
                String id = line.substring(MARKER.length()).trim();
                pgid = id.matches("\\d+") ? id : null;
                return;
            }
            downstream.line(stream, line);
        }

        void kill() {
            String id = pgid;
            if (id == null || !session.isConnected()) {
                return;
            }
            // `kill -SIG -PGID`, not `kill -SIG -- -PGID`: dash (Debian's /bin/sh) takes no `--` and would kill nothing
            String script = "kill -TERM -" + id + " 2>/dev/null; i=0; while [ $i -lt 5 ]; do kill -0 -" + id
                    + " 2>/dev/null || exit 0; sleep 1; i=$((i+1)); done; kill -KILL -" + id + " 2>/dev/null; exit 0";
            try {
                run(script, Duration.ofSeconds(15));
            } catch (RemoteException ignored) {
                // the connection went away: nothing more the panel can do from here
            }
        }
    }

    private int execute(String command, InputStream stdin, Duration timeout, OutputStream out, OutputStream err,
                        BlockingQueue<Object[]> lines, LineListener listener, BooleanSupplier cancelled,
                        Runnable stopRemote) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        ChannelExec channel = openExec(command, stdin, out, err, timeout);
        try {
            while (true) {
                if (lines != null) {
                    drain(lines, listener);
                }
                if (channel.isClosed()) {
                    break;
                }
                if (!session.isConnected()) {
                    throw new RemoteException(Kind.DISCONNECTED, "The SSH connection to " + address + " was lost while a command was running");
                }
                if (cancelled != null && cancelled.getAsBoolean()) {
                    awaitGroup(channel, lines, listener);
                    stopRemote.run();
                    channel.disconnect();
                    throw new RemoteException(Kind.CANCELLED, "Cancelled: the remote command and the processes it started were stopped");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    if (stopRemote != null) {
                        awaitGroup(channel, lines, listener);
                        stopRemote.run();
                    }
                    try {
                        channel.sendSignal("KILL");
                    } catch (Exception ignored) {
                        // not every server supports signals; closing the channel is what counts
                    }
                    channel.disconnect();
                    throw new RemoteException(Kind.COMMAND_TIMEOUT,
                            "Command did not finish within " + SshConnector.seconds(timeout));
                }
                long waitNanos = Math.min(left, TimeUnit.MILLISECONDS.toNanos(20));
                if (lines != null) {
                    Object[] next = lines.poll(waitNanos, TimeUnit.NANOSECONDS);
                    if (next != null) {
                        deliver(next, listener);
                    }
                } else {
                    TimeUnit.NANOSECONDS.sleep(waitNanos);
                }
            }
            if (out instanceof LineSplitter o) {
                o.finish();
            }
            if (err instanceof LineSplitter e) {
                e.finish();
            }
            if (lines != null) {
                drain(lines, listener);
            }
            int exit = channel.getExitStatus();
            // no exit status: the connection died under the command (given a moment to notice) or the server sent none
            if (exit < 0 && !stillConnected()) {
                throw new RemoteException(Kind.DISCONNECTED, "The SSH connection to " + address + " was lost while a command was running");
            }
            return exit;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channel.disconnect();
            throw new RemoteException(Kind.CHANNEL_FAILED, "Interrupted while waiting for a remote command", e);
        } finally {
            channel.disconnect();
        }
    }

    /** Waits before each further try of a channel the server refused (the command did not start: trying again is safe). */
    private static final long[] CHANNEL_RETRY_MILLIS = {250, 1_000};

    private ChannelExec openExec(String command, InputStream stdin, OutputStream out, OutputStream err, Duration timeout) {
        long openMillis = Math.max(1, Math.min(timeout.toMillis(), 30_000));
        for (int attempt = 0; ; attempt++) {
            if (!session.isConnected()) {
                throw new RemoteException(Kind.DISCONNECTED, "The SSH connection to " + address + " is closed");
            }
            ChannelExec channel;
            try {
                channel = (ChannelExec) session.openChannel("exec");
            } catch (JSchException e) {
                throw new RemoteException(session.isConnected() ? Kind.CHANNEL_FAILED : Kind.DISCONNECTED,
                        "Could not open a command channel on " + address, e);
            }
            channel.setCommand(command.getBytes(StandardCharsets.UTF_8));
            // stdin is what the caller gave (usually nothing), then end-of-file, like `ssh host cmd < file`
            channel.setInputStream(stdin);
            channel.setOutputStream(out, true);
            channel.setErrStream(err, true);
            try {
                channel.connect((int) openMillis);
                return channel;
            } catch (JSchException e) {
                FailedStart failed = FailedStart.of(e);
                if (failed == FailedStart.AFTER_ACCEPTED && channel.getExitStatus() >= 0) {
                    // the command ran and ended before JSch started its stdin thread (the close, handled on the
                    // connection's thread, cleared it): its output and exit status are in, so this is its one run
                    return channel;
                }
                channel.disconnect();
                if (!stillConnected()) {
                    throw new RemoteException(Kind.DISCONNECTED, "The SSH connection to " + address
                            + " was lost before a command could start", e);
                }
                if (failed == FailedStart.UNANSWERED) {
                    throw new RemoteException(Kind.CHANNEL_FAILED, "The SSH server at " + address + " did not answer a "
                            + "command request within " + SshConnector.seconds(Duration.ofMillis(openMillis))
                            + "; it may have started it, so it was not sent again", e);
                }
                if (failed == FailedStart.AFTER_ACCEPTED) {
                    throw new RemoteException(Kind.CHANNEL_FAILED, "The SSH client failed after the server at " + address
                            + " accepted a command (" + e.getMessage() + "); it may be running, so it was not sent again", e);
                }
                // refused before the command started (no channel, or the exec request failed: a server that could
                // not fork, or at its session limit for a moment), so stdin is untouched and a new try runs it once
                if (attempt == CHANNEL_RETRY_MILLIS.length) {
                    throw new RemoteException(Kind.CHANNEL_FAILED, "The SSH server at " + address
                            + " refused to run a command (" + (attempt + 1) + " tries; " + e.getMessage() + ")", e);
                }
                pause(CHANNEL_RETRY_MILLIS[attempt]);
            }
        }
    }

    /**
     * How starting a command failed, from JSch's exception: only a refusal (no channel, or the exec request
     * answered with a failure) proves the command did not start and may be sent again. Lab runs under load met
     * the third kind: JSch failing after the server accepted the request (its stdin thread cleared by the close of a
     * command that had already ended), which a retry ran a second time, its output added to the first's.
     */
    enum FailedStart {
        /** Refused before the command started: a new try runs it once. */
        REFUSED,
        /** The request was sent and not answered in time: the server may be running it. */
        UNANSWERED,
        /** Any other failure comes after the request was accepted: the command ran or is running. */
        AFTER_ACCEPTED;

        static FailedStart of(JSchException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("request: timeout")) {
                return UNANSWERED;
            }
            // JSch's words for a channel the server did not open and for an exec request it answered with a failure
            if (e.getCause() == null && (message.equals("channel is not opened.")
                    || message.equals("failed to send channel request"))) {
                return REFUSED;
            }
            return AFTER_ACCEPTED;
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteException(Kind.CHANNEL_FAILED, "Interrupted while waiting to run a remote command", e);
        }
    }

    /**
     * Whether the connection is still up, given a moment to notice: a server that dies while a channel opens
     * fails the open before the connection's reader has seen the end of the stream.
     */
    private boolean stillConnected() {
        for (int i = 0; i < 10 && session.isConnected(); i++) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return session.isConnected();
    }

    /**
     * Delivers the lines so far and, for a command stopped right after it started, waits (briefly) for its
     * process group id: without it the kill cannot be sent, and closing the channel alone would hand the
     * command the end of its input instead of stopping it.
     */
    private static void awaitGroup(ChannelExec channel, BlockingQueue<Object[]> lines, LineListener listener)
            throws InterruptedException {
        drain(lines, listener);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (listener instanceof ProcessGroup group && group.pgid == null && !channel.isClosed()
                && System.nanoTime() < until) {
            Object[] next = lines.poll(20, TimeUnit.MILLISECONDS);
            if (next != null) {
                deliver(next, listener);
            }
        }
    }

    private static void drain(BlockingQueue<Object[]> lines, LineListener listener) {
        Object[] next;
        while ((next = lines.poll()) != null) {
            deliver(next, listener);
        }
    }

    private static void deliver(Object[] entry, LineListener listener) {
        listener.line((LineListener.Stream) entry[0], (String) entry[1]);
    }

    /**
     * Forwards 127.0.0.1:(ephemeral port) to remoteHost:remotePort as seen from the SSH server
     * (SSH "direct-tcpip" channels, like {@code ssh -L}). Closing the tunnel stops listening and
     * ends the connections made through it; closing the session closes its tunnels.
     */
    public Tunnel forward(String remoteHost, int remotePort) {
        Objects.requireNonNull(remoteHost, "remoteHost");
        if (remotePort < 1 || remotePort > 65535) {
            throw new IllegalArgumentException("remotePort must be between 1 and 65535");
        }
        if (!session.isConnected()) {
            throw new RemoteException(Kind.DISCONNECTED, "The SSH connection to " + address + " is closed");
        }
        ServerSocket listener;
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new RemoteException(Kind.CHANNEL_FAILED, "Could not listen on a local port for a tunnel to "
                    + remoteHost + ":" + remotePort, e);
        }
        LocalTunnel tunnel = new LocalTunnel(listener, remoteHost, remotePort);
        tunnels.add(tunnel);
        tunnel.start();
        return tunnel;
    }

    /** Size in bytes of a remote file, by SFTP. */
    public long sizeOf(String remotePath) {
        return sftp(remotePath, new LocalSide(), sftp -> sftp.stat(remotePath).getSize());
    }

    /**
     * Streams a remote file into {@code out} by SFTP, never holding it whole in memory.
     *
     * @return the number of bytes moved
     * @throws RemoteException TRANSFER_FAILED (missing file, no permission), DISCONNECTED, CANCELLED
     */
    public long download(String remotePath, OutputStream out, TransferProgress progress) {
        Counting monitor = new Counting(progress);
        LocalSide local = new LocalSide();
        OutputStream guarded = new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                local.guard(() -> out.write(b, off, len));
            }

            @Override
            public void write(int b) throws IOException {
                local.guard(() -> out.write(b));
            }
        };
        try {
            sftp(remotePath, local, sftp -> {
                sftp.get(remotePath, guarded, monitor);
                return null;
            });
        } catch (RemoteException e) {
            monitor.throwIfStopped();
            throw e;
        }
        monitor.throwIfStopped();
        return monitor.bytes;
    }

    /** Streams {@code in} into a remote file by SFTP (created or replaced). */
    public long upload(InputStream in, String remotePath, TransferProgress progress) {
        Counting monitor = new Counting(progress);
        LocalSide local = new LocalSide();
        InputStream guarded = new java.io.FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int[] n = {0};
                local.guard(() -> n[0] = in.read(b, off, len));
                return n[0];
            }

            @Override
            public int read() throws IOException {
                int[] n = {0};
                local.guard(() -> n[0] = in.read());
                return n[0];
            }
        };
        try {
            sftp(remotePath, local, sftp -> {
                sftp.put(guarded, remotePath, monitor, ChannelSftp.OVERWRITE);
                return null;
            });
        } catch (RemoteException e) {
            monitor.throwIfStopped();
            throw e;
        }
        monitor.throwIfStopped();
        return monitor.bytes;
    }

    private interface SftpWork<T> {
        T apply(ChannelSftp sftp) throws SftpException;
    }

    /** Remembers a failure of the panel's own stream, so it is not blamed on the connection. */
    private static final class LocalSide {
        interface Io {
            void run() throws IOException;
        }

        volatile IOException failure;

        void guard(Io io) throws IOException {
            try {
                io.run();
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }
    }

    private <T> T sftp(String remotePath, LocalSide local, SftpWork<T> work) {
        if (!session.isConnected()) {
            throw new RemoteException(Kind.DISCONNECTED, "The SSH connection to " + address + " is closed");
        }
        ChannelSftp sftp;
        try {
            sftp = (ChannelSftp) session.openChannel("sftp");
            sftp.connect(CHANNEL_OPEN_TIMEOUT_MILLIS);
        } catch (JSchException e) {
            throw new RemoteException(session.isConnected() ? Kind.CHANNEL_FAILED : Kind.DISCONNECTED,
                    "The SSH server at " + address + " refused an SFTP channel", e);
        }
        try {
            return work.apply(sftp);
        } catch (SftpException e) {
            if (local.failure != null) {
                throw new RemoteException(Kind.LOCAL_FAILED, "Transfer of " + remotePath + " failed on the panel's side: "
                        + oneLine(local.failure.getMessage()), local.failure);
            }
            if (!session.isConnected() || e.getCause() instanceof IOException) {
                String reason = e.getCause() == null ? "" : " (" + oneLine(e.getCause().getMessage()) + ")";
                throw new RemoteException(Kind.DISCONNECTED,
                        "The SSH connection to " + address + " was lost during the transfer of " + remotePath + reason, e);
            }
            String reason = switch (e.id) {
                case ChannelSftp.SSH_FX_NO_SUCH_FILE -> "no such file";
                case ChannelSftp.SSH_FX_PERMISSION_DENIED -> "permission denied";
                default -> e.getCause() instanceof IOException io && io.getMessage() != null
                        ? io.getMessage() : "SFTP error " + e.id;
            };
            throw new RemoteException(Kind.TRANSFER_FAILED, "Transfer of " + remotePath + " on " + address
                    + " failed: " + reason, e);
        } finally {
            sftp.disconnect();
        }
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    /** Counts bytes for the caller and lets it stop the transfer. */
    private static final class Counting implements SftpProgressMonitor {
        private final TransferProgress progress;
        volatile long bytes;
        volatile boolean stopped;

        Counting(TransferProgress progress) {
            this.progress = progress == null ? TransferProgress.NONE : progress;
        }

        @Override
        public void init(int op, String src, String dest, long max) {
            // size is known to the caller already
        }

        @Override
        public boolean count(long count) {
            bytes += count;
            if (!progress.transferred(bytes)) {
                stopped = true;
            }
            return !stopped;
        }

        @Override
        public void end() {
            // nothing to release
        }

        void throwIfStopped() {
            if (stopped) {
                throw new RemoteException(Kind.CANCELLED, "Cancelled: the transfer was stopped after " + bytes + " bytes");
            }
        }
    }

    /** Disconnects; also closes every tunnel of this session. Idempotent. */
    @Override
    public void close() {
        for (LocalTunnel tunnel : List.copyOf(tunnels)) {
            tunnel.close();
        }
        session.disconnect();
    }

    @Override
    public String toString() {
        return "SshSession[" + address + ", " + (session.isConnected() ? "connected" : "closed") + "]";
    }

    private final class LocalTunnel implements Tunnel {
        private final ServerSocket listener;
        private final String remoteHost;
        private final int remotePort;
        private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
        private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
        private final Thread acceptor;
        private volatile boolean closed;

        LocalTunnel(ServerSocket listener, String remoteHost, int remotePort) {
            this.listener = listener;
            this.remoteHost = remoteHost;
            this.remotePort = remotePort;
            this.acceptor = new Thread(this::acceptLoop, "ssh-tunnel-" + listener.getLocalPort());
            this.acceptor.setDaemon(true);
        }

        void start() {
            acceptor.start();
        }

        private void acceptLoop() {
            while (!closed) {
                Socket socket;
                try {
                    socket = listener.accept();
                } catch (IOException e) {
                    return;
                }
                // forget connections that have ended (a tunnel may live as long as a connection pool)
                sockets.removeIf(Socket::isClosed);
                channels.removeIf(Channel::isClosed);
                sockets.add(socket);
                if (closed) {
                    closeQuietly(socket);
                    return;
                }
                Thread opener = new Thread(() -> open(socket), "ssh-tunnel-conn-" + listener.getLocalPort());
                opener.setDaemon(true);
                opener.start();
            }
        }

        private void open(Socket socket) {
            Channel channel = null;
            try {
                socket.setTcpNoDelay(true);
                channel = session.getStreamForwarder(remoteHost, remotePort);
                channel.setInputStream(socket.getInputStream());
                channel.setOutputStream(socket.getOutputStream());
                channels.add(channel);
                channel.connect(CHANNEL_OPEN_TIMEOUT_MILLIS);
                if (closed) {
                    channel.disconnect();
                }
            } catch (JSchException | IOException | RuntimeException e) {
                // the remote side refused the connection: the local client sees it closed
                if (channel != null) {
                    channel.disconnect();
                    channels.remove(channel);
                }
                closeQuietly(socket);
                sockets.remove(socket);
            }
        }

        @Override
        public int localPort() {
            return listener.getLocalPort();
        }

        @Override
        public String remoteHost() {
            return remoteHost;
        }

        @Override
        public int remotePort() {
            return remotePort;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                listener.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            try {
                // the port is really free only once the blocked accept() has returned
                acceptor.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (Channel channel : channels) {
                channel.disconnect();
            }
            for (Socket socket : sockets) {
                closeQuietly(socket);
            }
            tunnels.remove(this);
        }

        @Override
        public String toString() {
            return "Tunnel[127.0.0.1:" + localPort() + " -> " + remoteHost + ":" + remotePort + " via " + address + "]";
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** Keeps the first {@code cap} bytes and counts the rest. Written by JSch's session thread. */
    static final class CappedBuffer extends OutputStream {
        private final int cap;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private boolean truncated;

        CappedBuffer(int cap) {
            this.cap = cap;
        }

        @Override
        public synchronized void write(int b) {
            if (bytes.size() < cap) {
                bytes.write(b);
            } else {
                truncated = true;
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            int room = cap - bytes.size();
            if (len > room) {
                truncated = true;
            }
            int n = Math.max(0, Math.min(room, len));
            bytes.write(b, off, n);
        }

        synchronized String text() {
            String s = bytes.toString(StandardCharsets.UTF_8);
            return truncated ? s + TRUNCATION_MARKER : s;
        }
    }

    /** Splits bytes into UTF-8 lines and queues them for the caller's thread. */
    static final class LineSplitter extends OutputStream {
        private final LineListener.Stream stream;
        private final BlockingQueue<Object[]> queue;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineSplitter(LineListener.Stream stream, BlockingQueue<Object[]> queue) {
            this.stream = stream;
            this.queue = queue;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                emit();
            } else {
                line.write(b);
                if (line.size() >= MAX_LINE_BYTES) {
                    emit();
                }
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            int start = off;
            int end = off + len;
            for (int i = off; i < end; i++) {
                if (b[i] == '\n') {
                    line.write(b, start, i - start);
                    emit();
                    start = i + 1;
                } else if (line.size() + (i - start) >= MAX_LINE_BYTES) {
                    line.write(b, start, i - start);
                    emit();
                    start = i;
                }
            }
            line.write(b, start, end - start);
        }

        private void emit() {
            byte[] data = line.toByteArray();
            line.reset();
            int n = data.length;
            if (n > 0 && data[n - 1] == '\r') {
                n--;
            }
            queue.add(new Object[] {stream, new String(data, 0, n, StandardCharsets.UTF_8)});
        }

        /** Emits a last line that had no terminator. */
        synchronized void finish() {
            if (line.size() > 0) {
                emit();
            }
        }
    }
}
