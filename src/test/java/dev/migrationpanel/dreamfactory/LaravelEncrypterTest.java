package dev.migrationpanel.dreamfactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Laravel's encrypter format, checked against the machine's real PHP doing what Illuminate\Encryption\Encrypter
 * does (openssl, base64 JSON payload; CBC with HMAC-SHA256 over iv and value, GCM with its tag and no MAC), for
 * each cipher APP_CIPHER may name: both directions for CBC, Laravel to the panel for GCM.
 */
class LaravelEncrypterTest {

    /** Laravel's encrypt($value) and decrypt($payload) in plain PHP with the openssl extension. */
    static final String PHP = """
            $key = base64_decode(substr($argv[2], 7));
            $cipher = strtolower($argv[4] ?? 'AES-256-CBC');
            if ($argv[1] === 'encrypt') {
                $iv = random_bytes(openssl_cipher_iv_length($cipher));
                $tag = null;
                $value = openssl_encrypt(serialize($argv[3]), $cipher, $key, 0, $iv, $tag);
                $iv = base64_encode($iv);
                $aead = str_ends_with($cipher, '-gcm');
                $mac = $aead ? '' : hash_hmac('sha256', $iv.$value, $key);
                echo base64_encode(json_encode(['iv' => $iv, 'value' => $value, 'mac' => $mac,
                        'tag' => base64_encode($tag ?? '')], JSON_UNESCAPED_SLASHES));
            } else {
                $p = json_decode(base64_decode($argv[3]), true);
                if (!hash_equals(hash_hmac('sha256', $p['iv'].$p['value'], $key), $p['mac'])) { fwrite(STDERR, 'bad mac'); exit(1); }
                echo openssl_decrypt($p['value'], $cipher, $key, 0, base64_decode($p['iv']));
            }
            """;

    static String php(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("php", "-r", PHP, "--"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isZero();
        return out;
    }

    static String newAppKey() {
        return newAppKey(32);
    }

    static String newAppKey(int bytes) {
        byte[] key = new byte[bytes];
        new SecureRandom().nextBytes(key);
        return "base64:" + Base64.getEncoder().encodeToString(key);
    }

    @Test
    void decryptsWhatLaravelEncrypted() throws Exception {
        String appKey = newAppKey();
        String payload = php("encrypt", appKey, "{\"host\":\"db\",\"password\":\"pässwörd\"}");
        LaravelEncrypter encrypter = new LaravelEncrypter(appKey);
        assertThat(encrypter.decrypt(payload)).startsWith("s:");
        assertThat(encrypter.decryptString(payload)).isEqualTo("{\"host\":\"db\",\"password\":\"pässwörd\"}");
    }

    @Test
    void laravelDecryptsWhatThePanelEncrypted() throws Exception {
        String appKey = newAppKey();
        String payload = new LaravelEncrypter(appKey).encryptString("from the panel");
        for (int i = 0; i < 20; i++) { // Laravel's field order, so every payload starts alike
            assertThat(new LaravelEncrypter(appKey).encryptString("x" + i)).startsWith(EncryptedValueScan.MARKER);
        }
        assertThat(php("decrypt", appKey, payload)).isEqualTo("from the panel");
    }

    @Test
    void anotherKeyOrAChangedPayloadIsRefusedWithoutLeakingAnything() throws Exception {
        String appKey = newAppKey();
        String payload = php("encrypt", appKey, "secret-value-42");
        String otherKey = newAppKey();
        assertThatThrownBy(() -> new LaravelEncrypter(otherKey).decrypt(payload))
                .isInstanceOf(LaravelEncrypter.DecryptException.class)
                .hasMessageStartingWith("The MAC is invalid")
                .message().doesNotContain("secret-value-42").doesNotContain(otherKey.substring(7));
        String json = new String(Base64.getDecoder().decode(payload), StandardCharsets.UTF_8);
        int at = json.indexOf("\"value\":\"") + 9;
        String changed = json.substring(0, at) + (json.charAt(at) == 'A' ? 'B' : 'A') + json.substring(at + 1);
        String tampered = Base64.getEncoder().encodeToString(changed.getBytes(StandardCharsets.UTF_8));
        assertThat(tampered).isNotEqualTo(payload);
        assertThatThrownBy(() -> new LaravelEncrypter(appKey).decrypt(tampered)).hasMessageStartingWith("The MAC is invalid");
        assertThatThrownBy(() -> new LaravelEncrypter(appKey).decrypt("not-a-payload")).hasMessage(
                "The payload is not a Laravel-encrypted value");
        assertThatThrownBy(() -> new LaravelEncrypter("base64:c2hvcnQ=")).hasMessage(
                "APP_KEY must be 32 bytes (AES-256) or 16 (AES-128); it is 5");
    }

    /** The other ciphers Laravel's APP_CIPHER names: AES-128-CBC (16-byte keys of older installs) and both GCMs. */
    @Test
    void decryptsEveryCipherLaravelOffers() throws Exception {
        for (String cipher : List.of("AES-128-CBC", "AES-256-GCM", "AES-128-GCM")) {
            String appKey = newAppKey(cipher.startsWith("AES-128") ? 16 : 32);
            String payload = php("encrypt", appKey, "value under " + cipher, cipher);
            assertThat(new LaravelEncrypter(appKey).decryptString(payload)).as(cipher).isEqualTo("value under " + cipher);
            assertThat(payload).as(cipher).startsWith(EncryptedValueScan.MARKER);
        }
        String appKey = newAppKey(16);
        String payload = new LaravelEncrypter(appKey).encryptString("from the panel, AES-128-CBC");
        assertThat(php("decrypt", appKey, payload, "AES-128-CBC")).isEqualTo("from the panel, AES-128-CBC");
    }

    @Test
    void aGcmValueUnderAnotherKeyOrWithAChangedTagIsRefused() throws Exception {
        String appKey = newAppKey();
        String payload = php("encrypt", appKey, "gcm-secret-7", "AES-256-GCM");
        assertThatThrownBy(() -> new LaravelEncrypter(newAppKey()).decrypt(payload))
                .isInstanceOf(LaravelEncrypter.DecryptException.class)
                .hasMessageStartingWith("The GCM tag is invalid").message().doesNotContain("gcm-secret-7");
        String json = new String(Base64.getDecoder().decode(payload), StandardCharsets.UTF_8);
        int at = json.indexOf("\"tag\":\"") + 7;
        String changed = json.substring(0, at) + (json.charAt(at) == 'A' ? 'B' : 'A') + json.substring(at + 1);
        String tampered = Base64.getEncoder().encodeToString(changed.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> new LaravelEncrypter(appKey).decrypt(tampered)).hasMessageStartingWith("The GCM tag is invalid");
        // a 128-bit key on a value AES-256 sealed: refused, never read as something else
        assertThatThrownBy(() -> new LaravelEncrypter(newAppKey(16)).decrypt(payload)).isInstanceOf(
                LaravelEncrypter.DecryptException.class);
    }
}
