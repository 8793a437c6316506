package dev.migrationpanel.job;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Service;

import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.web.InvalidInputException;
import dev.migrationpanel.web.NotFoundException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Review, then run: a flow's plan is shown with a digest of every step; starting requires that digest,
 * and the plan is built again and compared, so what runs is exactly what the admin was shown.
 */
@Service
public class FlowService {

    private final List<Flow> flows;
    private final InstanceService instances;
    private final JobService jobs;
    private final JsonMapper json;

    FlowService(List<Flow> flows, InstanceService instances, JobService jobs, JsonMapper json) {
        this.flows = List.copyOf(flows);
        this.instances = instances;
        this.jobs = jobs;
        this.json = json;
    }

    public record Review(Flow flow, Instance instance, Plan plan, String digest) {
    }

    public List<Flow> flowsFor(Instance instance) {
        return flows.stream().filter(f -> f.appliesTo(instance)).toList();
    }

    public Flow flow(String id) {
        return flows.stream().filter(f -> f.id().equals(id)).findFirst()
                .orElseThrow(() -> new NotFoundException("No flow '" + id + "'"));
    }

    public Review review(String flowId, long instanceId, Map<String, String> options) {
        Flow flow = flow(flowId);
        Instance instance = instances.get(instanceId);
        if (!flow.appliesTo(instance)) {
            throw InvalidInputException.of("flow", flow.title() + " does not apply to " + instance.getName());
        }
        Plan plan = flow.plan(instance, options);
        return new Review(flow, instance, plan, digest(plan));
    }

    /** The follow-ups the job's flow offers after it. */
    public List<Flow.FollowUp> followUps(Job job) {
        return flows.stream().filter(f -> f.id().equals(job.getFlow())).findFirst()
                .map(f -> f.followUps(JobView.of(job), jobs.options(job.getId()))).orElse(List.of());
    }

    /** The line the job's flow leads its result with, or null. */
    public String resultSummary(Job job) {
        return flows.stream().filter(f -> f.id().equals(job.getFlow())).findFirst()
                .map(f -> f.resultSummary(JobView.of(job), jobs.options(job.getId()))).orElse(null);
    }

    /**
     * Starts the flow if its plan is still the one reviewed.
     *
     * @throws InvalidInputException when the digest is missing or the plan changed since the review
     */
    public Job start(String flowId, long instanceId, Map<String, String> options, String reviewedDigest) {
        Review review = review(flowId, instanceId, options);
        if (reviewedDigest == null || reviewedDigest.isBlank()) {
            throw InvalidInputException.of("planDigest", "Review the plan first: starting needs the digest of the plan you were shown");
        }
        if (!review.digest().equals(reviewedDigest)) {
            throw InvalidInputException.of("planDigest",
                    "The plan changed since you reviewed it (the instance or its settings changed): review it again");
        }
        return jobs.start(review.plan());
    }

    /** SHA-256 of the plan as stored: every step's title, instance, command, timeout and undo. */
    String digest(Plan plan) {
        try {
            byte[] bytes = json.writeValueAsString(plan.steps().stream().map(s -> List.of(s.title(),
                    String.valueOf(s.instanceId()), String.valueOf(s.changesInstance()), json.writeValueAsString(s.spec()),
                    String.valueOf(s.timeout().toSeconds()), String.valueOf(s.undo()))).toList())
                    .getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
