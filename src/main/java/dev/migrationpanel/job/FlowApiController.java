package dev.migrationpanel.job;

import java.net.URI;
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

    record FlowRequest(String flow, Long instanceId, Map<String, String> options, String planDigest) {
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
    }

    record StepPlanView(int number, String title, String instanceName, boolean changesInstance, String kind,
            String command, long timeoutSeconds, String undo) {
    }

    record PlanView(String flow, String title, Long instanceId, String instanceName, List<StepPlanView> steps,
            String planDigest) {
    }

    @GetMapping("/flows")
    @Operation(summary = "The flows that apply to an instance")
    List<FlowView> flows(@RequestParam long instanceId) {
        return flows.flowsFor(instances.get(instanceId)).stream()
                .map(f -> new FlowView(f.id(), f.title(), f.description())).toList();
    }

    @PostMapping("/jobs/plan")
    @Operation(summary = "Build a flow's plan for review, every command as it will run, with its digest")
    PlanView plan(@RequestBody FlowRequest request) {
        FlowService.Review review = flows.review(request.flow(), request.requireInstance(), request.optionsOrEmpty());
        Plan plan = review.plan();
        List<StepPlanView> steps = new java.util.ArrayList<>();
        for (int i = 0; i < plan.steps().size(); i++) {
            Step s = plan.steps().get(i);
            steps.add(new StepPlanView(i + 1, s.title(), s.instanceName(), s.changesInstance(), s.spec().kind(),
                    s.spec().display(), s.timeout().toSeconds(), s.undo()));
        }
        return new PlanView(plan.flow(), plan.title(), plan.instanceId(), plan.instanceName(), steps, review.digest());
    }

    @PostMapping("/jobs")
    @PreAuthorize("hasRole('OPERATOR')")
    @Operation(summary = "Start a flow as a job", description = "planDigest must be the one /jobs/plan returned: "
            + "a plan that changed since it was reviewed is refused")
    ResponseEntity<JobView> start(@RequestBody FlowRequest request) {
        Job job = flows.start(request.flow(), request.requireInstance(), request.optionsOrEmpty(), request.planDigest());
        return ResponseEntity.created(URI.create("/api/v1/jobs/" + job.getId())).body(JobView.of(job));
    }
}
