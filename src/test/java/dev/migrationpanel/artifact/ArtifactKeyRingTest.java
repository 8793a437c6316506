package dev.migrationpanel.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.migrationpanel.security.AuditService;
import dev.migrationpanel.security.EncryptedData;
import dev.migrationpanel.security.MasterKey;
import dev.migrationpanel.security.SecretCipher;

/**
 * Encrypted artifacts under the master key: each has its own data key wrapped in its row; one from before
 * wrapped keys is checked against its file and wrapped; a rotation re-wraps the key and leaves the file alone.
 */
@ArtifactSpringTest
class ArtifactKeyRingTest {

    @Autowired
    ArtifactStore store;
    @Autowired
    ArtifactRepository repository;
    @Autowired
    AuditService audit;
    @Autowired
    SecretCipher cipher;
    @Autowired
    ArtifactKeyRing ring;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    Clock clock;

    static ArtifactSpec secret(String name) {
        return new ArtifactSpec(9L, null, 1, name, ArtifactKind.DB_DUMP, "application/sql", true);
    }

    String wrappedKey(Artifact a) {
        return jdbc.queryForObject("select wrapped_key from artifact where id = ?", String.class, a.getId());
    }

    @Test
    void eachEncryptedArtifactHasItsOwnDataKeyWrappedUnderTheMasterKey() throws Exception {
        Artifact one = store.write(secret("one.sql"), Payloads.random(70_000, 1));
        Artifact two = store.write(secret("two.sql"), Payloads.random(70_000, 1));
        assertThat(wrappedKey(one)).startsWith("gcm2:" + cipher.keyId() + ":");
        assertThat(cipher.unwrapKey(wrappedKey(one), one.getId()).getEncoded())
                .isNotEqualTo(cipher.unwrapKey(wrappedKey(two), two.getId()).getEncoded())
                .isNotEqualTo(cipher.deriveKey(ArtifactStore.KEY_PURPOSE).getEncoded());
        Artifact plain = store.write(new ArtifactSpec(9L, null, 1, "log.txt", ArtifactKind.OTHER, "text/plain", false),
                Payloads.random(10, 1));
        assertThat(wrappedKey(plain)).isNull();
    }

    @Test
    void anArtifactFromBeforeWrappedKeysIsCheckedAgainstItsFileThenWrapped() throws Exception {
        // written as the panel did before: sealed under the one key derived from the master key, no wrapped key
        ArtifactStore before = new ArtifactStore(store.directory(), cipher.deriveKey(ArtifactStore.KEY_PURPOSE),
                repository, audit, clock);
        Artifact old = before.write(secret("old.sql"), Payloads.random(100_000, 2));
        assertThat(wrappedKey(old)).isNull();
        assertThat(ring.countByKeyId()).containsKey("");

        SecretCipher other = new SecretCipher(MasterKey.parse(
                "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100", "other"));
        assertThat(ring.unreadable(cipher, 10)).noneMatch(s -> s.contains(old.getId()));
        assertThat(ring.unreadable(other, 10)).anyMatch(s -> s.contains(old.getId()) && s.contains("old.sql"));

        byte[] file = Files.readAllBytes(store.directory().resolve(old.getStoragePath()));
        ring.reencrypt(cipher, cipher, EncryptedData.Progress.NONE);
        assertThat(wrappedKey(old)).startsWith("gcm2:" + cipher.keyId() + ":");
        assertThat(Files.readAllBytes(store.directory().resolve(old.getStoragePath()))).isEqualTo(file);
        assertThat(Payloads.readAll(store.open(old.getId())).sha256()).isEqualTo(old.getSha256());
    }

    @Test
    void aRotationRewrapsTheDataKeyAndLeavesTheFileAsItWas() throws Exception {
        Artifact saved = store.write(secret("rotate.sql"), Payloads.random(200_000, 3));
        Path path = store.directory().resolve(saved.getStoragePath());
        byte[] file = Files.readAllBytes(path);
        SecretCipher next = new SecretCipher(MasterKey.parse(
                "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0", "next"));

        ring.reencrypt(cipher, next, EncryptedData.Progress.NONE);
        assertThat(wrappedKey(saved)).startsWith("gcm2:" + next.keyId() + ":");
        assertThat(Files.readAllBytes(path)).isEqualTo(file);
        ArtifactStore afterRotation = new ArtifactStore(store.directory(), next, repository, audit, clock,
                TempFile::onDisk, SegmentedGcm.DEFAULT_SEGMENT);
        assertThat(Payloads.readAll(afterRotation.open(saved.getId())).sha256()).isEqualTo(saved.getSha256());
        // the old master key no longer opens it
        assertThatThrownBy(() -> Payloads.readAll(store.open(saved.getId())))
                .isInstanceOf(ArtifactCorruptException.class).hasMessageContaining("data key does not open");
        ring.reencrypt(next, cipher, EncryptedData.Progress.NONE); // back, for the other tests of this context
    }
}
