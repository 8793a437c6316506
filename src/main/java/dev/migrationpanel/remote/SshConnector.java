package dev.migrationpanel.remote;

import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.KeyPair;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.UIKeyboardInteractive;
import com.jcraft.jsch.UserInfo;
import dev.migrationpanel.remote.RemoteException.Kind;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Opens SSH sessions with JSch. Host keys are checked strictly against {@link SshTarget#pinned()};
 * there is no known_hosts file and no trust-on-first-use: an unpinned host fails with
 * {@link Kind#HOST_KEY_UNKNOWN} carrying the presented key so that an admin can accept it.
 *
 * <p>The whole connect (TCP connect, SSH handshake, authentication) is bounded by the connect timeout.
 */
public class SshConnector {

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ssh-connect-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final Duration connectTimeout;

    public SshConnector(Duration connectTimeout) {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive");
        }
        this.connectTimeout = connectTimeout;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * Connects and logs in.
     *
     * @throws RemoteException of every kind but COMMAND_TIMEOUT and CHANNEL_FAILED
     */
    public SshSession open(SshTarget target) {
        Objects.requireNonNull(target, "target");
        JSch jsch = new JSch();
        PinnedHostKeyRepository hostKeys = new PinnedHostKeyRepository(target.pinned());
        jsch.setHostKeyRepository(hostKeys);

        SshAuth auth = target.auth();
        if (auth instanceof SshAuth.PrivateKey key) {
            addIdentity(jsch, key);
        }

        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, connectTimeout.toMillis()));
        Session session;
        try {
            session = jsch.getSession(target.username(), target.host(), target.port());
        } catch (JSchException e) {
            throw new RemoteException(Kind.DISCONNECTED, "Could not prepare an SSH session to " + target.address(), e);
        }
        session.setConfig("StrictHostKeyChecking", "yes");
        session.setConfig("HashKnownHosts", "no");
        if (target.pinned() != null) {
            session.setConfig("server_host_key", hostKeyPreference(target.pinned().type(), session.getConfig("server_host_key")));
        }
        if (auth instanceof SshAuth.Password password) {
            session.setConfig("PreferredAuthentications", "password,keyboard-interactive");
            // given through UserInfo only, so each method tries the password exactly once
            session.setUserInfo(new PasswordUserInfo(password.password()));
        } else {
            session.setConfig("PreferredAuthentications", "publickey");
            session.setUserInfo(new PasswordUserInfo(null));
        }

        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
            timedOut.set(true);
            session.disconnect();
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        try {
            // bounds every read during the handshake, and afterwards is the keep-alive interval
            session.setTimeout(timeoutMillis);
            session.connect(timeoutMillis);
            watchdog.cancel(false);
            if (timedOut.get()) {
                throw new JSchException("timeout: connect took too long");
            }
            // after login: send keep-alives when idle instead of failing the read
            session.setServerAliveInterval(timeoutMillis);
            session.setServerAliveCountMax(3);
        } catch (JSchException e) {
            watchdog.cancel(false);
            session.disconnect();
            throw translate(e, target, hostKeys, timedOut.get());
        } catch (RuntimeException e) {
            watchdog.cancel(false);
            session.disconnect();
            throw e;
        }
        HostKey presented = hostKeys.presented();
        if (presented == null) {
            session.disconnect();
            throw new RemoteException(Kind.DISCONNECTED, "The SSH server at " + target.address() + " presented no host key");
        }
        return new SshSession(session, presented, target.address());
    }

    private static void addIdentity(JSch jsch, SshAuth.PrivateKey key) {
        byte[] keyBytes = key.privateKeyText().getBytes(StandardCharsets.UTF_8);
        KeyPair pair;
        try {
            pair = KeyPair.load(jsch, keyBytes, null);
        } catch (JSchException | RuntimeException e) {
            // no cause: the parser's message may quote the key text
            throw new RemoteException(Kind.BAD_PRIVATE_KEY, "The private key could not be read: not an OpenSSH/PEM private key");
        }
        try {
            if (pair.isEncrypted()) {
                String passphrase = key.passphrase();
                if (passphrase == null || passphrase.isEmpty()) {
                    throw new RemoteException(Kind.BAD_PASSPHRASE, "The private key is encrypted and no passphrase was given");
                }
                boolean decrypted;
                try {
                    decrypted = pair.decrypt(passphrase.getBytes(StandardCharsets.UTF_8));
                } catch (RuntimeException e) {
                    decrypted = false;
                }
                if (!decrypted) {
                    throw new RemoteException(Kind.BAD_PASSPHRASE, "The private key's passphrase is wrong");
                }
            }
            if (pair.getKeyType() == KeyPair.UNKNOWN || pair.getKeyType() == KeyPair.ERROR) {
                throw new RemoteException(Kind.BAD_PRIVATE_KEY, "The private key could not be read: unsupported key type");
            }
        } finally {
            pair.dispose();
        }
        byte[] passphrase = key.passphrase() == null || key.passphrase().isEmpty()
                ? null : key.passphrase().getBytes(StandardCharsets.UTF_8);
        try {
            jsch.addIdentity("private key", keyBytes, null, passphrase);
        } catch (JSchException | RuntimeException e) {
            throw new RemoteException(Kind.BAD_PRIVATE_KEY, "The private key could not be read: not an OpenSSH/PEM private key");
        } finally {
            Arrays.fill(keyBytes, (byte) 0);
            if (passphrase != null) {
                Arrays.fill(passphrase, (byte) 0);
            }
        }
    }

    /** The JSch signature algorithms that verify a host key of the given key type. */
    static List<String> algorithmsFor(String keyType) {
        if ("ssh-rsa".equals(keyType)) {
            return List.of("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa");
        }
        return List.of(keyType);
    }

    /** The pinned key's algorithms first, then the rest of the default preference. */
    static String hostKeyPreference(String pinnedType, String defaults) {
        LinkedHashSet<String> order = new LinkedHashSet<>(algorithmsFor(pinnedType));
        if (defaults != null) {
            for (String alg : defaults.split(",")) {
                if (!alg.isBlank()) {
                    order.add(alg.trim());
                }
            }
        }
        return String.join(",", order);
    }

    private RemoteException translate(JSchException e, SshTarget target, PinnedHostKeyRepository hostKeys, boolean timedOut) {
        String address = target.address();
        PinnedHostKeyRepository.Verdict verdict = hostKeys.verdict();
        HostKey presented = hostKeys.presented();
        if (verdict == PinnedHostKeyRepository.Verdict.UNKNOWN) {
            return new RemoteException(Kind.HOST_KEY_UNKNOWN,
                    "Host key of " + address + " is not accepted yet: " + presented.describe(), presented, null);
        }
        if (verdict == PinnedHostKeyRepository.Verdict.CHANGED) {
            return new RemoteException(Kind.HOST_KEY_CHANGED,
                    "HOST KEY CHANGED for " + address + ": pinned " + target.pinned().describe()
                            + ", server now presents " + presented.describe()
                            + " \u2014 refusing to connect until an admin re-accepts the key", presented, null);
        }
        if (verdict == PinnedHostKeyRepository.Verdict.UNREADABLE) {
            return new RemoteException(Kind.DISCONNECTED,
                    "The SSH server at " + address + " presented a host key that could not be read", e);
        }
        if (timedOut) {
            return new RemoteException(Kind.CONNECT_TIMEOUT,
                    "No answer from " + address + " within " + seconds(connectTimeout), e);
        }
        Throwable cause = e.getCause();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException) {
                return new RemoteException(Kind.UNKNOWN_HOST, "Host '" + target.host() + "' could not be resolved", e);
            }
            if (t instanceof ConnectException) {
                return new RemoteException(Kind.CONNECTION_REFUSED, "Connection refused by " + address, e);
            }
            if (t instanceof NoRouteToHostException) {
                return new RemoteException(Kind.CONNECTION_REFUSED, "No route to " + address, e);
            }
            if (t instanceof SocketTimeoutException) {
                return new RemoteException(Kind.CONNECT_TIMEOUT,
                        "No answer from " + address + " within " + seconds(connectTimeout), e);
            }
        }
        String msg = e.getMessage() == null ? "" : e.getMessage();
        String lower = msg.toLowerCase(Locale.ROOT);
        if (lower.startsWith("auth fail") || lower.startsWith("auth cancel") || lower.contains("too many authentication failures")
                || lower.contains("userauth fail")) {
            return new RemoteException(Kind.AUTH_FAILED, "SSH login as '" + target.username()
                    + "' was refused: wrong password or key not authorized", e);
        }
        if (lower.contains("timeout") || lower.contains("timed out")) {
            return new RemoteException(Kind.CONNECT_TIMEOUT,
                    "No answer from " + address + " within " + seconds(connectTimeout), e);
        }
        if (lower.contains("algorithm negotiation fail")) {
            return new RemoteException(Kind.DISCONNECTED, "SSH handshake with " + address
                    + " failed: the server offers no algorithm this panel supports", e);
        }
        if (lower.contains("end of io stream") || lower.contains("connection is closed") || lower.contains("reset")
                || lower.contains("broken pipe") || lower.contains("invalid server's version") || cause instanceof java.io.IOException) {
            return new RemoteException(Kind.DISCONNECTED, address + " closed the connection during the SSH handshake", e);
        }
        return new RemoteException(Kind.DISCONNECTED, "SSH connection to " + address + " failed", e);
    }

    /** "10 s", "1.5 s" */
    static String seconds(Duration d) {
        long millis = d.toMillis();
        if (millis % 1000 == 0) {
            return (millis / 1000) + " s";
        }
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    /** Answers password and keyboard-interactive prompts with the password, once each; never asks about host keys. */
    private static final class PasswordUserInfo implements UserInfo, UIKeyboardInteractive {
        private final String password;
        private boolean passwordPromptAnswered;
        private boolean keyboardInteractiveAnswered;

        PasswordUserInfo(String password) {
            this.password = password;
        }

        @Override
        public String getPassphrase() {
            return null;
        }

        @Override
        public String getPassword() {
            return password;
        }

        @Override
        public boolean promptPassword(String message) {
            // a second prompt means the password was refused: cancel instead of retrying it
            if (password == null || passwordPromptAnswered) {
                return false;
            }
            passwordPromptAnswered = true;
            return true;
        }

        @Override
        public boolean promptPassphrase(String message) {
            return false;
        }

        @Override
        public boolean promptYesNo(String message) {
            return false;
        }

        @Override
        public void showMessage(String message) {
        }

        @Override
        public String[] promptKeyboardInteractive(String destination, String name, String instruction,
                                                  String[] prompt, boolean[] echo) {
            if (password == null || keyboardInteractiveAnswered) {
                return null;
            }
            if (prompt == null || prompt.length == 0) {
                return new String[0];
            }
            keyboardInteractiveAnswered = true;
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < prompt.length; i++) {
                answers.add(password);
            }
            return answers.toArray(new String[0]);
        }
    }

    /** Accepts exactly the pinned key and remembers what the server presented. */
    static final class PinnedHostKeyRepository implements HostKeyRepository {
        enum Verdict { NOT_CHECKED, OK, UNKNOWN, CHANGED, UNREADABLE }

        private final HostKey pinned;
        private volatile HostKey presented;
        private volatile Verdict verdict = Verdict.NOT_CHECKED;

        PinnedHostKeyRepository(HostKey pinned) {
            this.pinned = pinned;
        }

        HostKey presented() {
            return presented;
        }

        Verdict verdict() {
            return verdict;
        }

        @Override
        public int check(String host, byte[] key) {
            HostKey offered;
            try {
                offered = HostKey.fromBlob(key);
            } catch (IllegalArgumentException e) {
                verdict = Verdict.UNREADABLE;
                return CHANGED;
            }
            presented = offered;
            if (pinned == null) {
                verdict = Verdict.UNKNOWN;
                return NOT_INCLUDED;
            }
            if (pinned.sameKeyAs(offered)) {
                verdict = Verdict.OK;
                return OK;
            }
            verdict = Verdict.CHANGED;
            return CHANGED;
        }

        @Override
        public void add(com.jcraft.jsch.HostKey hostkey, UserInfo ui) {
            // never: keys are accepted by an admin, not by the connector
        }

        @Override
        public void remove(String host, String type) {
        }

        @Override
        public void remove(String host, String type, byte[] key) {
        }

        @Override
        public String getKnownHostsRepositoryID() {
            return "pinned host key";
        }

        @Override
        public com.jcraft.jsch.HostKey[] getHostKey() {
            return new com.jcraft.jsch.HostKey[0];
        }

        @Override
        public com.jcraft.jsch.HostKey[] getHostKey(String host, String type) {
            return new com.jcraft.jsch.HostKey[0];
        }
    }
}
