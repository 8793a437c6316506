package dev.migrationpanel.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.migrationpanel.settings.PanelProperties;
import dev.migrationpanel.artifact.ArtifactKeyRing;
import dev.migrationpanel.artifact.ArtifactProperties;

/**
 * The master key's check at start and its rotation, on the panel's real schema (Flyway on H2) with plain JDBC:
 * which key may run, when a key file may be made, what the refusals say, and a rotation interrupted half way
 * and run again.
 */
class MasterKeyGuardTest {

    static final String KEY_A = SecretCipherTest.HEX_KEY;
    static final String KEY_B = SecretCipherTest.OTHER_HEX_KEY;

    @TempDir
    Path dataDir;
    JdbcTemplate jdbc;
    final Clock clock = Clock.systemUTC();

    @BeforeEach
    void database() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:guard-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        jdbc = new JdbcTemplate(ds);
    }

    PanelProperties props(String masterKey) {
        return new PanelProperties(dataDir, masterKey, null, Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    List<EncryptedData> data() {
        ArtifactProperties artifacts = new ArtifactProperties(dataDir.resolve("artifacts"), 10, 30, Duration.ofHours(1));
        return List.of(new EncryptedColumns(jdbc), new ArtifactKeyRing(jdbc, artifacts, props(null)));
    }

    MasterKeyGuard guard(String masterKey) {
        return new MasterKeyGuard(jdbc, data(), props(masterKey), clock);
    }

    long insertInstance(String name, String sshPasswordEnc, String dbPasswordEnc) {
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.update("insert into instance (name, product, environment, ssh_host, ssh_port, ssh_user, ssh_auth,"
                + " ssh_password_enc, deployment_type, install_path, db_access, db_password_enc, created_at,"
                + " updated_at, version) values (?, 'dreamfactory', 'production', '10.0.0.1', 22, 'deploy', 'PASSWORD', ?,"
                + " 'HOST', '/opt/df', 'TUNNEL', ?, ?, ?, 0)", name, sshPasswordEnc, dbPasswordEnc, now, now);
        return jdbc.queryForObject("select id from instance where name = ?", Long.class, name);
    }

    String column(String column, long id) {
        return jdbc.queryForObject("select " + column + " from instance where id = ?", String.class, id);
    }

    List<String> audit() {
        return jdbc.queryForList("select action from audit_event where target_type = 'master_key' order by id", String.class);
    }

    @Test
    void aTrulyEmptyInstallGetsAnOwnerOnlyKeyFileAndRecordsOnlyItsFingerprint() throws Exception {
        MasterKey created = guard(null).check();
        Path file = dataDir.resolve(MasterKey.KEY_FILE);
        assertThat(created.file()).isEqualTo(file.toAbsolutePath());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir))).isEqualTo("rwx------");
        String keyText = Files.readString(file).trim();
        assertThat(jdbc.queryForObject("select fingerprint from master_key_state", String.class))
                .isEqualTo(created.fingerprint()).doesNotContain(keyText);
        assertThat(audit()).containsExactly("master_key.recorded");
        // the next start reads the same key and makes nothing
        assertThat(guard(null).check().fingerprint()).isEqualTo(created.fingerprint());
        assertThat(Files.readString(file).trim()).isEqualTo(keyText);
    }

    @Test
    void withSecretsStoredAMissingKeyStopsTheStartNamingTheFileAndTheVariableAndMakesNoKey() {
        MasterKey key = guard(KEY_A).check();
        insertInstance("a", new SecretCipher(key).encrypt("ssh-secret"), null);

        assertThatThrownBy(() -> guard(null).check())
                .isInstanceOf(MasterKeyException.class)
                .hasMessageContaining("no master key was found")
                .hasMessageContaining("PANEL_MASTER_KEY")
                .hasMessageContaining(dataDir.resolve("master.key").toAbsolutePath().toString())
                .hasMessageContaining("Restore the key file")
                .hasMessageContaining("does not make a new key")
                .hasMessageContaining(key.keyId());
        assertThat(dataDir.resolve(MasterKey.KEY_FILE)).doesNotExist();
    }

    @Test
    void withSecretsStoredAnotherKeyStopsTheStartAndTheRightOneRuns() throws Exception {
        Files.writeString(dataDir.resolve(MasterKey.KEY_FILE), KEY_A + "\n");
        MasterKey a = guard(null).check();
        long id = insertInstance("a", new SecretCipher(a).encrypt("ssh-secret"), null);

        Files.writeString(dataDir.resolve(MasterKey.KEY_FILE), KEY_B + "\n");
        assertThatThrownBy(() -> guard(null).check())
                .isInstanceOf(MasterKeyException.class)
                .hasMessageContaining("The master key from the key file " + dataDir.resolve("master.key").toAbsolutePath())
                .hasMessageContaining("is not the key")
                .hasMessageContaining(a.keyId())
                .hasMessageContaining("Restore the original key file")
                .hasMessageContaining("--panel.rotate-master-key=");
        assertThatThrownBy(() -> guard(KEY_B).check()).hasMessageContaining("PANEL_MASTER_KEY (panel.master-key)")
                .hasMessageContaining("Set PANEL_MASTER_KEY to the original key");

        Files.writeString(dataDir.resolve(MasterKey.KEY_FILE), KEY_A + "\n");
        assertThat(new SecretCipher(guard(null).check()).decrypt(column("ssh_password_enc", id))).isEqualTo("ssh-secret");
    }

    @Test
    void withNothingEncryptedAnotherKeyReplacesTheRecordedOneLoudlyButAMissingOneIsNotMadeAgain() throws Exception {
        MasterKey a = guard(KEY_A).check();
        MasterKey b = guard(KEY_B).check();
        assertThat(jdbc.queryForObject("select fingerprint from master_key_state", String.class)).isEqualTo(b.fingerprint());
        assertThat(jdbc.queryForObject("select previous_fingerprint from master_key_state", String.class))
                .isEqualTo(a.fingerprint());
        assertThat(audit()).containsExactly("master_key.recorded", "master_key.replaced");
        // a key was recorded: the install is not empty any more, so no key file appears by itself
        assertThatThrownBy(() -> guard(null).check()).isInstanceOf(MasterKeyException.class)
                .hasMessageContaining("openssl rand -base64 32 > " + dataDir.resolve("master.key").toAbsolutePath());
        assertThat(dataDir.resolve(MasterKey.KEY_FILE)).doesNotExist();
    }

    @Test
    void valuesFromBeforeTheRecordedKeyAreCheckedAndStampedOrTheStartListsTheOnesThatDoNotOpen() {
        String legacy = legacyValue(KEY_A, "old-ssh-secret");
        long one = insertInstance("legacy-1", legacy, legacyValue(KEY_A, "old-db-secret"));
        // the bug before: a new key was made and the next instance saved under it
        long other = insertInstance("legacy-2", legacyValue(KEY_B, "under-another-key"), null);

        assertThatThrownBy(() -> guard(KEY_A).check()).isInstanceOf(MasterKeyException.class)
                .hasMessageContaining("cannot be decrypted")
                .hasMessageContaining("instance " + other + " ssh_password_enc")
                .message().doesNotContain("instance " + one + " ");
        assertThat(jdbc.queryForObject("select count(*) from master_key_state", Integer.class)).isZero();

        jdbc.update("delete from instance where id = ?", other);
        MasterKey a = guard(KEY_A).check();
        assertThat(column("ssh_password_enc", one)).startsWith("gcm2:" + a.keyId() + ":");
        SecretCipher cipher = new SecretCipher(a);
        assertThat(cipher.decrypt(column("ssh_password_enc", one))).isEqualTo("old-ssh-secret");
        assertThat(cipher.decrypt(column("db_password_enc", one))).isEqualTo("old-db-secret");
        assertThat(audit()).containsExactly("master_key.recorded");
    }

    @Test
    void aValueUnderAForeignKeyIdStopsTheStart() {
        MasterKey a = guard(KEY_A).check();
        insertInstance("ok", new SecretCipher(a).encrypt("x"), null);
        insertInstance("foreign", new SecretCipher(MasterKey.parse(KEY_B, "b")).encrypt("y"), null);
        assertThatThrownBy(() -> guard(KEY_A).check()).isInstanceOf(MasterKeyException.class)
                .hasMessageContaining("under another master key");
    }

    @Test
    void anInterruptedRotationStopsTheStartAndARunAgainFinishesIt() throws Exception {
        Files.writeString(dataDir.resolve(MasterKey.KEY_FILE), KEY_A + "\n");
        MasterKey a = guard(null).check();
        SecretCipher oldCipher = new SecretCipher(a);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(insertInstance("i" + i, oldCipher.encrypt("ssh-" + i), oldCipher.encrypt("db-" + i)));
        }
        Path newKey = dataDir.resolve("new.key");
        Files.writeString(newKey, KEY_B + "\n");
        MasterKey b = MasterKey.readFile(newKey);

        List<String> done = new ArrayList<>();
        EncryptedData.Progress stopAfterTwo = item -> {
            done.add(item);
            if (done.size() == 2) {
                throw new IllegalStateException("power cut");
            }
        };
        assertThatThrownBy(() -> rotation(null).rotate(newKey, stopAfterTwo)).hasMessage("power cut");
        // half and half, each row whole under one key; the old key file still in place
        assertThat(column("ssh_password_enc", ids.get(0))).startsWith("gcm2:" + b.keyId());
        assertThat(column("db_password_enc", ids.get(0))).startsWith("gcm2:" + b.keyId());
        assertThat(column("ssh_password_enc", ids.get(3))).startsWith("gcm2:" + a.keyId());
        assertThat(MasterKey.readFile(dataDir.resolve(MasterKey.KEY_FILE)).fingerprint()).isEqualTo(a.fingerprint());
        assertThatThrownBy(() -> guard(null).check()).isInstanceOf(MasterKeyException.class)
                .hasMessageContaining("did not finish").hasMessageContaining("--panel.rotate-master-key=");

        MasterKeyRotation.Result result = rotation(null).rotate(newKey, EncryptedData.Progress.NONE);
        assertThat(result.reencrypted()).isEqualTo(4); // the two rows left, two values each
        assertThat(MasterKey.readFile(dataDir.resolve(MasterKey.KEY_FILE)).fingerprint()).isEqualTo(b.fingerprint());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve(MasterKey.KEY_FILE))))
                .isEqualTo("rw-------");
        MasterKey now = guard(null).check();
        assertThat(now.fingerprint()).isEqualTo(b.fingerprint());
        SecretCipher newCipher = new SecretCipher(now);
        for (int i = 0; i < 4; i++) {
            assertThat(newCipher.decrypt(column("ssh_password_enc", ids.get(i)))).isEqualTo("ssh-" + i);
            assertThat(newCipher.decrypt(column("db_password_enc", ids.get(i)))).isEqualTo("db-" + i);
        }
        assertThat(audit()).containsSubsequence("master_key.recorded", "master_key.rotation_started",
                "master_key.rotation_resumed", "master_key.installed", "master_key.rotated");
        // a second run with the same file has nothing left to do
        assertThat(rotation(null).rotate(newKey, EncryptedData.Progress.NONE).reencrypted()).isZero();
    }

    @Test
    void withTheKeyInTheEnvironmentTheRotationTellsToSetItAndTheOldValueIsRefusedAfterwards() throws Exception {
        MasterKey a = guard(KEY_A).check();
        long id = insertInstance("env", new SecretCipher(a).encrypt("ssh-env"), null);
        Path newKey = dataDir.resolve("new.key");
        Files.writeString(newKey, Base64.getEncoder().encodeToString(HexFormat.of().parseHex(KEY_B)));

        MasterKeyRotation.Result result = rotation(KEY_A).rotate(newKey, EncryptedData.Progress.NONE);
        assertThat(result.next()).contains("Set PANEL_MASTER_KEY to the new key");
        assertThat(dataDir.resolve(MasterKey.KEY_FILE)).doesNotExist();
        assertThatThrownBy(() -> guard(KEY_A).check()).isInstanceOf(MasterKeyException.class)
                .hasMessageContaining("the key from before the rotation")
                .hasMessageContaining("Set PANEL_MASTER_KEY to the new key");
        assertThat(new SecretCipher(guard(KEY_B).check()).decrypt(column("ssh_password_enc", id))).isEqualTo("ssh-env");
    }

    MasterKeyRotation rotation(String masterKey) {
        return new MasterKeyRotation(jdbc, data(), props(masterKey), clock, "cli:test");
    }

    /** A value as the panel wrote it before key ids: gcm1: + base64(iv || AES-GCM, no associated data). */
    static String legacyValue(String hexKey, String plain) {
        try {
            byte[] iv = new byte[12];
            new java.security.SecureRandom().nextBytes(iv);
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(HexFormat.of().parseHex(hexKey), "AES"),
                    new GCMParameterSpec(128, iv));
            byte[] sealed = gcm.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] all = new byte[12 + sealed.length];
            System.arraycopy(iv, 0, all, 0, 12);
            System.arraycopy(sealed, 0, all, 12, sealed.length);
            return "gcm1:" + Base64.getEncoder().encodeToString(all);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
