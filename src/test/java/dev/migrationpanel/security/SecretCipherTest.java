package dev.migrationpanel.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretCipherTest {

    static final String HEX_KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    static final String OTHER_HEX_KEY = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";

    static SecretCipher cipher(String key) {
        return new SecretCipher(MasterKey.parse(key, "test"));
    }

    @Test
    void roundTripsNeverRepeatsACiphertextAndNamesItsKeyId() {
        SecretCipher cipher = cipher(HEX_KEY);
        String a = cipher.encrypt("hunter2-ünïcode");
        String b = cipher.encrypt("hunter2-ünïcode");
        assertThat(a).startsWith("gcm2:" + cipher.keyId() + ":").doesNotContain("hunter2").isNotEqualTo(b);
        assertThat(cipher.decrypt(a)).isEqualTo("hunter2-ünïcode");
        assertThat(SecretCipher.keyIdOf(a)).isEqualTo(cipher.keyId()).hasSize(16);
        assertThat(cipher.encrypt(null)).isNull();
    }

    @Test
    void theFingerprintTellsKeysApartAndRevealsNothingOfTheKey() {
        MasterKey one = MasterKey.parse(HEX_KEY, "test");
        MasterKey again = MasterKey.parse(Base64.getEncoder().encodeToString(HexFormat.of().parseHex(HEX_KEY)), "b64");
        MasterKey other = MasterKey.parse(OTHER_HEX_KEY, "test");
        assertThat(one.fingerprint()).hasSize(64).isEqualTo(again.fingerprint()).isNotEqualTo(other.fingerprint())
                .doesNotContain(HEX_KEY.substring(0, 16));
        assertThat(one.toString()).doesNotContain(HEX_KEY).doesNotContain(
                Base64.getEncoder().encodeToString(HexFormat.of().parseHex(HEX_KEY))).contains(one.keyId());
    }

    @Test
    void aValueFromBeforeKeyIdsIsStillRead() throws Exception {
        // the gcm1 form the panel wrote before: base64(iv || AES-GCM ciphertext || tag), no associated data
        byte[] iv = new byte[12];
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(HexFormat.of().parseHex(HEX_KEY), "AES"),
                new GCMParameterSpec(128, iv));
        byte[] sealed = gcm.doFinal("old-secret".getBytes(StandardCharsets.UTF_8));
        byte[] all = new byte[12 + sealed.length];
        System.arraycopy(sealed, 0, all, 12, sealed.length);
        String legacy = "gcm1:" + Base64.getEncoder().encodeToString(all);
        assertThat(SecretCipher.keyIdOf(legacy)).isEmpty();
        assertThat(cipher(HEX_KEY).decrypt(legacy)).isEqualTo("old-secret");
        assertThatThrownBy(() -> cipher(OTHER_HEX_KEY).decrypt(legacy)).hasMessageContaining("master key differs");
    }

    @Test
    void anotherKeyCannotDecryptAndSaysSoWithoutTheSecret() {
        String stored = cipher(HEX_KEY).encrypt("top-secret-value");
        SecretCipher other = cipher(OTHER_HEX_KEY);
        assertThatThrownBy(() -> other.decrypt(stored))
                .hasMessageContaining("master key differs")
                .hasMessageContaining(cipher(HEX_KEY).keyId())
                .hasNoCause()
                .message().doesNotContain("top-secret-value");
    }

    @Test
    void tamperedCiphertextAndAForgedKeyIdAreRefused() {
        SecretCipher cipher = cipher(HEX_KEY);
        String stored = cipher.encrypt("value");
        char last = stored.charAt(stored.length() - 3);
        String tampered = stored.substring(0, stored.length() - 3) + (last == 'A' ? 'B' : 'A') + stored.substring(stored.length() - 2);
        assertThatThrownBy(() -> cipher.decrypt(tampered)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cipher.decrypt("not-ours")).hasMessageContaining("not in the panel's encrypted format");
    }

    @Test
    void aWrappedDataKeyOpensOnlyForTheRowItWasBoundTo() {
        SecretCipher cipher = cipher(HEX_KEY);
        SecretKey data = new SecretKeySpec(new byte[32], "AES");
        String wrapped = cipher.wrapKey(data, "artifact-1");
        assertThat(wrapped).startsWith("gcm2:" + cipher.keyId() + ":");
        assertThat(cipher.unwrapKey(wrapped, "artifact-1").getEncoded()).isEqualTo(data.getEncoded());
        assertThatThrownBy(() -> cipher.unwrapKey(wrapped, "artifact-2")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cipher(OTHER_HEX_KEY).unwrapKey(wrapped, "artifact-1"))
                .hasMessageContaining("master key differs");
    }

    @Test
    void aKeyFileIsReadWhateverItsWhiteSpace(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("k");
        Files.writeString(file, "  " + HEX_KEY + "\n\n");
        MasterKey key = MasterKey.readFile(file);
        assertThat(key.fingerprint()).isEqualTo(MasterKey.parse(HEX_KEY, "x").fingerprint());
        assertThat(key.source()).isEqualTo("the key file " + file.toAbsolutePath());
    }

    @Test
    void aMalformedMasterKeyStopsTheStartWithAHint() {
        assertThatThrownBy(() -> MasterKey.parse("too-short", "PANEL_MASTER_KEY"))
                .hasMessageContaining("PANEL_MASTER_KEY").hasMessageContaining("openssl rand -base64 32");
    }
}
