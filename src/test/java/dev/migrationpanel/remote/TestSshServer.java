package dev.migrationpanel.remote;

import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.UserAuthFactory;
import org.apache.sshd.server.auth.keyboard.UserAuthKeyboardInteractiveFactory;
import org.apache.sshd.server.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.forward.AcceptAllForwardingFilter;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-process SSH server (Apache MINA SSHD) on 127.0.0.1 that runs real commands with
 * {@code /bin/sh -c}, for tests of anything that talks SSH. Reusable by other packages' tests:
 *
 * <pre>{@code
 * try (TestSshServer server = TestSshServer.builder().hostKeyTypes(KeyType.ED25519)
 *         .user("deploy").password("secret").authorizedKey(publicKeyLine).start()) {
 *     SshTarget target = server.passwordTarget(server.hostKey());
 *     ...
 * }
 * }</pre>
 */
public final class TestSshServer implements AutoCloseable {

    public enum KeyType {
        ED25519(KeyPairProvider.SSH_ED25519, 256),
        ECDSA(KeyPairProvider.ECDSA_SHA2_NISTP256, 256),
        RSA(KeyPairProvider.SSH_RSA, 2048);

        private final String sshName;
        private final int bits;

        KeyType(String sshName, int bits) {
            this.sshName = sshName;
            this.bits = bits;
        }

        /** The SSH key type name, e.g. {@code ssh-ed25519}. */
        public String sshName() {
            return sshName;
        }

        /** The {@code ssh-keygen -t} argument. */
        public String keygenName() {
            return switch (this) {
                case ED25519 -> "ed25519";
                case ECDSA -> "ecdsa";
                case RSA -> "rsa";
            };
        }

        public int bits() {
            return bits;
        }
    }

    private final SshServer sshd;
    private final List<KeyPair> hostKeyPairs;
    private final String user;
    private final String password;
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger sessions = new java.util.concurrent.atomic.AtomicInteger();

    private TestSshServer(SshServer sshd, List<KeyPair> hostKeyPairs, String user, String password) {
        this.sshd = sshd;
        this.hostKeyPairs = hostKeyPairs;
        this.user = user;
        this.password = password;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A server with an ed25519 host key and a password user, on an ephemeral port. */
    public static TestSshServer startDefault(String user, String password) throws IOException {
        return builder().user(user).password(password).start();
    }

    /** A fresh host key pair of the given type, generated in-process. */
    public static KeyPair generateKeyPair(KeyType type) {
        try {
            return KeyUtils.generateKeyPair(type.sshName(), type.bits());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot generate a " + type + " key", e);
        }
    }

    /** The SSH blob of a public key as a {@link HostKey}. */
    public static HostKey hostKeyOf(PublicKey key) {
        ByteArrayBuffer buffer = new ByteArrayBuffer();
        buffer.putRawPublicKey(key);
        return HostKey.fromBlob(buffer.getCompactData());
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return sshd.getPort();
    }

    public String user() {
        return user;
    }

    /** How many SSH sessions clients have opened on this server since it started (each TCP connection counts). */
    public int sessionsOpened() {
        return sessions.get();
    }

    public String password() {
        return password;
    }

    /** The first host key (the only one unless several types were configured). */
    public HostKey hostKey() {
        return hostKeyOf(hostKeyPairs.get(0).getPublic());
    }

    /** Every host key, in configuration order. */
    public List<HostKey> hostKeys() {
        List<HostKey> keys = new ArrayList<>();
        for (KeyPair kp : hostKeyPairs) {
            keys.add(hostKeyOf(kp.getPublic()));
        }
        return keys;
    }

    public HostKey hostKey(KeyType type) {
        for (HostKey key : hostKeys()) {
            if (key.type().equals(type.sshName())) {
                return key;
            }
        }
        throw new IllegalArgumentException("The server has no " + type + " host key");
    }

    public List<KeyPair> hostKeyPairs() {
        return List.copyOf(hostKeyPairs);
    }

    /** The first host key as an OpenSSH {@code .pub} line, written by MINA (not by the code under test). */
    public String hostPublicKeyLine() {
        return PublicKeyEntry.toString(hostKeyPairs.get(0).getPublic()) + " test-host-key";
    }

    /** Writes {@link #hostPublicKeyLine()} to a file, e.g. for {@code ssh-keygen -lf}. */
    public Path writeHostPublicKey(Path file) throws IOException {
        Files.writeString(file, hostPublicKeyLine() + "\n", StandardCharsets.UTF_8);
        return file;
    }

    /** A target for the password user. */
    public SshTarget passwordTarget(HostKey pinned) {
        return new SshTarget(host(), port(), user, new SshAuth.Password(password), pinned);
    }

    public SshTarget target(SshAuth auth, HostKey pinned) {
        return new SshTarget(host(), port(), user, auth, pinned);
    }

    @Override
    public void close() throws IOException {
        try {
            sshd.stop(true);
        } finally {
            for (Process p : processes) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    public static final class Builder {
        private final List<KeyPair> hostKeys = new ArrayList<>();
        private String user = "deploy";
        private String password;
        private final List<String> authorizedKeys = new ArrayList<>();
        private boolean keyboardInteractiveOnly;
        private int port;
        private int refusedCommands;
        private Path pathFirst;
        private Duration answerDelay = Duration.ZERO;

        private Builder() {
        }

        /** Generates one host key per type; the first is {@link #hostKey()}. Default: ed25519. */
        public Builder hostKeyTypes(KeyType... types) {
            Map<KeyType, KeyPair> generated = new EnumMap<>(KeyType.class);
            for (KeyType type : types) {
                hostKeys.add(generated.computeIfAbsent(type, TestSshServer::generateKeyPair));
            }
            return this;
        }

        /** Uses these host key pairs (e.g. to restart a server with the same or another key). */
        public Builder hostKeys(KeyPair... keys) {
            hostKeys.addAll(List.of(keys));
            return this;
        }

        public Builder user(String user) {
            this.user = Objects.requireNonNull(user);
            return this;
        }

        /** Enables password login (and keyboard-interactive) for the user with this password. */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /** Authorizes an OpenSSH public key line ({@code type base64 [comment]}) for the user. */
        public Builder authorizedKey(String publicKeyLine) {
            authorizedKeys.add(publicKeyLine.strip());
            return this;
        }

        /** Offers keyboard-interactive (answered with the password) but not the "password" method. */
        public Builder keyboardInteractiveOnly() {
            this.keyboardInteractiveOnly = true;
            return this;
        }

        /** A fixed port (e.g. the port of a server that was just stopped); default 0 = ephemeral. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Refuses the first {@code count} exec requests (the reply an OpenSSH server gives when it cannot fork a
         * session), then runs commands again.
         */
        public Builder refuseCommands(int count) {
            this.refusedCommands = count;
            return this;
        }

        /** Answers each command request only after {@code delay} (a server under load); the command runs anyway. */
        public Builder answerCommandsAfter(Duration delay) {
            this.answerDelay = delay;
            return this;
        }

        /** Commands find programs in {@code dir} before the machine's PATH (a test's wrapper around a real program). */
        public Builder pathFirst(Path dir) {
            this.pathFirst = dir;
            return this;
        }

        public TestSshServer start() throws IOException {
            if (hostKeys.isEmpty()) {
                hostKeyTypes(KeyType.ED25519);
            }
            List<PublicKey> authorized = new ArrayList<>();
            for (String line : authorizedKeys) {
                try {
                    authorized.add(AuthorizedKeyEntry.parseAuthorizedKeyEntry(line)
                            .resolvePublicKey(null, PublicKeyEntryResolver.FAILING));
                } catch (GeneralSecurityException e) {
                    throw new IOException("Cannot read authorized key " + line, e);
                }
            }
            SshServer sshd = SshServer.setUpDefaultServer();
            sshd.setHost("127.0.0.1");
            sshd.setPort(port);
            List<KeyPair> keys = List.copyOf(hostKeys);
            sshd.setKeyPairProvider(KeyPairProvider.wrap(keys));
            String theUser = user;
            String thePassword = password;
            sshd.setPasswordAuthenticator((u, p, session) ->
                    thePassword != null && theUser.equals(u) && thePassword.equals(p));
            sshd.setPublickeyAuthenticator((u, key, session) ->
                    theUser.equals(u) && authorized.stream().anyMatch(k -> KeyUtils.compareKeys(k, key)));
            List<UserAuthFactory> auths = new ArrayList<>();
            auths.add(UserAuthPublicKeyFactory.INSTANCE);
            if (!keyboardInteractiveOnly) {
                auths.add(UserAuthPasswordFactory.INSTANCE);
            }
            auths.add(UserAuthKeyboardInteractiveFactory.INSTANCE);
            sshd.setUserAuthFactories(auths);
            sshd.setForwardingFilter(AcceptAllForwardingFilter.INSTANCE);
            // SFTP on the real file system, paths as given (absolute paths work as on OpenSSH)
            sshd.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
            sshd.setFileSystemFactory(new VirtualFileSystemFactory(Path.of("/")));
            TestSshServer server = new TestSshServer(sshd, keys, user, password);
            java.util.concurrent.atomic.AtomicInteger refusals = new java.util.concurrent.atomic.AtomicInteger(refusedCommands);
            sshd.setCommandFactory((channel, command) -> {
                if (refusals.getAndDecrement() > 0) {
                    throw new IOException("refused by the test server: " + command);
                }
                if (!answerDelay.isZero()) {
                    try {
                        Thread.sleep(answerDelay.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return new ShellCommand(command, server.processes, pathFirst);
            });
            sshd.addSessionListener(new org.apache.sshd.common.session.SessionListener() {
                @Override
                public void sessionCreated(org.apache.sshd.common.session.Session session) {
                    server.sessions.incrementAndGet();
                }
            });
            sshd.start();
            return server;
        }
    }

    /** Runs {@code /bin/sh -c command} and wires its stdin/stdout/stderr/exit code to the channel. */
    static final class ShellCommand implements Command {
        private final String command;
        private final List<Process> processes;
        private InputStream in;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;
        private final Path pathFirst;
        private volatile Process process;

        ShellCommand(String command, List<Process> processes, Path pathFirst) {
            this.command = command;
            this.processes = processes;
            this.pathFirst = pathFirst;
        }

        @Override
        public void setInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }

        @Override
        public void start(ChannelSession channel, Environment env) throws IOException {
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command);
            if (pathFirst != null) {
                pb.environment().merge("PATH", pathFirst.toString(), (path, first) -> first + ":" + path);
            }
            Process p = pb.start();
            process = p;
            processes.add(p);
            Thread stdin = pump("stdin", in, p.getOutputStream(), true);
            stdin.setDaemon(true);
            Thread stdout = pump("stdout", p.getInputStream(), out, false);
            Thread stderr = pump("stderr", p.getErrorStream(), err, false);
            Thread waiter = new Thread(() -> {
                int code;
                try {
                    code = p.waitFor();
                    stdout.join();
                    stderr.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    code = 255;
                }
                processes.remove(p);
                exit.onExit(code);
            }, "test-sshd-wait");
            waiter.setDaemon(true);
            stdin.start();
            stdout.start();
            stderr.start();
            waiter.start();
        }

        private static Thread pump(String name, InputStream from, OutputStream to, boolean closeTarget) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[8192];
                try {
                    int n;
                    while ((n = from.read(buf)) >= 0) {
                        to.write(buf, 0, n);
                        to.flush();
                    }
                } catch (IOException e) {
                    // the other side went away
                } finally {
                    if (closeTarget) {
                        try {
                            to.close();
                        } catch (IOException ignored) {
                            // nothing to do
                        }
                    }
                }
            }, "test-sshd-" + name);
            t.setDaemon(true);
            return t;
        }

        @Override
        public void destroy(ChannelSession channel) {
            Process p = process;
            if (p != null && p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }
}
