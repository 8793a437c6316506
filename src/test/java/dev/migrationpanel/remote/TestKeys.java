package dev.migrationpanel.remote;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Client key pairs made by the machine's real {@code ssh-keygen}, and other ssh-keygen helpers for tests. */
public final class TestKeys {

    public static final String SSH_KEYGEN = "/usr/bin/ssh-keygen";

    /** A private key file's text and the matching {@code .pub} line. */
    public record ClientKey(String privateKeyText, String publicKeyLine) {
    }

    private TestKeys() {
    }

    /**
     * Generates a key with ssh-keygen.
     *
     * @param passphrase "" for an unencrypted key
     * @param pem        true for the legacy PEM format ({@code -m PEM}), false for the OpenSSH format
     */
    public static ClientKey generate(Path dir, TestSshServer.KeyType type, String passphrase, boolean pem) throws IOException {
        Path file = Files.createTempFile(dir, "id_" + type.keygenName(), "");
        Files.delete(file);
        List<String> cmd = new ArrayList<>(List.of(SSH_KEYGEN, "-q", "-t", type.keygenName(), "-N", passphrase,
                "-C", "test", "-f", file.toString()));
        if (type != TestSshServer.KeyType.ED25519) {
            cmd.addAll(List.of("-b", Integer.toString(type.bits())));
        }
        if (pem) {
            cmd.addAll(List.of("-m", "PEM"));
        }
        run(cmd);
        return new ClientKey(Files.readString(file, StandardCharsets.UTF_8),
                Files.readString(Path.of(file + ".pub"), StandardCharsets.UTF_8).strip());
    }

    /** The {@code SHA256:...} fingerprint that {@code ssh-keygen -lf} prints for a public key file. */
    public static String keygenFingerprint(Path publicKeyFile) throws IOException {
        String out = run(List.of(SSH_KEYGEN, "-l", "-E", "sha256", "-f", publicKeyFile.toString()));
        // "256 SHA256:abc... comment (ED25519)"
        return out.strip().split("\\s+")[1];
    }

    static String run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(cmd + " failed: " + out);
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
