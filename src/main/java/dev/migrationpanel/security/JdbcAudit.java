package dev.migrationpanel.security;

import java.sql.Timestamp;
import java.time.Clock;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Writes an audit line with plain JDBC, for what happens before JPA is up (the master key's check at start,
 * which the entity manager depends on) or without it (the key rotation command). Same table and rules as
 * {@link AuditService}: details never carry a secret.
 */
final class JdbcAudit {

    static final String TARGET_TYPE = "master_key";

    private final JdbcTemplate jdbc;
    private final Clock clock;

    JdbcAudit(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    void record(String actor, String action, String targetName, String detail) {
        String who = actor == null || actor.isBlank() ? AuditService.SYSTEM
                : actor.length() > 64 ? actor.substring(0, 64) : actor;
        String what = detail != null && detail.length() > 2000 ? detail.substring(0, 1999) + "…" : detail;
        jdbc.update("insert into audit_event (occurred_at, actor, action, target_type, target_id, target_name, detail)"
                + " values (?, ?, ?, ?, ?, ?, ?)", Timestamp.from(clock.instant()), who, action, TARGET_TYPE, null,
                targetName, what);
    }
}
