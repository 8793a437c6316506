package dev.migrationpanel.artifact;

import java.io.IOException;

/** Reading an artifact found it changed, truncated or reordered since it was stored. One line, no content. */
public class ArtifactCorruptException extends IOException {

    private static final long serialVersionUID = 1L;

    public ArtifactCorruptException(String message) {
        super(message);
    }
}
