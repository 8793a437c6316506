package dev.migrationpanel.restore;

import java.util.List;
import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;

interface ScratchServerRepository extends JpaRepository<ScratchServer, Long> {

    List<ScratchServer> findAllByOrderByNameAsc();

    Optional<ScratchServer> findByNameIgnoreCase(String name);
}
