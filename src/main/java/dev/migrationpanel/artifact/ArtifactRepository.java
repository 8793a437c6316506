package dev.migrationpanel.artifact;

import java.time.Instant;
import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface ArtifactRepository extends JpaRepository<Artifact, String> {

    List<Artifact> findByJobIdAndDeletedAtIsNullOrderByCreatedAtAscIdAsc(Long jobId);

    List<Artifact> findByInstanceIdAndDeletedAtIsNullOrderByCreatedAtDescIdDesc(Long instanceId);

    List<Artifact> findByDeletedAtIsNullAndCreatedAtBeforeOrderByCreatedAtAsc(Instant cutoff);

    @Query("select distinct a.instanceId from Artifact a where a.deletedAt is null and a.instanceId is not null")
    List<Long> findInstanceIdsWithArtifacts();
}
