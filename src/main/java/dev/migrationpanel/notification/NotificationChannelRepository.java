package dev.migrationpanel.notification;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;

interface NotificationChannelRepository extends JpaRepository<NotificationChannel, Long> {

    List<NotificationChannel> findAllByOrderByIdAsc();

    List<NotificationChannel> findByEnabledTrue();
}
