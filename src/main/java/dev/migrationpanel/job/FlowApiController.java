package dev.migrationpanel.job;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;

import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.web.InvalidInputException;

/** Flows over REST: read the plan (with its digest), then start exactly that plan. */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Flows", description = "Plan a flow for review, then start it as a job")
class FlowApiController {

    private final FlowService flows;
    private final InstanceService instances;

    FlowApiController(FlowService flows, InstanceService instances) {
        this.flows = flows;
        this.instances = instances;
    }

    record FlowView(String id, String title, String description) {
    }

    @Schema(description = "What to plan or start. To plan: flow, instanceId and options. To start the plan a review "
            + "answered with: planId and planDigest alone (preferred), or the same flow, instanceId and options as "
            + "reviewed (pass the review's resolvedOptions back as options) with its planDigest.")
    record FlowRequest(
            @Schema(description = "The id of a reviewed plan (from POST /api/v1/jobs/plan): starts exactly that plan, "
                    + "once, until it expires", example = "3f1c2b8e-5d6a-4c1e-9a7b-0c2d4e6f8a90") String planId,
            @Schema(description = "Flow id, e.g. dreamfactory.backup (GET /api/v1/flows lists them)") String flow,
            @Schema(description = "The instance the flow runs on") Long instanceId,
            @Schema(description = "The flow's options, all strings; the ones left out take their defaults") Map<String, String> options,
            @Schema(description = "The digest of the reviewed plan: starting refuses a plan that changed since") String planDigest) {

        Map<String, String> optionsOrEmpty() {
            return options == null ? Map.of() : options;
        }

        long requireInstance() {
            if (flow == null || flow.isBlank()) {
                throw InvalidInputException.of("flow", "Name the flow, e.g. dreamfactory.backup");
            }
            if (instanceId == null) {
                throw InvalidInputException.of("instanceId", "Name the instance by its id");
            }
            return instanceId;
        }

        /** Whether this names a reviewed plan; then nothing but its digest may come with it. */
        boolean reviewed() {
            if (planId == null) {
                return false;
            }
            if (flow != null || instanceId != null || options != null) {
                throw InvalidInputException.of("planId", "Send planId with planDigest alone: the reviewed plan names "
                        + "its flow, instance and options");
            }
            return true;
        }
    }

    record StepPlanView(int number, String title, String instanceName, boolean changesInstance, String kind,
            String command, long timeoutSeconds, String undo,
            @Schema(description = "The number of the step this one runs side by side with (both start together), "
                    + "or null when it runs on its own") Integer besideStep) {
    }

    record PlanView(String flow, String title, Long instanceId, String instanceName, List<StepPlanView> steps,
            @Schema(description = "Every option the plan was built with, defaults filled in (the backup's time stamp, "
                    + "the transfer chosen…): the same flow, instance and these options plan this plan again")
            Map<String, String> resolvedOptions,
            @Schema(description = "SHA-256 of the steps as they will run") String planDigest,
            @Schema(description = "Start this plan with {planId, planDigest}; once, until expiresAt") String planId,
            Instant expiresAt) {
    }

    @GetMapping("/flows")
    @Operation(summary = "The flows that apply to an instance")
    List<FlowView> flows(@RequestParam long instanceId) {
        return flows.flowsFor(instances.get(instanceId)).stream()
                .map(f -> new FlowView(f.id(), f.title(), f.description())).toList();
    }

    @PostMapping("/jobs/plan")
    @PreAuthorize("hasRole('OPERATOR')")
    @Operation(summary = "Build a flow's plan for review, every command as it will run, with its digest",
            description = "Needs OPERATOR: building the plan reads the instance over SSH. The answer holds the options "
                    + "as resolved (resolvedOptions), the planDigest, and a planId with its expiresAt "
                    + "(panel.plans.review-ttl, 30 minutes by default): POST /api/v1/jobs with {planId, planDigest} "
                    + "starts exactly this plan, once.")
    PlanView plan(@RequestBody FlowRequest request) {
        FlowService.KeptReview kept = flows.reviewAndKeep(request.flow(), request.requireInstance(),
                request.optionsOrEmpty());
        Plan plan = kept.review().plan();
        List<StepPlanView> steps = new java.util.ArrayList<>();
        for (int i = 0; i < plan.steps().size(); i++) {
            Step s = plan.steps().get(i);
            steps.add(new StepPlanView(i + 1, s.title(), s.instanceName(), s.changesInstance(), s.spec().kind(),
                    s.spec().display(), s.timeout().toSeconds(), s.undo(), plan.besideStep(i)));
        }
        return new PlanView(plan.flow(), plan.title(), plan.instanceId(), plan.instanceName(), steps, plan.options(),
                kept.review().digest(), kept.planId(), kept.expiresAt());
    }

    @PostMapping("/jobs")
    @PreAuthorize("hasRole('OPERATOR')")
    @Operation(summary = "Start a reviewed plan as a job",
            description = "Either {planId, planDigest} from POST /api/v1/jobs/plan: that plan is built again from its "
                    + "stored options and started if its digest is unchanged; a reviewed plan starts one job, an expired "
                    + "one answers 410, an unknown one 404, one already started 409. Or {flow, instanceId, options, "
                    + "planDigest} with the review's resolvedOptions as options. A plan that changed since it was "
                    + "reviewed (the instance or its settings changed) is refused with 400.")
    ResponseEntity<JobView> start(@RequestBody FlowRequest request) {
        Job job = request.reviewed()
                ? flows.startReviewed(request.planId(), request.planDigest())
                : flows.start(request.flow(), request.requireInstance(), request.optionsOrEmpty(), request.planDigest());
        return ResponseEntity.created(URI.create("/api/v1/jobs/" + job.getId())).body(JobView.of(job));
    }
}
