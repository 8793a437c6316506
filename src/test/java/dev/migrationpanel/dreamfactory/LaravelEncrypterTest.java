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
 * does (openssl AES-256-CBC, base64 JSON payload, HMAC-SHA256 over iv and value): both directions.
 */
class LaravelEncrypterTest {

    /** Laravel's encrypt($value) and decrypt($payload) in plain PHP with the openssl extension. */
    static final String PHP = """
            $key = base64_decode(substr($argv[2], 7));
            if ($argv[1] === 'encrypt') {
                $iv = random_bytes(16);
                $value = openssl_encrypt(serialize($argv[3]), 'AES-256-CBC', $key, 0, $iv);
                $iv = base64_encode($iv);
                $mac = hash_hmac('sha256', $iv.$value, $key);
                echo base64_encode(json_encode(['iv' => $iv, 'value' => $value, 'mac' => $mac, 'tag' => '']));
            } else {
                $p = json_decode(base64_decode($argv[3]), true);
                if (!hash_equals(hash_hmac('sha256', $p['iv'].$p['value'], $key), $p['mac'])) { fwrite(STDERR, 'bad mac'); exit(1); }
                echo openssl_decrypt($p['value'], 'AES-256-CBC', $key, 0, base64_decode($p['iv']));
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
        byte[] key = new byte[32];
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
        assertThatThrownBy(() -> new LaravelEncrypter("base64:c2hvcnQ=")).hasMessageContaining("must be 32 bytes");
    }
}
