package dev.migrationpanel.artifact;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where artifacts (backups the jobs take) are stored and how long they are kept ({@code panel.artifacts.*}).
 *
 * @param dir             the artifact directory; {@code <panel.data-dir>/artifacts} when unset
 * @param keepPerInstance per instance, the newest this many artifacts are kept
 * @param keepDays        artifacts older than this many days are deleted (the newest per instance too)
 * @param cleanupInterval pause between two retention runs
 */
@ConfigurationProperties("panel.artifacts")
public record ArtifactProperties(
        Path dir,
        @DefaultValue("10") int keepPerInstance,
        @DefaultValue("30") int keepDays,
        @DefaultValue("1h") Duration cleanupInterval) {

    public ArtifactProperties {
        if (keepPerInstance < 1) {
            throw new IllegalArgumentException("panel.artifacts.keep-per-instance must be at least 1");
        }
        if (keepDays < 1) {
            throw new IllegalArgumentException("panel.artifacts.keep-days must be at least 1");
        }
        if (cleanupInterval == null || cleanupInterval.isNegative() || cleanupInterval.isZero()) {
            throw new IllegalArgumentException("panel.artifacts.cleanup-interval must be positive");
        }
    }

    /** The configured directory, or {@code artifacts} under the panel's data directory. */
    public Path resolveDir(Path dataDir) {
        return (dir != null ? dir : dataDir.resolve("artifacts")).toAbsolutePath().normalize();
    }
}
