package dev.migrationpanel.security;

import java.util.List;

import org.springframework.data.domain.Page;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.tags.Tag;

/** {@code GET /api/v1/me} and {@code GET /api/v1/audit}: any role, personal API token required. */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Audit", description = "The audit trail: who did what, when")
class SecurityApiController {

    static final int MAX_PAGE_SIZE = 200;

    private final AuditService audit;

    SecurityApiController(AuditService audit) {
        this.audit = audit;
    }

    record Me(String username, Role role) {
    }

    record AuditEventJson(Long id, String occurredAt, String actor, String action, String targetType,
            String targetId, String targetName, String detail) {
        static AuditEventJson of(AuditEvent e) {
            return new AuditEventJson(e.getId(), Times.utc(e.getOccurredAt()), e.getActor(), e.getAction(),
                    e.getTargetType(), e.getTargetId(), e.getTargetName(), e.getDetail());
        }
    }

    record AuditPage(List<AuditEventJson> content, int page, int size, long totalElements, int totalPages) {
    }

    @GetMapping("/me")
    Me me(Authentication auth) {
        return new Me(auth.getName(), Roles.highest(auth.getAuthorities()));
    }

    @GetMapping("/audit")
    AuditPage audit(@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size,
            @RequestParam(required = false) String actor, @RequestParam(required = false) String targetType) {
        int bounded = Math.min(Math.max(size, 1), MAX_PAGE_SIZE);
        Page<AuditEvent> events = audit.search(actor, targetType, page, bounded);
        return new AuditPage(events.getContent().stream().map(AuditEventJson::of).toList(), events.getNumber(),
                bounded, events.getTotalElements(), events.getTotalPages());
    }
}
