package dev.migrationpanel.artifact;

/**
 * What is known about an artifact before its bytes are written.
 *
 * @param jobId       the job that took it, or null
 * @param instanceId  the instance it belongs to, or null
 * @param step        the job step's position, or null
 * @param name        the file name offered on download, e.g. {@code dump.sql}
 * @param kind        what it holds
 * @param contentType media type of the original content; {@code application/octet-stream} when null
 * @param secret      encrypt at rest and let only admins download ({@link ArtifactKind#ENV_FILE} always is)
 */
public record ArtifactSpec(Long jobId, Long instanceId, Integer step, String name, ArtifactKind kind,
        String contentType, boolean secret) {

    /** Secret when asked for, and always for an {@code .env} copy. */
    public boolean encrypted() {
        return secret || (kind != null && kind.alwaysSecret());
    }
}
