package dev.migrationpanel.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.SecretKey;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.migrationpanel.settings.PanelProperties;
import dev.migrationpanel.security.EncryptedData;
import dev.migrationpanel.security.SecretCipher;

/**
 * The encrypted artifacts' data keys, as the master key's check and rotation see them. Each encrypted artifact
 * (not deleted) has its data key in {@code artifact.wrapped_key}, under one master key; an artifact from
 * before wrapped keys has none and was sealed under the key derived from the master key
 * ({@link ArtifactStore#KEY_PURPOSE}). Re-encrypting re-wraps the data key, one row per statement, and never
 * rewrites the file. Plain JDBC: the rotation command runs without JPA.
 */
@Component
public class ArtifactKeyRing implements EncryptedData {

    private static final String ROWS = "select id, name, wrapped_key, storage_path from artifact"
            + " where encrypted = true and deleted_at is null";

    private final JdbcTemplate jdbc;
    private final Path dir;

    @Autowired
    public ArtifactKeyRing(JdbcTemplate jdbc, ArtifactProperties properties, PanelProperties panel) {
        this(jdbc, properties.resolveDir(panel.dataDir()));
    }

    ArtifactKeyRing(JdbcTemplate jdbc, Path dir) {
        this.jdbc = jdbc;
        this.dir = dir.toAbsolutePath().normalize();
    }

    private record Row(String id, String name, String wrappedKey, String storagePath) {
    }

    private List<Row> rows() {
        return jdbc.query(ROWS, (rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
    }

    @Override
    public String describe() {
        return "artifact data keys";
    }

    @Override
    public Map<String, Long> countByKeyId() {
        Map<String, Long> counts = new TreeMap<>();
        for (Row row : rows()) {
            String id = row.wrappedKey() == null ? "" : SecretCipher.keyIdOf(row.wrappedKey());
            counts.merge(id == null ? "?" : id, 1L, Long::sum);
        }
        return counts;
    }

    @Override
    public List<String> unreadable(SecretCipher cipher, int max) {
        List<String> bad = new ArrayList<>();
        for (Row row : rows()) {
            if (bad.size() >= max) {
                break;
            }
            String keyId = row.wrappedKey() == null ? "" : SecretCipher.keyIdOf(row.wrappedKey());
            boolean readable;
            if (keyId == null) {
                readable = false;
            } else if (keyId.isEmpty()) {
                readable = firstSegmentOpens(row, cipher.deriveKey(ArtifactStore.KEY_PURPOSE));
            } else if (keyId.equals(cipher.keyId())) {
                readable = unwraps(row, cipher);
            } else {
                continue; // under another key: counted, not this method's question
            }
            if (!readable) {
                bad.add("artifact " + row.id() + " '" + row.name() + "'");
            }
        }
        return bad;
    }

    @Override
    public long reencrypt(SecretCipher from, SecretCipher to, Progress progress) {
        long changed = 0;
        for (Row row : rows()) {
            if (row.wrappedKey() != null && to.keyId().equals(SecretCipher.keyIdOf(row.wrappedKey()))) {
                continue;
            }
            SecretKey dataKey = row.wrappedKey() == null ? from.deriveKey(ArtifactStore.KEY_PURPOSE)
                    : from.unwrapKey(row.wrappedKey(), row.id());
            String wrapped = to.wrapKey(dataKey, row.id());
            // guarded by the old value: a row changed meanwhile is left for the next run to see
            int n = row.wrappedKey() == null
                    ? jdbc.update("update artifact set wrapped_key = ? where id = ? and wrapped_key is null", wrapped, row.id())
                    : jdbc.update("update artifact set wrapped_key = ? where id = ? and wrapped_key = ?", wrapped, row.id(),
                            row.wrappedKey());
            if (n == 1) {
                changed++;
                progress.reencrypted("artifact " + row.id());
            }
        }
        return changed;
    }

    private static boolean unwraps(Row row, SecretCipher cipher) {
        try {
            cipher.unwrapKey(row.wrappedKey(), row.id());
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /**
     * Whether the file's first segment authenticates under {@code key} (64 KiB read at most). A file that is gone
     * counts as readable: it is a lost artifact, not a question of keys.
     */
    private boolean firstSegmentOpens(Row row, SecretKey key) {
        Path file = dir.resolve(row.storagePath() == null ? "" : row.storagePath()).normalize();
        if (!file.startsWith(dir) || file.equals(dir)) {
            return false;
        }
        try (InputStream in = new SegmentedGcm.DecryptingInputStream(Files.newInputStream(file), key, row.id(),
                "The artifact " + row.id())) {
            in.read();
            return true;
        } catch (NoSuchFileException gone) {
            return true;
        } catch (ArtifactCorruptException e) {
            return false;
        } catch (IOException e) {
            return true; // unreadable for another reason (permissions, I/O): the key is not what failed
        }
    }
}
