package dev.migrationpanel.fief;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.job.FlowReviewPage;
import dev.migrationpanel.web.InvalidInputException;
import dev.migrationpanel.web.NotFoundException;

/**
 * The consolidation wizard: the admin's e-mail and the workspace (GET shows the form, nothing is read), the pre-flight
 * (a POST: it reads the instance over SSH), then the plan for review (the engine's review page, answered to the
 * options' POST). The pre-flight and the plan are {@link FiefPreflight}'s and {@link FiefConsolidationFlow}'s.
 */
@Controller
@RequestMapping("/instances/{id}/fief/consolidate")
class FiefWizardController {

    private final InstanceService instances;
    private final FiefPreflight preflight;
    private final FiefConsolidationFlow flow;
    private final FlowReviewPage reviews;
    private final dev.migrationpanel.product.InstancePairing pairing;

    FiefWizardController(InstanceService instances, FiefPreflight preflight, FiefConsolidationFlow flow, FlowReviewPage reviews,
            dev.migrationpanel.product.InstancePairing pairing) {
        this.instances = instances;
        this.preflight = preflight;
        this.flow = flow;
        this.reviews = reviews;
        this.pairing = pairing;
    }

    @GetMapping
    @PreAuthorize("hasRole('OPERATOR')")
    String start(@PathVariable long id, Model model) {
        return page(fief(id), Map.of("adminEmail", "", "workspace", ""), Map.of(), null, model);
    }

    @PostMapping("/preflight")
    @PreAuthorize("hasRole('OPERATOR')")
    String preflight(@PathVariable long id, @RequestParam Map<String, String> params, Model model) {
        Instance instance = fief(id);
        Map<String, String> given = given(params);
        Map<String, String> errors = new LinkedHashMap<>();
        FiefConsolidationFlow.Options options = validate(given, errors);
        FiefPreflight.Survey survey = errors.containsKey("workspace") ? null
                : preflight.run(instance, options == null ? blankToNull(given.get("workspace")) : options.workspace(),
                        options == null ? null : options.adminEmail());
        return page(instance, given, errors, survey, model);
    }

    @PostMapping
    @PreAuthorize("hasRole('OPERATOR')")
    String review(@PathVariable long id, @RequestParam Map<String, String> params, Model model) {
        Instance instance = fief(id);
        Map<String, String> given = given(params);
        Map<String, String> errors = new LinkedHashMap<>();
        FiefConsolidationFlow.Options options = validate(given, errors);
        if (options == null) {
            return page(instance, given, errors, null, model);
        }
        // the pre-flight is run again, not trusted from the form
        FiefPreflight.Survey survey = preflight.run(instance, options.workspace(), options.adminEmail());
        if (survey.blocked()) {
            errors.put("workspace", "The pre-flight finds BLOCKING items: fix them first");
            return page(instance, given, errors, survey, model);
        }
        Map<String, String> chosen = new LinkedHashMap<>();
        chosen.put("adminEmail", options.adminEmail());
        chosen.put("workspace", survey.chosen().id());
        return reviews.review(id, FiefConsolidationFlow.ID, chosen, model);
    }

    /**
     * An extra workspace moved to another registered Fief instance (the guide: one instance per workspace): the move's
     * plan for review, or its refusal there (its pre-flight runs on both sides when the plan is built).
     */
    @PostMapping("/move")
    @PreAuthorize("hasRole('OPERATOR')")
    String move(@PathVariable long id, @RequestParam Map<String, String> params, Model model) {
        fief(id);
        Map<String, String> chosen = given(params);
        chosen.put("target", params.getOrDefault("target", "").trim());
        return reviews.review(id, FiefWorkspaceMoveFlow.ID, chosen, model);
    }

    private Instance fief(long id) {
        Instance instance = instances.get(id);
        if (!flow.appliesTo(instance)) {
            throw new NotFoundException("Instance " + id + " is not a Fief instance on a plain host");
        }
        return instance;
    }

    private static Map<String, String> given(Map<String, String> params) {
        Map<String, String> given = new LinkedHashMap<>();
        given.put("adminEmail", params.getOrDefault("adminEmail", "").trim());
        given.put("workspace", params.getOrDefault("workspace", "").trim());
        return given;
    }

    private static FiefConsolidationFlow.Options validate(Map<String, String> given, Map<String, String> errors) {
        try {
            return FiefConsolidationFlow.Options.of(given);
        } catch (InvalidInputException e) {
            errors.putAll(e.fieldErrors());
            return null;
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private String page(Instance instance, Map<String, String> options, Map<String, String> errors, FiefPreflight.Survey survey,
            Model model) {
        model.addAttribute("instance", instance);
        model.addAttribute("flow", flow);
        model.addAttribute("options", options);
        model.addAttribute("errors", errors);
        model.addAttribute("survey", survey);
        // several workspaces: each other one may go to an instance of its own, among the other registered Fief instances
        model.addAttribute("moveTargets", survey == null || survey.workspaces().size() < 2 ? java.util.List.of()
                : pairing.candidates(instance));
        return "fief/consolidate";
    }
}
