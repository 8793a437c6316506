package dev.migrationpanel.schedule;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;

import dev.migrationpanel.job.ReviewedPlans;
import dev.migrationpanel.web.InvalidInputException;

/** Maintenance windows over REST: schedule a plan reviewed through the API, list, cancel. */
@RestController
@RequestMapping("/api/v1/schedules")
@Tag(name = "Schedules", description = "Start a reviewed plan later, in a maintenance window")
class ScheduleApiController {

    private final ScheduledStarts starts;
    private final ReviewedPlans reviewed;

    ScheduleApiController(ScheduledStarts starts, ReviewedPlans reviewed) {
        this.starts = starts;
        this.reviewed = reviewed;
    }

    record ScheduleRequest(
            @Schema(description = "The id of a reviewed plan (from POST /api/v1/jobs/plan), not expired") String planId,
            @Schema(description = "The digest its review answered with") String planDigest,
            @Schema(description = "When to start it, an ISO-8601 instant, a minute to 90 days ahead",
                    example = "2026-12-24T22:00:00Z") Instant startAt) {
    }

    @GetMapping
    @Operation(summary = "Scheduled starts: those to come, soonest first, then the latest 50 others")
    List<ScheduledStarts.Scheduled> list() {
        return starts.list(50);
    }

    @PostMapping
    @PreAuthorize("hasRole('OPERATOR')")
    @Operation(summary = "Schedule a reviewed plan",
            description = "At startAt the plan is built again and started as the caller only if its digest is still "
                    + "planDigest; else it is refused with the reason (GET shows it; notification channels that hear of "
                    + "failures are told). An unknown plan answers 404, an expired one 410, one already started 409.")
    ResponseEntity<ScheduledStarts.Scheduled> schedule(@RequestBody ScheduleRequest request) {
        if (request.planId() == null || request.planId().isBlank()) {
            throw InvalidInputException.of("planId", "Send the planId of a plan reviewed with POST /api/v1/jobs/plan");
        }
        ReviewedPlans.Reviewed plan = reviewed.startable(request.planId().trim());
        if (request.planDigest() == null || !plan.digest().equals(request.planDigest().trim())) {
            throw InvalidInputException.of("planDigest", "planDigest is not the digest of the reviewed plan " + plan.id()
                    + ": send the one its review answered with");
        }
        ScheduledStarts.Scheduled scheduled = starts.schedule(plan.flow(), plan.instanceId(), plan.options(),
                plan.digest(), request.startAt());
        return ResponseEntity.created(URI.create("/api/v1/schedules/" + scheduled.id())).body(scheduled);
    }

    @GetMapping("/{id}")
    @Operation(summary = "One scheduled start")
    ScheduledStarts.Scheduled get(@PathVariable long id) {
        return starts.get(id);
    }

    @PostMapping("/{id}/cancel")
    @PreAuthorize("hasRole('OPERATOR')")
    @Operation(summary = "Cancel a start still to come (400 when it started, was refused or cancelled)")
    ResponseEntity<Void> cancel(@PathVariable long id) {
        starts.cancel(id);
        return ResponseEntity.noContent().build();
    }
}
