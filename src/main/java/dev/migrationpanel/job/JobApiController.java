package dev.migrationpanel.job;

import java.time.LocalDate;

import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/** Job history, cancel, resume and gates over REST; logs and artifacts have their own routes. */
@RestController
@RequestMapping("/api/v1/jobs")
@Tag(name = "Jobs", description = "Jobs: their plan, step timeline, cancel, resume from a step, confirmation gates")
class JobApiController {

    private final JobService jobs;

    JobApiController(JobService jobs) {
        this.jobs = jobs;
    }

    record JobPage(java.util.List<JobView> content, int page, int size, long totalElements, int totalPages) {
    }

    @GetMapping
    @Operation(summary = "Job history, newest first, filtered and paged")
    JobPage list(@RequestParam(required = false) Long instanceId, @RequestParam(required = false) String flow,
            @RequestParam(required = false) JobStatus status, @RequestParam(required = false) String startedBy,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
            @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        var result = jobs.search(new JobSearch(instanceId, flow, status, startedBy, from, to), page, size);
        return new JobPage(result.getContent(), result.getNumber(),
                result.getSize(), result.getTotalElements(), result.getTotalPages());
    }

    @GetMapping("/{id}")
    @Operation(summary = "A job with its plan and each step's outcome")
    JobView get(@PathVariable long id) {
        return JobView.of(jobs.get(id));
    }

    @PostMapping("/{id}/cancel")
    @PreAuthorize("hasRole('OPERATOR')")
    @Operation(summary = "Cancel: a running step's remote process group is killed")
    JobView cancel(@PathVariable long id) {
        jobs.cancel(id);
        return JobView.of(jobs.get(id));
    }

    record ResumeRequest(Integer fromStep) {
    }

    @PostMapping("/{id}/resume")
    @PreAuthorize("hasRole('OPERATOR')")
    @Operation(summary = "Resume a failed, cancelled or interrupted job",
            description = "fromStep is 1-based; empty resumes at the step where the job stopped")
    JobView resume(@PathVariable long id, @RequestBody(required = false) ResumeRequest body) {
        Integer from = body == null || body.fromStep() == null ? null : body.fromStep() - 1;
        jobs.resume(id, from);
        return JobView.of(jobs.get(id));
    }

    @PostMapping("/{id}/continue")
    @PreAuthorize("hasRole('OPERATOR')")
    @Operation(summary = "Pass the confirmation gate the job waits at")
    JobView continueAtGate(@PathVariable long id) {
        jobs.continueAtGate(id);
        return JobView.of(jobs.get(id));
    }
}
