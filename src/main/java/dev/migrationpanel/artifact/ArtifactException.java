package dev.migrationpanel.artifact;

/** An artifact could not be stored or removed. The message is one line written for an admin. */
public class ArtifactException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ArtifactException(String message) {
        super(message);
    }

    public ArtifactException(String message, Throwable cause) {
        super(message, cause);
    }
}
