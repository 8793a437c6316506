package dev.migrationpanel.artifact;

import java.time.Instant;

/** An artifact's metadata as the API shows it; never its storage path. */
public record ArtifactView(String id, Long jobId, Long instanceId, Integer step, String name, ArtifactKind kind,
        String contentType, long sizeBytes, long storedBytes, String sha256, boolean compressed, boolean encrypted,
        Instant createdAt, boolean deleted, Instant deletedAt, String deletedBy) {

    public static ArtifactView of(Artifact a) {
        return new ArtifactView(a.getId(), a.getJobId(), a.getInstanceId(), a.getStep(), a.getName(), a.getKind(),
                a.getContentType(), a.getSizeBytes(), a.getStoredBytes(), a.getSha256(), a.isCompressed(),
                a.isEncrypted(), a.getCreatedAt(), a.isDeleted(), a.getDeletedAt(), a.getDeletedBy());
    }
}
