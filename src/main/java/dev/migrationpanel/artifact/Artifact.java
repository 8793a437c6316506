package dev.migrationpanel.artifact;

import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;

import org.springframework.data.domain.Persistable;

/**
 * A stored artifact: a backup a job took (DB dump, {@code .env} copy, file archive, log). The file lives
 * under the artifact directory at {@link #getStoragePath()}; {@code sha256} and {@code sizeBytes} describe
 * the original content, {@code storedBytes} the file on disk (compressed, and encrypted when secret).
 */
@Entity
@Table(name = "artifact")
public class Artifact implements Persistable<String> {

    @Id
    private String id;
    private Long jobId;
    private Long instanceId;
    private Integer step;
    private String name;
    @Enumerated(EnumType.STRING)
    private ArtifactKind kind;
    private String contentType;
    private long sizeBytes;
    private long storedBytes;
    private String sha256;
    private boolean compressed;
    private boolean encrypted;
    /**
     * An encrypted artifact's own AES-256 data key, wrapped under the master key ({@code gcm2:<key id>:…}, bound
     * to this row's id); a master key rotation re-wraps it and leaves the file as it is.
     */
    private String wrappedKey;
    private String storagePath;
    private Instant createdAt;
    private Instant deletedAt;
    private String deletedBy;

    @Transient
    private boolean isNew;

    protected Artifact() {
    }

    Artifact(String id, ArtifactSpec spec, String name, String contentType, long sizeBytes, long storedBytes,
            String sha256, boolean encrypted, String wrappedKey, String storagePath, Instant createdAt) {
        this.id = id;
        this.jobId = spec.jobId();
        this.instanceId = spec.instanceId();
        this.step = spec.step();
        this.name = name;
        this.kind = spec.kind();
        this.contentType = contentType;
        this.sizeBytes = sizeBytes;
        this.storedBytes = storedBytes;
        this.sha256 = sha256;
        this.compressed = true;
        this.encrypted = encrypted;
        this.wrappedKey = wrappedKey;
        this.storagePath = storagePath;
        this.createdAt = createdAt;
        this.isNew = true;
    }

    void markDeleted(Instant when, String by) {
        this.deletedAt = when;
        this.deletedBy = by;
    }

    @PostLoad
    @PostPersist
    void markStored() {
        this.isNew = false;
    }

    @Override
    public boolean isNew() {
        return isNew;
    }

    @Override
    public String getId() { return id; }
    public Long getJobId() { return jobId; }
    public Long getInstanceId() { return instanceId; }
    public Integer getStep() { return step; }
    public String getName() { return name; }
    public ArtifactKind getKind() { return kind; }
    public String getContentType() { return contentType; }
    public long getSizeBytes() { return sizeBytes; }
    public long getStoredBytes() { return storedBytes; }
    public String getSha256() { return sha256; }
    public boolean isCompressed() { return compressed; }
    public boolean isEncrypted() { return encrypted; }
    /** Never shown to users; null for a plain artifact. */
    String getWrappedKey() { return wrappedKey; }
    /** Relative to the artifact directory; never shown to users. */
    String getStoragePath() { return storagePath; }
    public Instant getCreatedAt() { return createdAt; }
    public Instant getDeletedAt() { return deletedAt; }
    public String getDeletedBy() { return deletedBy; }

    public boolean isDeleted() {
        return deletedAt != null;
    }

    /** Only admins may download it: every encrypted artifact, and every {@code .env} copy. */
    public boolean isSecret() {
        return encrypted || kind.alwaysSecret();
    }

    @Override
    public String toString() {
        return "Artifact[" + id + " '" + name + "' " + kind + "]";
    }
}
