package dev.migrationpanel.remote;

import dev.migrationpanel.remote.RemoteException.Kind;
import dev.migrationpanel.remote.TestSshServer.KeyType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class SshConnectorTest {

    private static final String PASSWORD = "Pw-s3cret-'quote\"-XYZ";
    private static final String PASSPHRASE = "Phrase-s3cret-QWE";
    private static final Duration RUN = Duration.ofSeconds(10);

    private final SshConnector connector = new SshConnector(Duration.ofSeconds(10));

    @TempDir
    Path dir;

    private static RemoteException failure(Runnable r) {
        return catchThrowableOfType(RemoteException.class, r::run);
    }

    @Test
    void passwordLoginRunsEcho() throws Exception {
        try (TestSshServer server = TestSshServer.startDefault("deploy", PASSWORD);
             SshSession session = connector.open(server.passwordTarget(server.hostKey()))) {
            CommandResult result = session.run("echo hello from $(whoami >/dev/null; echo ssh)", RUN);
            assertThat(result.stdout()).isEqualTo("hello from ssh\n");
            assertThat(result.exitCode()).isZero();
            assertThat(result.ok()).isTrue();
            assertThat(session.hostKey()).isEqualTo(server.hostKey());
        }
    }

    @Test
    void passwordLoginWorksWithKeyboardInteractiveOnlyServers() throws Exception {
        try (TestSshServer server = TestSshServer.builder().user("deploy").password(PASSWORD).keyboardInteractiveOnly().start();
             SshSession session = connector.open(server.passwordTarget(server.hostKey()))) {
            assertThat(session.run("echo ki", RUN).stdout()).isEqualTo("ki\n");
        }
    }

    @Test
    void wrongPasswordIsAuthFailed() throws Exception {
        try (TestSshServer server = TestSshServer.startDefault("deploy", PASSWORD)) {
            SshTarget target = new SshTarget(server.host(), server.port(), "deploy", new SshAuth.Password("wrong-" + PASSWORD), server.hostKey());
            RemoteException e = failure(() -> connector.open(target));
            assertThat(e.kind()).isEqualTo(Kind.AUTH_FAILED);
            assertThat(e.getMessage()).isEqualTo("SSH login as 'deploy' was refused: wrong password or key not authorized");
            assertNoSecrets(e, PASSWORD);
        }
    }

    @Test
    void wrongPasswordOnKeyboardInteractiveOnlyServerIsAuthFailed() throws Exception {
        try (TestSshServer server = TestSshServer.builder().user("deploy").password(PASSWORD).keyboardInteractiveOnly().start()) {
            SshTarget target = new SshTarget(server.host(), server.port(), "deploy", new SshAuth.Password("nope"), server.hostKey());
            long start = System.nanoTime();
            RemoteException e = failure(() -> connector.open(target));
            assertThat(e.kind()).isEqualTo(Kind.AUTH_FAILED);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
        }
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void keyLoginWithPassphraseProtectedOpenSshKeys(KeyType type) throws Exception {
        TestKeys.ClientKey key = TestKeys.generate(dir, type, PASSPHRASE, false);
        assertThat(key.privateKeyText()).contains("BEGIN OPENSSH PRIVATE KEY");
        try (TestSshServer server = TestSshServer.builder().authorizedKey(key.publicKeyLine()).start();
             SshSession session = connector.open(server.target(new SshAuth.PrivateKey(key.privateKeyText(), PASSPHRASE), server.hostKey()))) {
            assertThat(session.run("echo key-" + type, RUN).stdout()).isEqualTo("key-" + type + "\n");
        }
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void keyLoginWithUnencryptedOpenSshKeys(KeyType type) throws Exception {
        TestKeys.ClientKey key = TestKeys.generate(dir, type, "", false);
        try (TestSshServer server = TestSshServer.builder().authorizedKey(key.publicKeyLine()).start();
             SshSession session = connector.open(server.target(new SshAuth.PrivateKey(key.privateKeyText(), null), server.hostKey()))) {
            assertThat(session.run("echo plain", RUN).stdout()).isEqualTo("plain\n");
        }
    }

    @Test
    void keyLoginWithPemRsaKeys() throws Exception {
        TestKeys.ClientKey plain = TestKeys.generate(dir, KeyType.RSA, "", true);
        TestKeys.ClientKey encrypted = TestKeys.generate(dir, KeyType.RSA, PASSPHRASE, true);
        assertThat(plain.privateKeyText()).contains("BEGIN RSA PRIVATE KEY");
        assertThat(encrypted.privateKeyText()).contains("ENCRYPTED");
        try (TestSshServer server = TestSshServer.builder()
                .authorizedKey(plain.publicKeyLine()).authorizedKey(encrypted.publicKeyLine()).start()) {
            try (SshSession session = connector.open(server.target(new SshAuth.PrivateKey(plain.privateKeyText(), null), server.hostKey()))) {
                assertThat(session.run("echo pem", RUN).stdout()).isEqualTo("pem\n");
            }
            try (SshSession session = connector.open(server.target(new SshAuth.PrivateKey(encrypted.privateKeyText(), PASSPHRASE), server.hostKey()))) {
                assertThat(session.run("echo pem-enc", RUN).stdout()).isEqualTo("pem-enc\n");
            }
            RemoteException e = failure(() -> connector.open(server.target(
                    new SshAuth.PrivateKey(encrypted.privateKeyText(), "wrong"), server.hostKey())));
            assertThat(e.kind()).isEqualTo(Kind.BAD_PASSPHRASE);
        }
    }

    @Test
    void keyThatIsNotAuthorizedIsAuthFailed() throws Exception {
        TestKeys.ClientKey authorized = TestKeys.generate(dir, KeyType.ED25519, "", false);
        TestKeys.ClientKey other = TestKeys.generate(dir, KeyType.ED25519, "", false);
        try (TestSshServer server = TestSshServer.builder().authorizedKey(authorized.publicKeyLine()).start()) {
            RemoteException e = failure(() -> connector.open(server.target(new SshAuth.PrivateKey(other.privateKeyText(), null), server.hostKey())));
            assertThat(e.kind()).isEqualTo(Kind.AUTH_FAILED);
            assertNoSecrets(e, other.privateKeyText().lines().skip(1).findFirst().orElseThrow());
        }
    }

    @Test
    void wrongPassphraseIsDetectedBeforeConnecting() throws Exception {
        TestKeys.ClientKey key = TestKeys.generate(dir, KeyType.ED25519, PASSPHRASE, false);
        // nothing listens there: the passphrase must be checked before any connection attempt
        SshTarget target = new SshTarget("127.0.0.1", freePort(), "deploy", new SshAuth.PrivateKey(key.privateKeyText(), "wrong-" + PASSPHRASE), null);
        RemoteException e = failure(() -> connector.open(target));
        assertThat(e.kind()).isEqualTo(Kind.BAD_PASSPHRASE);
        assertThat(e.getMessage()).isEqualTo("The private key's passphrase is wrong");
        assertNoSecrets(e, PASSPHRASE);

        RemoteException missing = failure(() -> connector.open(target.withPinned(null)
                .withAuth(new SshAuth.PrivateKey(key.privateKeyText(), null))));
        assertThat(missing.kind()).isEqualTo(Kind.BAD_PASSPHRASE);
    }

    @Test
    void garbageKeyIsBadPrivateKey() {
        String garbage = "-----BEGIN OPENSSH PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END OPENSSH PRIVATE KEY-----\n";
        for (String text : List.of(garbage, "hello world", "")) {
            SshTarget target = new SshTarget("127.0.0.1", 22, "deploy", new SshAuth.PrivateKey(text, "pp-" + PASSPHRASE), null);
            RemoteException e = failure(() -> connector.open(target));
            assertThat(e.kind()).as(text).isEqualTo(Kind.BAD_PRIVATE_KEY);
            assertThat(e.getMessage()).isEqualTo("The private key could not be read: not an OpenSSH/PEM private key");
            assertNoSecrets(e, "bm90IGEga2V5");
            assertNoSecrets(e, PASSPHRASE);
        }
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void unknownHostKeyCarriesThePresentedKeyWithSshKeygensFingerprint(KeyType type) throws Exception {
        try (TestSshServer server = TestSshServer.builder().hostKeyTypes(type).password(PASSWORD).start()) {
            RemoteException e = failure(() -> connector.open(server.passwordTarget(null)));
            assertThat(e.kind()).isEqualTo(Kind.HOST_KEY_UNKNOWN);
            HostKey presented = e.presentedHostKey();
            assertThat(presented).isNotNull();
            assertThat(presented.type()).isEqualTo(type.sshName());
            String keygen = TestKeys.keygenFingerprint(server.writeHostPublicKey(dir.resolve("host.pub")));
            assertThat(presented.fingerprint()).isEqualTo(keygen);
            assertThat(presented.base64Key()).isEqualTo(server.hostPublicKeyLine().split(" ")[1]);
            assertThat(e.getMessage()).isEqualTo("Host key of 127.0.0.1:" + server.port() + " is not accepted yet: "
                    + type.sshName() + " " + keygen);
            assertNoSecrets(e, PASSWORD);

            // the admin accepts the presented key: now it connects
            try (SshSession session = connector.open(server.passwordTarget(presented))) {
                assertThat(session.hostKey()).isEqualTo(presented);
                assertThat(session.run("echo pinned", RUN).stdout()).isEqualTo("pinned\n");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void pinnedTypeIsNegotiatedWhenTheServerHasSeveralHostKeys(KeyType pinnedType) throws Exception {
        try (TestSshServer server = TestSshServer.builder()
                .hostKeyTypes(KeyType.ED25519, KeyType.ECDSA, KeyType.RSA).password(PASSWORD).start()) {
            HostKey pin = server.hostKey(pinnedType);
            try (SshSession session = connector.open(server.passwordTarget(pin))) {
                assertThat(session.hostKey()).isEqualTo(pin);
            }
        }
    }

    @Test
    void changedHostKeyIsRefused() throws Exception {
        KeyPair original = TestSshServer.generateKeyPair(KeyType.ED25519);
        KeyPair replacement = TestSshServer.generateKeyPair(KeyType.ED25519);
        HostKey pinned;
        int port;
        try (TestSshServer server = TestSshServer.builder().hostKeys(original).password(PASSWORD).start()) {
            pinned = server.hostKey();
            port = server.port();
            try (SshSession session = connector.open(server.passwordTarget(pinned))) {
                assertThat(session.run("true", RUN).exitCode()).isZero();
            }
        }
        try (TestSshServer server = TestSshServer.builder().hostKeys(replacement).password(PASSWORD).port(port).start()) {
            assertThat(server.port()).isEqualTo(port);
            RemoteException e = failure(() -> connector.open(server.passwordTarget(pinned)));
            assertThat(e.kind()).isEqualTo(Kind.HOST_KEY_CHANGED);
            assertThat(e.presentedHostKey()).isEqualTo(server.hostKey());
            assertThat(e.presentedHostKey().sameKeyAs(pinned)).isFalse();
            assertThat(e.getMessage()).isEqualTo("HOST KEY CHANGED for 127.0.0.1:" + port + ": pinned ssh-ed25519 "
                    + pinned.fingerprint() + ", server now presents ssh-ed25519 " + server.hostKey().fingerprint()
                    + " \u2014 refusing to connect until an admin re-accepts the key");
            assertNoSecrets(e, PASSWORD);
        }
    }

    @Test
    void changedHostKeyOfAnotherTypeIsRefused() throws Exception {
        try (TestSshServer rsa = TestSshServer.builder().hostKeyTypes(KeyType.RSA).password(PASSWORD).start()) {
            HostKey foreign = TestSshServer.hostKeyOf(TestSshServer.generateKeyPair(KeyType.ED25519).getPublic());
            RemoteException e = failure(() -> connector.open(rsa.passwordTarget(foreign)));
            assertThat(e.kind()).isEqualTo(Kind.HOST_KEY_CHANGED);
            assertThat(e.presentedHostKey()).isEqualTo(rsa.hostKey());
        }
    }

    @Test
    void refusedPortIsConnectionRefused() throws Exception {
        int port = freePort();
        RemoteException e = failure(() -> connector.open(new SshTarget("127.0.0.1", port, "deploy", new SshAuth.Password(PASSWORD), null)));
        assertThat(e.kind()).isEqualTo(Kind.CONNECTION_REFUSED);
        assertThat(e.getMessage()).isEqualTo("Connection refused by 127.0.0.1:" + port);
        assertNoSecrets(e, PASSWORD);
    }

    @Test
    void silentServerIsConnectTimeoutWithinTheBound() throws Exception {
        SshConnector quick = new SshConnector(Duration.ofSeconds(2));
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = silent.accept();
                        synchronized (accepted) {
                            accepted.add(s);
                        }
                    }
                } catch (Exception ignored) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            long start = System.nanoTime();
            RemoteException e = failure(() -> quick.open(new SshTarget("127.0.0.1", silent.getLocalPort(), "deploy",
                    new SshAuth.Password(PASSWORD), null)));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(e.kind()).isEqualTo(Kind.CONNECT_TIMEOUT);
            assertThat(e.getMessage()).isEqualTo("No answer from 127.0.0.1:" + silent.getLocalPort() + " within 2 s");
            assertThat(took).isLessThan(Duration.ofSeconds(6)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
            synchronized (accepted) {
                assertThat(accepted).isNotEmpty();
            }
        } finally {
            synchronized (accepted) {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }

    @Test
    void unresolvableHostIsUnknownHost() {
        RemoteException e = failure(() -> connector.open(new SshTarget("nonexistent.invalid", 22, "deploy", new SshAuth.Password(PASSWORD), null)));
        assertThat(e.kind()).isEqualTo(Kind.UNKNOWN_HOST);
        assertThat(e.getMessage()).isEqualTo("Host 'nonexistent.invalid' could not be resolved");
    }

    @Test
    void serverThatIsNotSshIsDisconnected() throws Exception {
        try (ServerSocket notSsh = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = notSsh.accept()) {
                    s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes());
                } catch (Exception ignored) {
                    // closed
                }
            });
            t.setDaemon(true);
            t.start();
            RemoteException e = failure(() -> connector.open(new SshTarget("127.0.0.1", notSsh.getLocalPort(), "deploy",
                    new SshAuth.Password(PASSWORD), null)));
            assertThat(e.kind()).isEqualTo(Kind.DISCONNECTED);
            assertThat(e.getMessage()).contains("127.0.0.1:" + notSsh.getLocalPort()).doesNotContain("\n");
        }
    }

    @Test
    void noExceptionMessageEverContainsTheSecrets() throws Exception {
        TestKeys.ClientKey key = TestKeys.generate(dir, KeyType.ECDSA, PASSPHRASE, false);
        String keyBody = key.privateKeyText().lines().skip(1).findFirst().orElseThrow();
        List<RemoteException> failures = new ArrayList<>();
        try (TestSshServer server = TestSshServer.builder().password(PASSWORD).start()) {
            failures.add(failure(() -> connector.open(server.passwordTarget(null))));
            failures.add(failure(() -> connector.open(server.target(new SshAuth.Password(PASSWORD + "x"), server.hostKey()))));
            failures.add(failure(() -> connector.open(server.target(new SshAuth.PrivateKey(key.privateKeyText(), PASSPHRASE), server.hostKey()))));
            failures.add(failure(() -> connector.open(server.target(new SshAuth.PrivateKey(key.privateKeyText(), PASSPHRASE + "x"), server.hostKey()))));
            failures.add(failure(() -> connector.open(server.target(new SshAuth.PrivateKey(key.privateKeyText().substring(0, 200), PASSPHRASE), server.hostKey()))));
        }
        int closedPort = freePort();
        failures.add(failure(() -> connector.open(new SshTarget("127.0.0.1", closedPort, "deploy", new SshAuth.Password(PASSWORD), null))));
        assertThat(failures).hasSize(6).doesNotContainNull();
        assertThat(failures).extracting(RemoteException::kind).containsExactly(
                Kind.HOST_KEY_UNKNOWN, Kind.AUTH_FAILED, Kind.AUTH_FAILED, Kind.BAD_PASSPHRASE, Kind.BAD_PRIVATE_KEY, Kind.CONNECTION_REFUSED);
        for (RemoteException e : failures) {
            assertNoSecrets(e, PASSWORD);
            assertNoSecrets(e, PASSPHRASE);
            assertNoSecrets(e, keyBody);
            assertThat(e.getMessage()).doesNotContain("\n").isNotBlank();
        }
    }

    /** Neither the message nor any cause's message or toString contains the secret. */
    static void assertNoSecrets(Throwable e, String secret) {
        assertThat(e).isNotNull();
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(secret);
            assertThat(t.toString()).doesNotContain(secret);
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
