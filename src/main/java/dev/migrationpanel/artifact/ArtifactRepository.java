package dev.migrationpanel.artifact;

import java.time.Instant;
import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface ArtifactRepository extends JpaRepository<Artifact, String> {

    List<Artifact> findByJobIdAndDeletedAtIsNullOrderByCreatedAtAscIdAsc(Long jobId);

    List<Artifact> findByInstanceIdAndDeletedAtIsNullOrderByCreatedAtDescIdDesc(Long instanceId);

    List<Artifact> findByDeletedAtIsNullAndCreatedAtBeforeOrderByCreatedAtAsc(Instant cutoff);

    org.springframework.data.domain.Page<Artifact> findByDeletedAtIsNullAndKindIn(java.util.Collection<ArtifactKind> kinds,
            org.springframework.data.domain.Pageable page);

    org.springframework.data.domain.Page<Artifact> findByDeletedAtIsNullAndKindInAndInstanceId(
            java.util.Collection<ArtifactKind> kinds, Long instanceId, org.springframework.data.domain.Pageable page);

    @Query("select distinct a.instanceId from Artifact a where a.deletedAt is null and a.instanceId is not null")
    List<Long> findInstanceIdsWithArtifacts();
}
