package dev.migrationpanel.cairncms;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;

import dev.migrationpanel.instance.Instance;

/**
 * The wizard's form for each shape, as the options its flow plans with: defaults shown before anything is chosen,
 * the submitted form read into those options (unticked checkboxes send nothing), and what the form offers to choose
 * from. Whether the options are good is the flow's to say ({@link CairnPairFlow#pairChecks}, its plan).
 */
@Component
class CairnWizardOptions {

    /** The options as submitted, and what is wrong with the form itself. */
    record Form(Map<String, String> options, Map<String, String> errors) {
    }

    Map<String, String> defaults(CairnPairFlow flow) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("target", "");
        if (flow.id().equals(CairnPromotionFlow.ID)) {
            options.put("destructive", "false");
        }
        return options;
    }

    Form read(Instance source, CairnPairFlow flow, MultiValueMap<String, String> params) {
        Map<String, String> options = defaults(flow);
        Map<String, String> errors = new LinkedHashMap<>();
        options.put("target", first(params, "target"));
        if (flow.id().equals(CairnPromotionFlow.ID)) {
            options.put("destructive", String.valueOf(params.containsKey("destructive")));
        }
        return new Form(options, errors);
    }

    /** The options the review plans with, once the form is good. */
    Map<String, String> keep(Instance source, CairnPairFlow flow, Form form) {
        return form.options();
    }

    /** What the form lists to choose from once a target is chosen (none for most shapes). */
    List<String> choices(Instance source, CairnPairFlow flow, boolean targetChosen) {
        return List.of();
    }

    static String first(MultiValueMap<String, String> params, String name) {
        String value = params.getFirst(name);
        return value == null ? "" : value.trim();
    }
}
