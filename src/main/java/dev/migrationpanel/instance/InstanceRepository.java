package dev.migrationpanel.instance;

import java.util.List;
import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface InstanceRepository extends JpaRepository<Instance, Long> {

    List<Instance> findAllByOrderByNameAsc();

    @Query("select new dev.migrationpanel.instance.InstanceName(i.id, i.name) from Instance i order by i.name")
    List<InstanceName> findNamesOrderByName();

    Optional<Instance> findByNameIgnoreCase(String name);
}
