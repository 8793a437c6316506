package dev.migrationpanel.cairncms;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.stereotype.Service;

import dev.migrationpanel.instance.CheckItem;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.product.BothSides;
import dev.migrationpanel.product.InstancePairing;
import dev.migrationpanel.web.InvalidInputException;
import dev.migrationpanel.web.NotFoundException;

/**
 * The CairnCMS wizard's logic, for each of the guide's three shapes (full clone, structure promotion, content move):
 * the source's target candidates, the pre-flight of a pair — each side's product-neutral checks and
 * {@link CairnPreflight}, then the shape's own {@link CairnPairFlow#pairChecks} — and the options the admin chose,
 * checked as the plan will check them. Reads only; the plan and its review are the engine's.
 */
@Service
class CairnWizard {

    static final String PREFIX = CairnCmsProfile.ID + ".";

    private final Map<String, CairnPairFlow> flows;
    private final InstancePairing pairing;
    private final CairnPreflight preflight;

    CairnWizard(List<CairnPairFlow> flows, InstancePairing pairing, CairnPreflight preflight) {
        this.flows = flows.stream().collect(Collectors.toMap(CairnWizard::shape, Function.identity(),
                (a, b) -> a, LinkedHashMap::new));
        this.pairing = pairing;
        this.preflight = preflight;
    }

    /** The shape's name in the wizard's address: the flow id without the product, e.g. {@code clone}. */
    static String shape(CairnPairFlow flow) {
        return flow.id().substring(PREFIX.length());
    }

    CairnPairFlow flow(String shape) {
        CairnPairFlow flow = flows.get(shape);
        if (flow == null) {
            throw new NotFoundException("No CairnCMS migration is called '" + shape + "'");
        }
        return flow;
    }

    List<Instance> candidates(Instance source) {
        return pairing.candidates(source);
    }

    /** The chosen target, refused in one line when it cannot be one. */
    Instance target(Instance source, String targetId) {
        return pairing.target(source, targetId);
    }

    /** The pre-flight of the pair for the shape and its options as chosen so far. */
    InstancePairing.Report preflight(Instance source, Instance target, CairnPairFlow flow, Map<String, String> options) {
        BothSides.Read<List<CheckItem>, List<CheckItem>> sides = BothSides.read(() -> side(source, true),
                () -> side(target, false));
        List<CheckItem> s = sides.source();
        List<CheckItem> t = sides.target();
        List<CheckItem> pair = new ArrayList<>();
        try {
            pair.addAll(flow.pairChecks(source, target, options));
        } catch (InvalidInputException e) {
            pair.add(CheckItem.blocking("Options", e.getMessage()));
        } catch (RuntimeException e) {
            pair.add(CheckItem.blocking("Source → target", String.valueOf(e.getMessage())));
        }
        return new InstancePairing.Report(s, t, pair);
    }

    private List<CheckItem> side(Instance instance, boolean isSource) {
        InstancePairing.Side side = pairing.side(instance, isSource);
        List<CheckItem> items = new ArrayList<>(side.items());
        if (side.reachable()) {
            try {
                items.addAll(preflight.run(instance));
            } catch (RuntimeException e) {
                items.add(CheckItem.blocking("CairnCMS", String.valueOf(e.getMessage())));
            }
        }
        return items;
    }
}
