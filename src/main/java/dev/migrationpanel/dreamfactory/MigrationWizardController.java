package dev.migrationpanel.dreamfactory;

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
 * The major-migration wizard's own pages: source and target, the pre-flight of both, the options. Review and
 * run are the engine's pages (the plan with its digest, answered to the options' POST; the live job page); the
 * result is the job page with the proof's report. The pre-flight reads both instances over SSH: it runs on a POST,
 * never on a GET.
 */
@Controller
@RequestMapping("/instances/{id}/migrate")
class MigrationWizardController {

    private final InstanceService instances;
    private final MigrationPreflight preflight;
    private final DreamFactoryMigrationFlow flow;
    private final MigrationApiCheck apiCheck;
    private final FlowReviewPage reviews;

    MigrationWizardController(InstanceService instances, MigrationPreflight preflight, DreamFactoryMigrationFlow flow,
            MigrationApiCheck apiCheck, FlowReviewPage reviews) {
        this.instances = instances;
        this.preflight = preflight;
        this.flow = flow;
        this.apiCheck = apiCheck;
        this.reviews = reviews;
    }

    /** Source and target: the target (preselected when given), the button for the pre-flight; nothing is read. */
    @GetMapping
    @PreAuthorize("hasRole('OPERATOR')")
    String start(@PathVariable long id, @RequestParam(required = false) String target, Model model) {
        return page(instances.get(id), defaults(target), Map.of(), model, null, false);
    }

    /** The pre-flight of the source and the chosen target (over SSH), then the options. */
    @PostMapping("/preflight")
    @PreAuthorize("hasRole('OPERATOR')")
    String preflight(@PathVariable long id, @RequestParam(required = false) String target, Model model) {
        Map<String, String> errors = target == null || target.isBlank()
                ? Map.of("target", "Choose the target: a registered DreamFactory instance (a fresh install)") : Map.of();
        return page(instances.get(id), defaults(target), errors, model, null, true);
    }

    private static Map<String, String> defaults(String target) {
        return new LinkedHashMap<>(Map.of("target", target == null ? "" : target.trim(), "maintenance", "false",
                "strict", "", "wipeTarget", "false", "apiEmail", "", "apiCredentials", "", "transfer", ""));
    }

    @PostMapping
    @PreAuthorize("hasRole('OPERATOR')")
    String options(@PathVariable long id, @RequestParam Map<String, String> params, Model model) {
        Instance source = instances.get(id);
        Map<String, String> given = new LinkedHashMap<>();
        given.put("target", params.getOrDefault("target", ""));
        given.put("transfer", params.getOrDefault("transfer", ""));
        // unticked checkboxes send nothing
        for (String flag : new String[] {"maintenance", "strict", "wipeTarget"}) {
            given.put(flag, String.valueOf(params.containsKey(flag)));
        }
        Map<String, String> errors = new LinkedHashMap<>();
        given.put("apiCredentials", params.getOrDefault("apiCredentials", "").trim());
        String apiEmail = params.getOrDefault("apiEmail", "").trim();
        String apiPassword = params.getOrDefault("apiPassword", "");
        if (!apiEmail.isEmpty() || !apiPassword.isEmpty()) {
            if (!apiEmail.matches("[^\\s@]{1,128}@[^\\s@]{1,255}")) {
                errors.put("apiEmail", "API check: the email of an admin account of the source (it is carried to the target)");
            } else if (apiPassword.isEmpty() || apiPassword.length() > 1024 || apiPassword.matches("(?s).*[\\r\\n\\x00].*")) {
                errors.put("apiEmail", "API check: give the password of that account (one line)");
            }
        }
        // new credentials replace what was kept; they are stored only once the whole form is good
        boolean newCredentials = !apiEmail.isEmpty() && !errors.containsKey("apiEmail");
        if (newCredentials) {
            given.put("apiCredentials", "pending-store"); // stands in for the artifact id while the form is checked
        }
        given.put("apiEmail", apiEmail);
        try {
            flow.options(source, given);
        } catch (InvalidInputException e) {
            errors.putAll(e.fieldErrors());
        }
        // the pre-flight is run again here, not trusted from the form: what it finds decides what must be ticked
        MigrationPreflight.Report report = null;
        if (!errors.containsKey("target")) {
            String target = given.get("target").trim();
            try {
                Instance chosen = instances.get(Long.parseLong(target));
                if (DreamFactoryMigrationFlow.STREAM.equals(given.get("transfer"))
                        && !DreamFactoryMigrationFlow.streamable(chosen)) {
                    errors.put("transfer", DreamFactoryMigrationFlow.STREAM_NEEDS_HOST);
                }
                given.put("transfer", DreamFactoryMigrationFlow.transfer(given, chosen)); // the review names it
                if (!given.get("apiCredentials").isEmpty() && (chosen.getAppUrl() == null || chosen.getAppUrl().isBlank())) {
                    errors.put("apiEmail", DreamFactoryMigrationFlow.API_CHECK_NEEDS_URL);
                }
                report = preflight.run(source, chosen);
            } catch (NotFoundException e) {
                errors.put("target", "The target instance " + target + " is not registered");
            }
        }
        if (report != null && report.blocked()) {
            errors.put("target", "The pre-flight finds BLOCKING items: fix them first");
        }
        if (report != null && !report.targetFresh() && !params.containsKey("wipeTarget")) {
            errors.put("wipeTarget", "The target is not a fresh install: tick the box to confirm its system DB may be wiped");
        }
        if (report != null && report.warned() && !params.containsKey("acknowledged")) {
            errors.put("acknowledged", "Tick the box to say you have read the warnings");
        }
        if (!errors.isEmpty()) {
            if (newCredentials) {
                given.put("apiCredentials", "");
            }
            return page(source, given, errors, model, report, true);
        }
        if (newCredentials) {
            // kept encrypted in the artifact store: the job's options are stored in clear
            given.put("apiCredentials", apiCheck.storeCredentials(source, apiEmail, apiPassword));
        }
        given.remove("apiEmail");
        if (given.get("apiCredentials").isEmpty()) {
            given.remove("apiCredentials");
        }
        return reviews.review(id, DreamFactoryMigrationFlow.ID, given, model);
    }

    /**
     * The wizard page; {@code report} when the pre-flight of this pair was just run, else it runs here when
     * {@code runPreflight} (a POST) and a target is chosen.
     */
    private String page(Instance source, Map<String, String> options, Map<String, String> errors, Model model,
            MigrationPreflight.Report report, boolean runPreflight) {
        model.addAttribute("instance", source);
        model.addAttribute("flow", flow);
        model.addAttribute("candidates", preflight.candidates(source));
        Instance target = null;
        String chosen = options.get("target");
        if (chosen != null && chosen.matches("\\d{1,18}") && Long.parseLong(chosen) != source.getId()) {
            try {
                target = instances.get(Long.parseLong(chosen));
            } catch (NotFoundException e) {
                errors = new LinkedHashMap<>(errors);
                errors.put("target", "The target instance " + chosen + " is not registered");
            }
        } else if (chosen != null && !chosen.isEmpty()) {
            errors = new LinkedHashMap<>(errors);
            errors.putIfAbsent("target", chosen.matches("\\d{1,18}")
                    ? "The target must be another registered instance than the source"
                    : "Choose the target from the list of registered instances");
        }
        if (target != null && (report != null || runPreflight)) {
            report = report != null ? report : preflight.run(source, target);
            model.addAttribute("target", target);
            model.addAttribute("report", report);
            options.put("transfer", DreamFactoryMigrationFlow.transfer(options, target));
            if (options.get("strict").isEmpty()) {
                options.put("strict", String.valueOf(report.strictModeAdvised()));
            }
        }
        model.addAttribute("options", options);
        model.addAttribute("errors", errors);
        return "dreamfactory/migrate";
    }
}
