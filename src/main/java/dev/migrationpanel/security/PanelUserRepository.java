package dev.migrationpanel.security;

import java.util.List;
import java.util.Optional;

import jakarta.persistence.LockModeType;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

public interface PanelUserRepository extends JpaRepository<PanelUser, Long> {

    Optional<PanelUser> findByUsername(String username);

    boolean existsByUsernameIgnoreCase(String username);

    List<PanelUser> findAllByOrderByUsernameAsc();

    /** Locks the enabled admins, so two admins demoting each other at once cannot leave none. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select u from PanelUser u where u.role = dev.migrationpanel.security.Role.ADMIN and u.enabled = true")
    List<PanelUser> lockEnabledAdmins();
}
