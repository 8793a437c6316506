package dev.migrationpanel.artifact;

/** What an artifact holds. An {@link #ENV_FILE} is always stored encrypted and only admins download it. */
public enum ArtifactKind {
    DB_DUMP, ENV_FILE, FILE_ARCHIVE, LOG, OTHER
}
