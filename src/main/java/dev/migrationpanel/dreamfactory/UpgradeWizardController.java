package dev.migrationpanel.dreamfactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;

import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.job.FlowReviewPage;
import dev.migrationpanel.web.InvalidInputException;

/**
 * The minor-upgrade wizard's own pages: instance and pre-flight, then the options. Review and run are the
 * engine's pages (the plan with its digest, answered to the options' POST; the live job page), the result is the
 * job page's follow-ups. The pre-flight reads the instance over SSH: it runs on a POST, never on a GET.
 */
@Controller
@RequestMapping("/instances/{id}/upgrade")
class UpgradeWizardController {

    private final InstanceService instances;
    private final UpgradePreflight preflight;
    private final DreamFactoryMinorUpgradeFlow flow;
    private final CommercialFiles commercialFiles;
    private final FlowReviewPage reviews;

    UpgradeWizardController(InstanceService instances, UpgradePreflight preflight, DreamFactoryMinorUpgradeFlow flow,
            CommercialFiles commercialFiles, FlowReviewPage reviews) {
        this.instances = instances;
        this.preflight = preflight;
        this.flow = flow;
        this.commercialFiles = commercialFiles;
        this.reviews = reviews;
    }

    /** The wizard's first step: the instance, and the button that runs the pre-flight (nothing is read on a GET). */
    @GetMapping
    @PreAuthorize("hasRole('OPERATOR')")
    String entry(@PathVariable long id, Model model) {
        model.addAttribute("instance", instances.get(id));
        model.addAttribute("flow", flow);
        return "dreamfactory/upgrade";
    }

    /** The pre-flight (over SSH; it stores a fresh check) and the options with their defaults. */
    @PostMapping("/preflight")
    @PreAuthorize("hasRole('OPERATOR')")
    String start(@PathVariable long id, Model model) {
        Instance instance = instances.get(id);
        model.addAttribute("instance", instance);
        WebSettings web = WebSettings.of(instance);
        model.addAttribute("options", Map.of("ref", "master", "stash", "true", "maintenance", "true",
                "webUser", web.user() == null ? "" : web.user(),
                "webGroup", web.group() == null ? "" : web.group(), "commercial", "",
                "webServer", web.server().name()));
        return page(instance, model);
    }

    @PostMapping
    @PreAuthorize("hasRole('OPERATOR')")
    String options(@PathVariable long id, @RequestParam Map<String, String> params,
            @RequestParam(name = "commercialFiles", required = false) List<MultipartFile> files, Model model) {
        Instance instance = instances.get(id);
        Map<String, String> given = new LinkedHashMap<>();
        for (String key : new String[] {"ref", "webUser", "webGroup", "commercial", "webServer"}) {
            given.put(key, params.getOrDefault(key, ""));
        }
        Map<String, String> errors = new LinkedHashMap<>();
        List<String> stored = new ArrayList<>(given.get("commercial").isBlank() ? List.of()
                : List.of(given.get("commercial").split(",")));
        stored.addAll(commercialFiles.store(instance, files,
                org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication(), errors));
        given.put("commercial", String.join(",", stored));
        // unticked checkboxes send nothing
        given.put("stash", String.valueOf(params.containsKey("stash")));
        given.put("maintenance", String.valueOf(params.containsKey("maintenance")));
        try {
            flow.options(instance, given);
        } catch (InvalidInputException e) {
            errors.putAll(e.fieldErrors());
        }
        if (params.containsKey("warned") && !params.containsKey("acknowledged")) {
            errors.put("acknowledged", "Tick the box to say you have read the warnings");
        }
        if (!errors.isEmpty()) {
            model.addAttribute("instance", instance);
            model.addAttribute("options", given);
            model.addAttribute("errors", errors);
            return page(instance, model);
        }
        Map<String, String> options = new LinkedHashMap<>(given);
        options.values().removeIf(String::isEmpty);
        return reviews.review(id, DreamFactoryMinorUpgradeFlow.ID, options, model);
    }

    private String page(Instance instance, Model model) {
        UpgradePreflight.Report report = preflight.run(instance.getId());
        model.addAttribute("report", report);
        model.addAttribute("flow", flow);
        model.addAttribute("webServers", WebServer.values());
        model.addAttribute("web", WebSettings.of(instance));
        model.asMap().putIfAbsent("errors", Map.of());
        return "dreamfactory/upgrade";
    }
}
