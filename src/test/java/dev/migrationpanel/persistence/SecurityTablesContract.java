package dev.migrationpanel.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceRepository;
import dev.migrationpanel.security.EncryptedColumns;
import dev.migrationpanel.security.EncryptedData;
import dev.migrationpanel.security.MasterKey;
import dev.migrationpanel.security.SecretCipher;
import dev.migrationpanel.security.SignInThrottle;

/**
 * The security tables and their plain-JDBC users, the same on each database the panel supports for itself
 * (subclasses: embedded H2, the machine's PostgreSQL): the master key's record, the secret columns found from
 * the metadata and re-encrypted, the sign-in throttle's counting with its row locks.
 */
abstract class SecurityTablesContract {

    @Autowired
    InstanceRepository instances;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    SignInThrottle throttle;
    @Autowired
    EncryptedColumns columns;
    @Autowired
    SecretCipher cipher;

    @Test
    void theMasterKeyIsRecordedByItsFingerprintAndSignInFailuresAreCountedOnThisDatabase() {
        assertThat(jdbc.queryForObject("select count(*) from master_key_state", Integer.class)).isEqualTo(1);
        assertThat(jdbc.queryForObject("select fingerprint from master_key_state", String.class))
                .hasSize(64).isEqualTo(cipher.fingerprint());
        String account = "acc-" + System.nanoTime();
        for (int i = 0; i < 5; i++) {
            throttle.failed(account, "192.0.2.1");
        }
        assertThat(throttle.waitUntil(account, "192.0.2.250")).as("the account waits after 5 failures").isNotNull();
        throttle.succeeded(account);
        assertThat(throttle.waitUntil(account, "192.0.2.250")).isNull();
    }

    @Test
    void theSecretColumnsAreFoundAndReencryptedOnThisDatabase() {
        Instance saved = instances.saveAndFlush(PanelRepositoriesContract.instance("rot-" + System.nanoTime()));
        assertThat(columns.describe()).isEqualTo("secret values in instance, notification_channel, scratch_server");
        assertThat(columns.countByKeyId()).containsKey(cipher.keyId());
        SecretCipher other = new SecretCipher(MasterKey.parse(
                "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0", "test"));
        try {
            columns.reencrypt(cipher, other, EncryptedData.Progress.NONE);
            String raw = jdbc.queryForObject("select ssh_password_enc from instance where id = ?", String.class,
                    saved.getId());
            assertThat(raw).startsWith("gcm2:" + other.keyId() + ":");
            assertThat(other.decrypt(raw)).isEqualTo(saved.getSshPassword());
            assertThat(columns.countByKeyId()).containsOnlyKeys(other.keyId());
        } finally {
            columns.reencrypt(other, cipher, EncryptedData.Progress.NONE);
        }
        assertThat(instances.findById(saved.getId()).orElseThrow().getDbPassword()).isEqualTo(saved.getDbPassword());
    }
}
