package dev.migrationpanel.schedule;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.migrationpanel.job.FlowService;
import dev.migrationpanel.web.InvalidInputException;

/** {@code /schedules}: reviewed plans waiting for their time, and how the past ones went; scheduling from a review. */
@Controller
class ScheduleController {

    private final ScheduledStarts starts;

    ScheduleController(ScheduledStarts starts) {
        this.starts = starts;
    }

    @GetMapping("/schedules")
    String list(Model model) {
        model.addAttribute("schedules", starts.list(50));
        return "schedule/list";
    }

    /** From the review page: the plan shown, its digest and options, and a time in UTC. */
    @PostMapping("/instances/{instanceId}/flows/{flowId}/schedule")
    @PreAuthorize("hasRole('OPERATOR')")
    String schedule(@PathVariable long instanceId, @PathVariable String flowId,
            @RequestParam(required = false) String planDigest, @RequestParam(defaultValue = "") String startAt,
            @RequestParam Map<String, String> params, RedirectAttributes redirect) {
        Map<String, String> options = FlowService.optionsOf(params);
        try {
            ScheduledStarts.Scheduled scheduled = starts.schedule(flowId, instanceId, options, planDigest, utc(startAt));
            redirect.addFlashAttribute("flashOk", "Scheduled: '" + scheduled.title() + "' on " + scheduled.instanceName()
                    + " starts at " + scheduled.startAt() + " if its plan is still the one you reviewed.");
            return "redirect:/schedules";
        } catch (InvalidInputException e) {
            redirect.addFlashAttribute("flashError", e.getMessage());
            options.forEach((key, value) -> redirect.addAttribute("option." + key, value));
            return "redirect:/instances/" + instanceId + "/flows/" + flowId;
        }
    }

    @PostMapping("/schedules/{id}/cancel")
    @PreAuthorize("hasRole('OPERATOR')")
    String cancel(@PathVariable long id, RedirectAttributes redirect) {
        try {
            starts.cancel(id);
            redirect.addFlashAttribute("flashOk", "Scheduled start #" + id + " cancelled");
        } catch (InvalidInputException e) {
            redirect.addFlashAttribute("flashError", e.getMessage());
        }
        return "redirect:/schedules";
    }

    /** The browser's {@code datetime-local} value (or an ISO instant), read as UTC, as the page says. */
    static Instant utc(String text) {
        String value = text.strip();
        if (value.isEmpty()) {
            return null;
        }
        try {
            return value.endsWith("Z") ? Instant.parse(value) : LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw InvalidInputException.of("startAt", "The start time is a date and time in UTC, e.g. 2026-12-24T22:00");
        }
    }
}
