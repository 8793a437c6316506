package dev.migrationpanel.artifact;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.migrationpanel.security.AuditService;

/**
 * Deletes artifacts the retention rules no longer keep: per instance all but the newest
 * {@code keep-per-instance}, and anything older than {@code keep-days}. An artifact of a job that is still
 * active is never deleted. Deletions are audited with actor {@code system} and the rule as the reason.
 */
@Component
public class ArtifactRetention {

    private static final Logger log = LoggerFactory.getLogger(ArtifactRetention.class);
    /** Temp files of writes a crash interrupted are removed once they are this old. */
    private static final Duration STALE_TEMP = Duration.ofDays(1);

    private final ArtifactStore store;
    private final ArtifactRepository repository;
    private final ArtifactUsage usage;
    private final int keepPerInstance;
    private final int keepDays;
    private final Clock clock;

    public ArtifactRetention(ArtifactStore store, ArtifactRepository repository, ArtifactUsage usage,
            ArtifactProperties properties, Clock clock) {
        this.store = store;
        this.repository = repository;
        this.usage = usage;
        this.keepPerInstance = properties.keepPerInstance();
        this.keepDays = properties.keepDays();
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${panel.artifacts.cleanup-interval:1h}", initialDelayString = "PT1M")
    public void scheduledCleanup() {
        try {
            List<String> deleted = cleanup();
            if (!deleted.isEmpty()) {
                log.info("Artifact retention deleted {} artifact(s)", deleted.size());
            }
        } catch (RuntimeException e) {
            log.warn("Artifact retention failed and runs again later: {}", e.getMessage());
        }
    }

    /** Applies the rules once; returns the ids it deleted. */
    public List<String> cleanup() {
        Map<String, Candidate> candidates = new LinkedHashMap<>();
        for (Long instanceId : repository.findInstanceIdsWithArtifacts()) {
            List<Artifact> newestFirst = repository.findByInstanceIdAndDeletedAtIsNullOrderByCreatedAtDescIdDesc(instanceId);
            for (Artifact extra : newestFirst.subList(Math.min(keepPerInstance, newestFirst.size()), newestFirst.size())) {
                candidates.putIfAbsent(extra.getId(), new Candidate(extra, "retention: instance " + instanceId
                        + " keeps its newest " + keepPerInstance + " artifacts"));
            }
        }
        Instant cutoff = clock.instant().minus(Duration.ofDays(keepDays));
        for (Artifact old : repository.findByDeletedAtIsNullAndCreatedAtBeforeOrderByCreatedAtAsc(cutoff)) {
            candidates.putIfAbsent(old.getId(), new Candidate(old, "retention: older than " + keepDays + " days"));
        }
        List<String> deleted = new ArrayList<>();
        for (Candidate candidate : candidates.values()) {
            Artifact artifact = candidate.artifact();
            if (artifact.getJobId() != null && usage.isJobActive(artifact.getJobId())) {
                continue; // its job may still read it
            }
            try {
                store.deleteAs(AuditService.SYSTEM, artifact, candidate.reason());
                deleted.add(artifact.getId());
            } catch (RuntimeException e) {
                log.warn("Artifact retention could not delete {}: {}", artifact, e.getMessage());
            }
        }
        removeStaleTempFiles();
        return deleted;
    }

    private void removeStaleTempFiles() {
        Path dir = store.directory();
        if (!Files.isDirectory(dir)) {
            return;
        }
        Instant staleBefore = clock.instant().minus(STALE_TEMP);
        try (Stream<Path> files = Files.walk(dir, 3)) {
            files.filter(f -> f.getFileName().toString().startsWith(".") && f.getFileName().toString().endsWith(".part"))
                    .filter(f -> lastModified(f).isBefore(staleBefore))
                    .forEach(f -> {
                        try {
                            Files.deleteIfExists(f);
                        } catch (IOException e) {
                            log.warn("Could not remove the stale artifact temp file {}: {}", f, e.getMessage());
                        }
                    });
        } catch (IOException | RuntimeException e) {
            log.warn("Could not look for stale artifact temp files: {}", e.getMessage());
        }
    }

    private static Instant lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return Instant.MAX;
        }
    }

    private record Candidate(Artifact artifact, String reason) {
    }
}
