package dev.migrationpanel.dreamfactory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import dev.migrationpanel.database.TextValues.Found;

/**
 * Finding and decrypting Laravel payloads wherever DreamFactory keeps them, without a server: a whole column,
 * strings inside a JSON document at any depth, payloads embedded in
 * other text; counts per place; a payload altered or encrypted under another key fails with its row.
 */
class EncryptedValueScanTest {

    static final String KEY = "base64:" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef"
            .getBytes(StandardCharsets.UTF_8));
    static final String OTHER_KEY = "base64:" + Base64.getEncoder().encodeToString("fedcba9876543210fedcba9876543210"
            .getBytes(StandardCharsets.UTF_8));

    private final LaravelEncrypter encrypter = new LaravelEncrypter(KEY);

    @Test
    void findsWholeValuesAndStringsInsideJsonAtAnyDepthAndCountsThemPerPlace() {
        EncryptedValueScan scan = new EncryptedValueScan(encrypter);
        String json = "{\"host\":\"crm.lab.test\",\"port\":3306,\"username\":\"" + encrypter.encryptString("crm_app")
                + "\",\"password\":\"" + encrypter.encryptString("crm-password") + "\",\"options\":{\"ssl\":{\"key\":\""
                + encrypter.encryptString("k") + "\"}},\"hosts\":[{\"secret\":\"" + encrypter.encryptString("a")
                + "\"},{\"secret\":\"" + encrypter.encryptString("b") + "\"}]}";

        scan.accept(new Found("lookup", "value", "2", encrypter.encryptString("lab-secret")));
        scan.accept(new Found("lookup", "value", "3", "  " + encrypter.encryptString("another") + "\n"));
        scan.accept(new Found("sql_db_config", "connection", "6", json));
        scan.accept(new Found("script", "content", "1", "a:1:{s:3:\"key\";s:10:\"" + encrypter.encryptString("x") + "\";}"));
        scan.accept(new Found("lookup", "description", "4", "mentions eyJpdiI6 but holds no payload"));

        assertThat(scan.places()).containsOnlyKeys("lookup.value", "sql_db_config.connection.username",
                "sql_db_config.connection.password", "sql_db_config.connection.options.ssl.key",
                "sql_db_config.connection.hosts[].secret", "script.content (embedded)"); // a marker alone is no payload
        assertThat(scan.places().get("lookup.value").payloads).isEqualTo(2);
        assertThat(scan.places().get("sql_db_config.connection.hosts[].secret").payloads).isEqualTo(2);
        assertThat(scan.payloads()).isEqualTo(8);
        assertThat(scan.failed()).isZero();
        assertThat(scan.lines()).extracting(l -> (l.ok() ? "OK " : "FAIL ") + l.text())
                .contains("OK lookup.value: 2 encrypted value(s), each decrypts",
                        "OK sql_db_config.connection.password: 1 encrypted value(s), each decrypts");
    }

    @Test
    void anAlteredPayloadOrOneUnderAnotherKeyFailsWithItsRowAndNeverItsValue() {
        EncryptedValueScan scan = new EncryptedValueScan(encrypter);
        String good = encrypter.encryptString("lab-secret");
        String json = new String(Base64.getDecoder().decode(good), StandardCharsets.UTF_8);
        int mac = json.indexOf("\"mac\":\"") + 7;
        String altered = Base64.getEncoder().encodeToString((json.substring(0, mac)
                + (json.charAt(mac) == '0' ? '1' : '0') + json.substring(mac + 1)).getBytes(StandardCharsets.UTF_8));
        String foreign = new LaravelEncrypter(OTHER_KEY).encryptString("lab-secret");

        scan.accept(new Found("lookup", "value", "1", good));
        scan.accept(new Found("lookup", "value", "2", altered));
        scan.accept(new Found("sql_db_config", "connection", "7", "{\"password\":\"" + foreign + "\"}"));
        scan.accept(new Found("email_config", "password", null, "eyJpdiI6bm90IGEgcGF5bG9hZA=="));

        assertThat(scan.payloads()).isEqualTo(4);
        assertThat(scan.failed()).isEqualTo(3);
        assertThat(scan.lines()).extracting(l -> (l.ok() ? "OK " : "FAIL ") + l.text()).containsExactly(
                "FAIL email_config.password: 1 of 1 encrypted value(s) do not decrypt with the target's APP_KEY "
                        + "(first: The payload is not a Laravel-encrypted value)",
                "FAIL lookup.value: 1 of 2 encrypted value(s) do not decrypt with the target's APP_KEY (first: row 2: "
                        + "The MAC is invalid: the value was encrypted with another APP_KEY, or changed)",
                "FAIL sql_db_config.connection.password: 1 of 1 encrypted value(s) do not decrypt with the target's "
                        + "APP_KEY (first: row 7: The MAC is invalid: the value was encrypted with another APP_KEY, or changed)");
        assertThat(String.join("\n", scan.lines().stream().map(EncryptedValueScan.Line::text).toList())).doesNotContain("lab-secret");
    }
}
