package dev.migrationpanel.security;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
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

    /**
     * Records with an explicit actor, for events that happen before or outside a signed-in request
     * (sign-in attempts, first start). The actor is cut to the column's 64 characters.
     */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void recordAs(String actor, String action, String targetType, Object targetId, String targetName,
            String detail) {
        String who = actor == null || actor.isBlank() ? SYSTEM : actor.length() > 64 ? actor.substring(0, 64) : actor;
        events.save(new AuditEvent(Instant.now(clock), who, action, targetType,
                targetId == null ? null : String.valueOf(targetId), cut(targetName, 200), truncate(detail)));
    }

    /** The trail newest first; blank filters mean "any". Page numbers start at 0. */
    @Transactional(readOnly = true)
    public Page<AuditEvent> search(String actor, String targetType, int page, int size) {
        return events.search(blankToNull(actor), blankToNull(targetType),
                PageRequest.of(Math.max(page, 0), Math.max(1, size)));
    }

    @Transactional(readOnly = true)
    public List<String> targetTypes() {
        return events.findTargetTypes();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

    public static String currentActor() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth == null || !auth.isAuthenticated() || auth instanceof AnonymousAuthenticationToken
                || auth.getName() == null ? SYSTEM : auth.getName();
    }

    private static String truncate(String detail) {
        return detail == null || detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL - 1) + "…";
    }
}
