package dev.migrationpanel.instance;

import java.util.List;
import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;

public interface InstanceCheckRepository extends JpaRepository<InstanceCheck, Long> {

    Optional<InstanceCheck> findFirstByInstanceIdOrderByStartedAtDescIdDesc(Long instanceId);

    List<InstanceCheck> findTop10ByInstanceIdOrderByStartedAtDescIdDesc(Long instanceId);
}
