package dev.migrationpanel.security;

import java.time.Clock;
import java.time.Instant;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Records the audit trail. The actor is the signed-in user (or the API token's owner); work the panel
 * does by itself is recorded as {@code system}. Details must never carry a secret.
 */
@Service
public class AuditService {

    public static final String SYSTEM = "system";
    private static final int MAX_DETAIL = 2000;

    private final AuditEventRepository events;
    private final Clock clock;

    public AuditService(AuditEventRepository events, Clock clock) {
        this.events = events;
        this.clock = clock;
    }

    /** Recorded even when the caller's transaction rolls back: a failed attempt is worth auditing too. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void record(String action, String targetType, Object targetId, String targetName, String detail) {
        events.save(new AuditEvent(Instant.now(clock), currentActor(), action, targetType,
                targetId == null ? null : String.valueOf(targetId), targetName, truncate(detail)));
    }

    public static String currentActor() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth == null || !auth.isAuthenticated() || auth.getName() == null ? SYSTEM : auth.getName();
    }

    private static String truncate(String detail) {
        return detail == null || detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL - 1) + "…";
    }
}
