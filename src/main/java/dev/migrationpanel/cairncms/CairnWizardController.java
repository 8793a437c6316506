package dev.migrationpanel.cairncms;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.job.FlowReviewPage;
import dev.migrationpanel.product.InstancePairing;
import dev.migrationpanel.web.InvalidInputException;

/**
 * The CairnCMS wizard's pages, one per shape ({@code clone}, {@code structure-promotion}, {@code content-move}):
 * source and target, the pre-flight of both, the shape's options, then the engine's review of the plan. The
 * pre-flight reads both instances over SSH: it runs on a POST, never on a GET.
 */
@Controller
@RequestMapping("/instances/{id}/cairncms/{shape}")
class CairnWizardController {

    private final InstanceService instances;
    private final CairnWizard wizard;
    private final CairnWizardOptions forms;
    private final FlowReviewPage reviews;

    CairnWizardController(InstanceService instances, CairnWizard wizard, CairnWizardOptions forms, FlowReviewPage reviews) {
        this.instances = instances;
        this.wizard = wizard;
        this.forms = forms;
        this.reviews = reviews;
    }

    /** Source and target (the target preselected when given) and the button for the pre-flight; nothing is read. */
    @GetMapping
    @PreAuthorize("hasRole('OPERATOR')")
    String start(@PathVariable long id, @PathVariable String shape, @RequestParam(required = false) String target,
            Model model) {
        Instance source = instances.get(id);
        CairnPairFlow flow = wizard.flow(shape);
        Map<String, String> options = forms.defaults(flow);
        options.put("target", target == null ? "" : target.trim());
        return page(source, flow, options, Map.of(), null, null, model);
    }

    /** The pre-flight of the source and the chosen target (over SSH), then the options. */
    @PostMapping("/preflight")
    @PreAuthorize("hasRole('OPERATOR')")
    String preflight(@PathVariable long id, @PathVariable String shape, @RequestParam(required = false) String target,
            Model model) {
        Instance source = instances.get(id);
        CairnPairFlow flow = wizard.flow(shape);
        Map<String, String> options = forms.defaults(flow);
        options.put("target", target == null ? "" : target.trim());
        Instance chosen;
        try {
            chosen = wizard.target(source, target);
        } catch (InvalidInputException e) {
            return page(source, flow, options, e.fieldErrors(), null, null, model);
        }
        options = forms.proposed(source, flow);
        options.put("target", String.valueOf(chosen.getId()));
        return page(source, flow, options, Map.of(), chosen,
                wizard.preflight(source, chosen, flow, forms.forFirstPreflight(options, flow)), model);
    }

    /** The options: checked, the pre-flight run again for them (never trusted from the form), then the review. */
    @PostMapping
    @PreAuthorize("hasRole('OPERATOR')")
    String options(@PathVariable long id, @PathVariable String shape, @RequestParam MultiValueMap<String, String> params,
            Model model) {
        Instance source = instances.get(id);
        CairnPairFlow flow = wizard.flow(shape);
        CairnWizardOptions.Form form = forms.read(source, flow, params);
        Map<String, String> errors = new LinkedHashMap<>(form.errors());
        Instance target;
        try {
            target = wizard.target(source, form.options().get("target"));
        } catch (InvalidInputException e) {
            errors.putAll(e.fieldErrors());
            return page(source, flow, form.options(), errors, null, null, model);
        }
        // a content move's token: kept for the target first, so that the pair's check asks its API with it
        form = forms.keepToken(flow, form);
        // a choice still missing is the form's error: the pair is checked as on the first pre-flight meanwhile
        InstancePairing.Report report = wizard.preflight(source, target, flow, errors.isEmpty() ? form.options()
                : forms.forFirstPreflight(form.options(), flow));
        if (report.blocked()) {
            errors.put("target", "The pre-flight finds BLOCKING items: fix them first");
        } else if (report.warned() && params.getFirst("acknowledged") == null) {
            errors.put("acknowledged", "Tick the box to say you have read the warnings");
        }
        if (!errors.isEmpty()) {
            return page(source, flow, form.options(), errors, target, report, model);
        }
        return reviews.review(id, flow.id(), forms.keep(source, flow, form), model);
    }

    private String page(Instance source, CairnPairFlow flow, Map<String, String> options, Map<String, String> errors,
            Instance target, InstancePairing.Report report, Model model) {
        model.addAttribute("instance", source);
        model.addAttribute("flow", flow);
        model.addAttribute("shape", CairnWizard.shape(flow));
        model.addAttribute("candidates", wizard.candidates(source));
        model.addAttribute("choices", forms.choices(source, flow, target != null));
        model.addAttribute("target", target);
        model.addAttribute("report", report);
        model.addAttribute("options", options);
        model.addAttribute("errors", errors);
        return "cairncms/wizard";
    }
}
