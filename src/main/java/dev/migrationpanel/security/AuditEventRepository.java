package dev.migrationpanel.security;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface AuditEventRepository extends JpaRepository<AuditEvent, Long> {

    Page<AuditEvent> findAllByOrderByOccurredAtDescIdDesc(Pageable pageable);

    Page<AuditEvent> findByTargetTypeAndTargetIdOrderByOccurredAtDescIdDesc(String targetType, String targetId,
            Pageable pageable);

    /** Newest first; a null actor or target type means "any". */
    @Query(value = "select e from AuditEvent e where (:actor is null or e.actor = :actor)"
            + " and (:targetType is null or e.targetType = :targetType) order by e.occurredAt desc, e.id desc",
            countQuery = "select count(e) from AuditEvent e where (:actor is null or e.actor = :actor)"
            + " and (:targetType is null or e.targetType = :targetType)")
    Page<AuditEvent> search(@Param("actor") String actor, @Param("targetType") String targetType, Pageable pageable);

    @Query("select distinct e.targetType from AuditEvent e order by e.targetType")
    List<String> findTargetTypes();
}
