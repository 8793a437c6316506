package dev.migrationpanel.instance;

import java.util.List;
import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;

public interface InstanceRepository extends JpaRepository<Instance, Long> {

    List<Instance> findAllByOrderByNameAsc();

    Optional<Instance> findByNameIgnoreCase(String name);
}
