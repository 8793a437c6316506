package dev.migrationpanel.remote;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.KeyPair;

/** Tells, before anything is stored, whether a private key can be read and opened with its passphrase. */
public final class PrivateKeyCheck {

    private PrivateKeyCheck() {
    }

    /** Empty when the key is usable; otherwise one line saying what is wrong (never the key itself). */
    public static Optional<String> problem(String privateKey, String passphrase) {
        KeyPair pair;
        try {
            pair = KeyPair.load(new JSch(), privateKey.getBytes(StandardCharsets.UTF_8), null);
        } catch (JSchException | RuntimeException e) {
            return Optional.of("This is not a private key the panel can read (OpenSSH or PEM format)");
        }
        try {
            if (pair.isEncrypted()) {
                if (passphrase == null || passphrase.isEmpty()) {
                    return Optional.of("This private key is encrypted: give its passphrase");
                }
                if (!pair.decrypt(passphrase.getBytes(StandardCharsets.UTF_8))) {
                    return Optional.of("The passphrase does not open this private key");
                }
            }
            return Optional.empty();
        } finally {
            pair.dispose();
        }
    }
}
