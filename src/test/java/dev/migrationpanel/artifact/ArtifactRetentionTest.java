package dev.migrationpanel.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.domain.PageRequest;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobRepository;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.security.AuditEvent;
import dev.migrationpanel.security.AuditEventRepository;

/** Retention by count per instance and by age, never touching an active job's artifacts. */
@ArtifactSpringTest
class ArtifactRetentionTest {

    @Autowired
    ArtifactStore store;
    @Autowired
    ArtifactRepository repository;
    @Autowired
    AuditEventRepository audit;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobRepository jobs;
    @Autowired
    ArtifactUsage usage;
    @Autowired
    ArtifactProperties properties;
    @Autowired
    Clock clock;

    private Artifact artifact(Long job, long instance, Instant createdAt) {
        Artifact saved = store.write(new ArtifactSpec(job, instance, 1, "dump.sql", ArtifactKind.DB_DUMP, null, false),
                Payloads.random(100, instance));
        jdbc.update("update artifact set created_at = ? where id = ?", Timestamp.from(createdAt), saved.getId());
        return saved;
    }

    @Test
    void keepsTheNewestPerInstanceAndNothingOfAnActiveJobAndAuditsAsSystem() throws Exception {
        long instance = System.nanoTime();
        long other = instance + 1;
        long activeJob = instance + 2;
        Instant now = clock.instant();
        List<Artifact> newestFirst = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            // the fourth newest belongs to a job that still runs
            newestFirst.add(artifact(i == 3 ? activeJob : 100L + i, instance, now.minus(Duration.ofMinutes(i))));
        }
        Artifact otherInstance = artifact(200L, other, now.minus(Duration.ofHours(1)));
        Artifact oldOfOther = artifact(201L, other, now.minus(Duration.ofDays(31)));
        Artifact oldButActive = artifact(activeJob, other, now.minus(Duration.ofDays(40)));
        Artifact oldWithoutJob = artifact(null, other, now.minus(Duration.ofDays(45)));

        ArtifactRetention retention = new ArtifactRetention(store, repository, job -> job == activeJob,
                new ArtifactProperties(null, 3, 30, Duration.ofHours(1)), clock);
        List<String> deleted = retention.cleanup();

        Set<String> expected = Set.of(newestFirst.get(4).getId(), newestFirst.get(5).getId(), oldOfOther.getId(),
                oldWithoutJob.getId());
        assertThat(deleted).containsAll(expected);
        assertThat(deleted).doesNotContain(newestFirst.get(0).getId(), newestFirst.get(1).getId(),
                newestFirst.get(2).getId(), newestFirst.get(3).getId(), otherInstance.getId(), oldButActive.getId());
        assertThat(store.forInstance(instance)).extracting(Artifact::getId).containsExactly(
                newestFirst.get(0).getId(), newestFirst.get(1).getId(), newestFirst.get(2).getId(),
                newestFirst.get(3).getId());
        assertThat(store.forInstance(other)).extracting(Artifact::getId)
                .containsExactlyInAnyOrder(otherInstance.getId(), oldButActive.getId());

        for (String id : expected) {
            Artifact row = repository.findById(id).orElseThrow();
            assertThat(row.getDeletedBy()).isEqualTo("system");
            assertThat(store.directory().resolve(row.getStoragePath())).doesNotExist();
            AuditEvent event = audit.findByTargetTypeAndTargetIdOrderByOccurredAtDescIdDesc("artifact", id,
                    PageRequest.of(0, 5)).getContent().get(0);
            assertThat(event.getAction()).isEqualTo("artifact.deleted");
            assertThat(event.getActor()).isEqualTo("system");
            assertThat(event.getDetail()).contains("reason: retention: ");
        }
        assertThat(audit.findByTargetTypeAndTargetIdOrderByOccurredAtDescIdDesc("artifact",
                newestFirst.get(4).getId(), PageRequest.of(0, 5)).getContent().get(0).getDetail())
                .contains("instance " + instance + " keeps its newest 3 artifacts");
        assertThat(audit.findByTargetTypeAndTargetIdOrderByOccurredAtDescIdDesc("artifact",
                oldOfOther.getId(), PageRequest.of(0, 5)).getContent().get(0).getDetail())
                .contains("older than 30 days");
        assertThat(store.directory().resolve(oldButActive.getStoragePath())).exists();

        // once the job ends, its artifact goes too
        ArtifactRetention later = new ArtifactRetention(store, repository, job -> false,
                new ArtifactProperties(null, 3, 30, Duration.ofHours(1)), clock);
        assertThat(later.cleanup()).contains(oldButActive.getId(), newestFirst.get(3).getId());
    }

    @Test
    void staleTempFilesOfInterruptedWritesAreRemovedFreshOnesKept() throws Exception {
        Files.createDirectories(store.directory().resolve("2020/01"));
        var stale = Files.writeString(store.directory().resolve("2020/01/.11111111-1111-1111-1111-111111111111.part"), "x");
        Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.from(clock.instant().minus(Duration.ofDays(2))));
        var fresh = Files.writeString(store.directory().resolve("2020/01/.22222222-2222-2222-2222-222222222222.part"), "x");
        new ArtifactRetention(store, repository, job -> true, properties, clock).cleanup();
        assertThat(stale).doesNotExist();
        assertThat(fresh).exists();
        Files.delete(fresh);
    }

    @Test
    void theJobEnginesUsageAsksTheJobTable() {
        Job job = jobs.save(new Job("upgrade", "Upgrade test", null, null, "admin", clock.instant()));
        assertThat(usage.isJobActive(job.getId())).isTrue(); // QUEUED
        job.setStatus(JobStatus.WAITING);
        job = jobs.save(job);
        assertThat(usage.isJobActive(job.getId())).isTrue();
        job.setStatus(JobStatus.SUCCEEDED);
        job = jobs.save(job);
        assertThat(usage.isJobActive(job.getId())).isFalse();
        assertThat(usage.isJobActive(Long.MAX_VALUE)).isFalse();
    }
}
