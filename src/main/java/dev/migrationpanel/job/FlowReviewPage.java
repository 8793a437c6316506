package dev.migrationpanel.job;

import java.util.Map;

import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

import dev.migrationpanel.database.DatabaseException;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.remote.RemoteException;
import dev.migrationpanel.web.InvalidInputException;

/**
 * The review page ({@code job/review}) in its two forms. {@link #review}: the plan built, every step with its
 * command, and the digest a start needs; building it reads the instance over SSH, so it is only ever the answer to
 * an operator's POST (the flow list, a wizard's options, a job's follow-ups). {@link #offer}: what a GET of the
 * review's address shows instead, the flow and its options with a button that asks for the plan; nothing is read
 * from the instance.
 */
@Component
public class FlowReviewPage {

    static final String VIEW = "job/review";

    private final FlowService flows;
    private final InstanceService instances;

    FlowReviewPage(FlowService flows, InstanceService instances) {
        this.flows = flows;
        this.instances = instances;
    }

    /** The plan of the flow on the instance with these options; a plan that cannot be made is said in one line. */
    public String review(long instanceId, String flowId, Map<String, String> options, Model model) {
        Flow flow = page(instanceId, flowId, options, model);
        try {
            FlowService.Review review = flows.review(flow.id(), instanceId, options);
            model.addAttribute("plan", review.plan());
            model.addAttribute("digest", review.digest());
        } catch (InvalidInputException | RemoteException | DatabaseException e) {
            model.addAttribute("planError", e.getMessage());
        }
        return VIEW;
    }

    /** The flow and the options given, and a button to build the plan: no plan is built. */
    public String offer(long instanceId, String flowId, Map<String, String> options, Model model) {
        page(instanceId, flowId, options, model);
        return VIEW;
    }

    private Flow page(long instanceId, String flowId, Map<String, String> options, Model model) {
        Instance instance = instances.get(instanceId);
        Flow flow = flows.flow(flowId);
        model.addAttribute("instance", instance);
        model.addAttribute("flow", flow);
        model.addAttribute("options", options);
        model.addAttribute("wizard", flow.startPath(instance));
        return flow;
    }
}
