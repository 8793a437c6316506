package dev.migrationpanel.cairncms;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;

import dev.migrationpanel.instance.Instance;

/**
 * The wizard's form for each shape, as the options its flow plans with: defaults shown before anything is chosen,
 * the submitted form read into those options (unticked checkboxes send nothing), what the form offers to choose from
 * (a content move's collections), and what is kept aside from the options (a clone's admin sign-in, stored
 * encrypted, its artifact's id the option). Whether the options are good is the flow's to say
 * ({@link CairnPairFlow#pairChecks}, its plan).
 */
@Component
class CairnWizardOptions {

    static final String ADMIN_EMAIL = "adminEmail";
    static final String ADMIN_PASSWORD = "adminPassword";
    static final String API_TOKEN = "apiToken";

    private final CairnCloneFlow clone;
    private final CairnContentMoveFlow move;

    CairnWizardOptions(CairnCloneFlow clone, CairnContentMoveFlow move) {
        this.clone = clone;
        this.move = move;
    }

    /**
     * The options as submitted, what is wrong with the form itself, and the one secret (a clone's sign-in password, a
     * content move's API token for the target), which never
     * joins the options (they are stored in clear with the job).
     */
    record Form(Map<String, String> options, Map<String, String> errors, String adminPassword) {
    }

    Map<String, String> defaults(CairnPairFlow flow) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("target", "");
        switch (flow.id()) {
            case CairnPromotionFlow.ID -> {
                options.put("destructive", "false");
                options.put(CairnPromotionFlow.ACCEPT_MISMATCH, "false");
            }
            case CairnCloneFlow.ID -> {
                options.put("pause", "");
                options.put("sessions", CairnCloneFlow.KEEP);
                options.put("adminCredentials", "");
                options.put(ADMIN_EMAIL, "");
            }
            case CairnContentMoveFlow.ID -> {
                options.put("collections", "");
                options.put("conflict", "refuse");
                options.put("apiCredentials", "");
            }
            default -> {
            }
        }
        return options;
    }

    /** What the form proposes before the admin has chosen: a content move, every collection of the source. */
    Map<String, String> proposed(Instance source, CairnPairFlow flow) {
        Map<String, String> options = defaults(flow);
        if (flow.id().equals(CairnContentMoveFlow.ID)) {
            options.put("collections", String.join(",", move.collections(source)));
        }
        return options;
    }

    /**
     * The options the first pre-flight checks the pair with, before the form is seen: what is proposed, and for a
     * clone the pause that asks nothing of the source (the choice is the admin's, left open in the form; the
     * options' POST checks the pair again with the pause chosen).
     */
    Map<String, String> forFirstPreflight(Map<String, String> proposed, CairnPairFlow flow) {
        Map<String, String> options = new LinkedHashMap<>(proposed);
        if (flow.id().equals(CairnCloneFlow.ID)) {
            options.put("pause", CairnCloneFlow.ACCEPT_INCONSISTENCY);
        }
        return options;
    }

    Form read(Instance source, CairnPairFlow flow, MultiValueMap<String, String> params) {
        Map<String, String> options = defaults(flow);
        Map<String, String> errors = new LinkedHashMap<>();
        String password = null;
        options.put("target", first(params, "target"));
        switch (flow.id()) {
            case CairnPromotionFlow.ID -> {
                options.put("destructive", String.valueOf(params.containsKey("destructive")));
                options.put(CairnPromotionFlow.ACCEPT_MISMATCH, String.valueOf(params.containsKey(CairnPromotionFlow.ACCEPT_MISMATCH)));
            }
            case CairnCloneFlow.ID -> {
                options.put("pause", first(params, "pause"));
                if (options.get("pause").isEmpty()) {
                    errors.put("pause", "Choose how writes on the source are handled during the copy");
                }
                options.put("sessions", first(params, "sessions").isEmpty() ? CairnCloneFlow.KEEP : first(params, "sessions"));
                options.put("adminCredentials", first(params, "adminCredentials"));
                String email = first(params, ADMIN_EMAIL);
                String given = params.getFirst(ADMIN_PASSWORD) == null ? "" : params.getFirst(ADMIN_PASSWORD);
                options.put(ADMIN_EMAIL, email);
                if (!email.isEmpty() || !given.isEmpty()) {
                    if (!email.matches("[^\\s@]{1,128}@[^\\s@]{1,255}")) {
                        errors.put(ADMIN_EMAIL, "Sign-in check: the e-mail of an admin of the source (it is carried to the target)");
                    } else if (given.isEmpty() || given.length() > 1024 || given.matches("(?s).*[\\r\\n\\x00].*")) {
                        errors.put(ADMIN_EMAIL, "Sign-in check: give the password of that account (one line)");
                    } else {
                        password = given;
                    }
                }
            }
            case CairnContentMoveFlow.ID -> {
                List<String> chosen = params.getOrDefault("collections", List.of());
                options.put("collections", String.join(",", chosen.stream().map(String::trim).filter(c -> !c.isEmpty()).toList()));
                options.put("conflict", first(params, "conflict").isEmpty() ? "refuse" : first(params, "conflict"));
                options.put("apiCredentials", first(params, "apiCredentials"));
                String token = params.getFirst(API_TOKEN) == null ? "" : params.getFirst(API_TOKEN).trim();
                if (!token.isEmpty()) {
                    if (!token.matches("[\\x21-\\x7e]{8,512}")) {
                        errors.put(API_TOKEN, "The target's API token: 8 to 512 printable characters, no spaces");
                    } else {
                        password = token;
                    }
                }
            }
            default -> {
            }
        }
        return new Form(options, errors, password);
    }

    /**
     * A content move's API token typed in the form, kept encrypted for the chosen target before the pair is checked
     * (the check asks the target's API with it, and a form shown again must not ask for it anew): the options then
     * name its artifact, and the form holds the secret no more. Any other form as it is.
     */
    Form keepToken(CairnPairFlow flow, Form form) {
        if (!flow.id().equals(CairnContentMoveFlow.ID) || form.adminPassword() == null
                || !form.options().getOrDefault("target", "").matches("\\d{1,18}")) {
            return form;
        }
        Map<String, String> options = new LinkedHashMap<>(form.options());
        options.put("apiCredentials", move.storeApiToken(Long.parseLong(options.get("target")), form.adminPassword()));
        return new Form(options, form.errors(), null);
    }

    /** The options the review plans with, once the form is good: a clone's new sign-in stored encrypted first. */
    Map<String, String> keep(Instance source, CairnPairFlow flow, Form form) {
        Map<String, String> options = new LinkedHashMap<>(form.options());
        if (flow.id().equals(CairnCloneFlow.ID)) {
            String email = options.remove(ADMIN_EMAIL);
            if (form.adminPassword() != null) {
                options.put("adminCredentials", clone.storeCredentials(source, email, form.adminPassword()));
            }
            if (options.get("adminCredentials").isEmpty()) {
                options.remove("adminCredentials");
            }
        }
        if (flow.id().equals(CairnContentMoveFlow.ID)) {
            // the secret slot holds the target's API token: kept encrypted for the target, the options name its artifact
            if (form.adminPassword() != null && options.getOrDefault("target", "").matches("\\d{1,18}")) {
                options.put("apiCredentials", move.storeApiToken(Long.parseLong(options.get("target")), form.adminPassword()));
            }
            if (options.getOrDefault("apiCredentials", "").isEmpty()) {
                options.remove("apiCredentials");
            }
        }
        return options;
    }

    /** What the form lists to choose from once a target is chosen: a content move's collections of the source. */
    List<String> choices(Instance source, CairnPairFlow flow, boolean targetChosen) {
        return targetChosen && flow.id().equals(CairnContentMoveFlow.ID) ? move.collections(source) : List.of();
    }

    static String first(MultiValueMap<String, String> params, String name) {
        String value = params.getFirst(name);
        return value == null ? "" : value.trim();
    }
}
