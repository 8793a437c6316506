package dev.migrationpanel.job;

import java.util.Map;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.migrationpanel.database.DatabaseException;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.remote.RemoteException;
import dev.migrationpanel.web.InvalidInputException;

/**
 * An instance's flows and recent jobs, and the review page where a plan is read before it runs. Building a plan
 * reads the instance over SSH: it needs OPERATOR and a POST (with its CSRF token); a GET of the review's address
 * only offers the button that asks for it.
 */
@Controller
@RequestMapping("/instances/{instanceId}/flows")
class FlowController {

    private final FlowService flows;
    private final InstanceService instances;
    private final JobService jobs;
    private final FlowReviewPage reviews;

    FlowController(FlowService flows, InstanceService instances, JobService jobs, FlowReviewPage reviews) {
        this.flows = flows;
        this.instances = instances;
        this.jobs = jobs;
        this.reviews = reviews;
    }

    @GetMapping
    String list(@PathVariable long instanceId, Model model) {
        Instance instance = instances.get(instanceId);
        model.addAttribute("instance", instance);
        java.util.List<Flow> offered = flows.flowsFor(instance);
        // recovery flows act on an earlier job's backup or target: that job's page offers them, with its options
        java.util.Map<Flow.Purpose, java.util.List<Flow>> groups = new java.util.EnumMap<>(Flow.Purpose.class);
        offered.stream().filter(f -> f.purpose() != Flow.Purpose.RECOVER)
                .forEach(f -> groups.computeIfAbsent(f.purpose(), p -> new java.util.ArrayList<>()).add(f));
        model.addAttribute("flows", offered);
        model.addAttribute("groups", groups);
        model.addAttribute("unavailable", flows.unavailableFor(instance));
        model.addAttribute("recoverable", offered.stream().anyMatch(f -> f.purpose() == Flow.Purpose.RECOVER));
        model.addAttribute("recent", jobs.search(new JobSearch(instanceId, null, null, null, null, null), 0, 10).getContent());
        return "job/flows";
    }

    static Map<String, String> options(Map<String, String> params) {
        return FlowService.optionsOf(params);
    }

    /**
     * What a link to a flow's review opens (a follow-up, a failed start sent back): the flow and its options with a
     * button that builds the plan. Nothing is read from the instance on a GET.
     */
    @GetMapping("/{flowId}")
    String offer(@PathVariable long instanceId, @PathVariable String flowId, @RequestParam Map<String, String> params,
            Model model) {
        return reviews.offer(instanceId, flowId, options(params), model);
    }

    /** The review: the plan built (it reads the instance over SSH) with its digest, for an operator to start. */
    @PostMapping("/{flowId}/review")
    @PreAuthorize("hasRole('OPERATOR')")
    String review(@PathVariable long instanceId, @PathVariable String flowId, @RequestParam Map<String, String> params,
            Model model) {
        return reviews.review(instanceId, flowId, options(params), model);
    }

    @PostMapping("/{flowId}")
    @PreAuthorize("hasRole('OPERATOR')")
    String start(@PathVariable long instanceId, @PathVariable String flowId,
            @RequestParam(required = false) String planDigest, @RequestParam Map<String, String> params,
            RedirectAttributes redirect) {
        try {
            Job job = flows.start(flowId, instanceId, options(params), planDigest);
            redirect.addFlashAttribute("flashOk", "Started: the log follows below.");
            return "redirect:/jobs/" + job.getId();
        } catch (InvalidInputException | InstanceBusyException | RemoteException | DatabaseException e) {
            redirect.addFlashAttribute("flashError", e.getMessage());
            options(params).forEach((key, value) -> redirect.addAttribute("option." + key, value));
            return "redirect:/instances/" + instanceId + "/flows/" + flowId;
        }
    }
}
