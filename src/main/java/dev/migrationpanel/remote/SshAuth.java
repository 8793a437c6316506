package dev.migrationpanel.remote;

import java.util.Objects;

/** How to log in. The toString() of every variant hides the secrets. */
public sealed interface SshAuth permits SshAuth.Password, SshAuth.PrivateKey {

    /** Password login; also answers keyboard-interactive password prompts. */
    record Password(String password) implements SshAuth {
        public Password {
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "Password[****]";
        }
    }

    /**
     * Public key login.
     *
     * @param privateKeyText the private key file's text (OpenSSH or PEM format)
     * @param passphrase     the key's passphrase, or null when the key is not encrypted
     */
    record PrivateKey(String privateKeyText, String passphrase) implements SshAuth {
        public PrivateKey {
            Objects.requireNonNull(privateKeyText, "privateKeyText");
        }

        @Override
        public String toString() {
            return "PrivateKey[privateKeyText=****, passphrase=****]";
        }
    }
}
