package dev.migrationpanel.job;

import java.time.LocalDate;

import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.web.InvalidInputException;

/** Job history and the job page: plan, step timeline, live log, artifacts, cancel / resume / continue. */
@Controller
@RequestMapping("/jobs")
class JobController {

    static final int PAGE_SIZE = 50;

    private final JobService jobs;
    private final InstanceService instances;
    private final ArtifactStore artifacts;
    private final FlowService flows;

    JobController(JobService jobs, InstanceService instances, ArtifactStore artifacts, FlowService flows) {
        this.jobs = jobs;
        this.instances = instances;
        this.artifacts = artifacts;
        this.flows = flows;
    }

    @GetMapping
    String list(@RequestParam(required = false) Long instanceId, @RequestParam(required = false) String flow,
            @RequestParam(required = false) JobStatus status, @RequestParam(required = false) String startedBy,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
            @RequestParam(defaultValue = "0") int page, Model model) {
        JobSearch search = new JobSearch(instanceId, flow, status, startedBy, from, to);
        model.addAttribute("search", search);
        model.addAttribute("result", jobs.search(search, page, PAGE_SIZE));
        // the filter offers the instances that have jobs (and the one asked for): ids and names only
        java.util.Set<Long> withJobs = jobs.instancesWithJobs();
        model.addAttribute("instances", instances.names().stream()
                .filter(i -> withJobs.contains(i.id()) || Long.valueOf(i.id()).equals(instanceId)).toList());
        model.addAttribute("flows", jobs.flows());
        model.addAttribute("statuses", JobStatus.values());
        return "job/list";
    }

    @GetMapping("/{id}")
    String detail(@PathVariable long id, Model model) {
        model.addAttribute("job", JobView.of(jobs.get(id)));
        model.addAttribute("artifacts", artifacts.forJob(id));
        model.addAttribute("followUps", flows.followUps(jobs.get(id)));
        model.addAttribute("summary", flows.resultSummary(jobs.get(id)));
        return "job/detail";
    }

    /** The step timeline alone, for the page to refresh while the job runs. */
    @GetMapping("/{id}/steps")
    String steps(@PathVariable long id, Model model) {
        model.addAttribute("job", JobView.of(jobs.get(id)));
        return "job/detail :: timeline";
    }

    @PostMapping("/{id}/cancel")
    @PreAuthorize("hasRole('OPERATOR')")
    String cancel(@PathVariable long id, RedirectAttributes redirect) {
        return act(id, redirect, () -> jobs.cancel(id), "Cancel requested: a running command is stopped with its children.");
    }

    @PostMapping("/{id}/resume")
    @PreAuthorize("hasRole('OPERATOR')")
    String resume(@PathVariable long id, @RequestParam(required = false) Integer fromStep, RedirectAttributes redirect) {
        return act(id, redirect, () -> jobs.resume(id, fromStep == null ? null : fromStep - 1), "Resumed.");
    }

    @PostMapping("/{id}/continue")
    @PreAuthorize("hasRole('OPERATOR')")
    String continueAtGate(@PathVariable long id, RedirectAttributes redirect) {
        return act(id, redirect, () -> jobs.continueAtGate(id), "Confirmed: the job runs on.");
    }

    private static String act(long id, RedirectAttributes redirect, Runnable action, String ok) {
        try {
            action.run();
            redirect.addFlashAttribute("flashOk", ok);
        } catch (InvalidInputException | InstanceBusyException e) {
            redirect.addFlashAttribute("flashError", e.getMessage());
        }
        return "redirect:/jobs/" + id;
    }
}
