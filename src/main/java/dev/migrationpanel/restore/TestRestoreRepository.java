package dev.migrationpanel.restore;

import java.util.Collection;
import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;

interface TestRestoreRepository extends JpaRepository<TestRestore, Long> {

    List<TestRestore> findByArtifactIdInOrderByIdDesc(Collection<String> artifactIds);

    List<TestRestore> findByJobId(Long jobId);
}
