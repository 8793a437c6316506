package dev.migrationpanel.artifact;

/**
 * What an artifact holds. An {@link #ENV_FILE} is always stored encrypted and only admins download it; an
 * {@link #UPLOAD} is a file an admin gave the panel to place in an install (a vendor's Composer files);
 * {@link #CREDENTIALS} are sign-in secrets the panel uses itself: always encrypted, downloaded by no one.
 */
public enum ArtifactKind {
    DB_DUMP, ENV_FILE, FILE_ARCHIVE, LOG, OTHER, UPLOAD, CREDENTIALS;

    /** Kept encrypted whatever the writer asks. */
    public boolean alwaysSecret() {
        return this == ENV_FILE || this == CREDENTIALS;
    }
}
