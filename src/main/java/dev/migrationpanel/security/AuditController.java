package dev.migrationpanel.security;

import org.springframework.data.domain.Page;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** {@code /audit}: the trail, newest first, 50 a page, filtered by actor and target type. */
@Controller
class AuditController {

    static final int PAGE_SIZE = 50;

    private final AuditService audit;

    AuditController(AuditService audit) {
        this.audit = audit;
    }

    record EventRow(String time, String actor, String action, String targetType, String targetId,
            String targetName, String detail) {
        static EventRow of(AuditEvent event) {
            return new EventRow(Times.utc(event.getOccurredAt()), event.getActor(), event.getAction(),
                    event.getTargetType(), event.getTargetId(), event.getTargetName(), event.getDetail());
        }
    }

    @GetMapping("/audit")
    String trail(@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "") String actor,
            @RequestParam(defaultValue = "") String targetType, Model model) {
        Page<AuditEvent> events = audit.search(actor, targetType, page, PAGE_SIZE);
        model.addAttribute("events", events.getContent().stream().map(EventRow::of).toList());
        model.addAttribute("page", events.getNumber());
        model.addAttribute("totalPages", events.getTotalPages());
        model.addAttribute("totalEvents", events.getTotalElements());
        model.addAttribute("hasPrevious", events.hasPrevious());
        model.addAttribute("hasNext", events.hasNext());
        model.addAttribute("actor", actor.strip());
        model.addAttribute("targetType", targetType.strip());
        model.addAttribute("targetTypes", audit.targetTypes());
        return "security/audit";
    }
}
