package dev.migrationpanel.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.migrationpanel.PanelProperties;

class SecretCipherTest {

    private static PanelProperties props(Path dir, String masterKey) {
        return new PanelProperties(dir, masterKey, null, Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    @Test
    void roundTripsAndNeverRepeatsACiphertext(@TempDir Path dir) {
        SecretCipher cipher = new SecretCipher(props(dir, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"));
        String a = cipher.encrypt("hunter2-ünïcode");
        String b = cipher.encrypt("hunter2-ünïcode");
        assertThat(a).startsWith("gcm1:").doesNotContain("hunter2").isNotEqualTo(b);
        assertThat(cipher.decrypt(a)).isEqualTo("hunter2-ünïcode");
        assertThat(cipher.encrypt(null)).isNull();
    }

    @Test
    void createsAnOwnerOnlyKeyFileOnceAndReusesIt(@TempDir Path dir) throws Exception {
        SecretCipher first = new SecretCipher(props(dir, null));
        Path keyFile = dir.resolve(SecretCipher.KEY_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        String stored = first.encrypt("secret");
        assertThat(new SecretCipher(props(dir, null)).decrypt(stored)).isEqualTo("secret");
    }

    @Test
    void anotherKeyCannotDecryptAndSaysSoWithoutTheSecret(@TempDir Path dir) {
        String stored = new SecretCipher(props(dir, null)).encrypt("top-secret-value");
        SecretCipher other = new SecretCipher(props(dir, "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"));
        assertThatThrownBy(() -> other.decrypt(stored))
                .hasMessageContaining("master key differs")
                .hasNoCause()
                .message().doesNotContain("top-secret-value");
    }

    @Test
    void tamperedCiphertextIsRefused(@TempDir Path dir) {
        SecretCipher cipher = new SecretCipher(props(dir, null));
        String stored = cipher.encrypt("value");
        char last = stored.charAt(stored.length() - 3);
        String tampered = stored.substring(0, stored.length() - 3) + (last == 'A' ? 'B' : 'A') + stored.substring(stored.length() - 2);
        assertThatThrownBy(() -> cipher.decrypt(tampered)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aMalformedMasterKeyStopsTheStartWithAHint(@TempDir Path dir) {
        assertThatThrownBy(() -> new SecretCipher(props(dir, "too-short")))
                .hasMessageContaining("PANEL_MASTER_KEY").hasMessageContaining("openssl rand -base64 32");
    }
}
