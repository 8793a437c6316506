package dev.migrationpanel.cairncms;

import java.util.List;
import java.util.Map;

import dev.migrationpanel.instance.CheckItem;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.job.Flow;

/**
 * One of the guide's three source → target shapes (full clone, structure promotion, content move), as the CairnCMS
 * wizard offers it: the wizard shows both sides' {@link CairnPreflight} and this flow's own checks of the pair, then
 * the plan for review. Options always name the target as {@code target} (its instance id).
 */
interface CairnPairFlow extends Flow {

    /**
     * What this flow checks of the pair for these options before planning, read only (versions, vendors, a fresh
     * target, the chosen collections' schemas…): a BLOCKING item is a refusal with the guide's reason and the way
     * forward; the plan refuses the same.
     */
    List<CheckItem> pairChecks(Instance source, Instance target, Map<String, String> options);

    /** The CairnCMS wizard of this shape, where the flow list sends an operator first. */
    @Override
    default String startPath(Instance instance) {
        return "/instances/" + instance.getId() + "/cairncms/" + id().substring(CairnCmsProfile.ID.length() + 1);
    }
}
