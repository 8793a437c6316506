package dev.migrationpanel.artifact;

import java.io.IOException;
import java.io.OutputStream;

/** Writes an artifact's original content. Closing {@code out} is allowed and does nothing. */
@FunctionalInterface
public interface ArtifactWriter {
    void writeTo(OutputStream out) throws IOException;
}
