package dev.migrationpanel.job;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Service;

import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.remote.SecretRefs;
import dev.migrationpanel.security.AuditService;
import dev.migrationpanel.web.InvalidInputException;
import dev.migrationpanel.web.NotFoundException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Review, then run: a flow's plan is shown with a digest of every step; starting requires that digest,
 * and the plan is built again and compared, so what runs is exactly what the admin was shown.
 */
@Service
public class FlowService {

    /** Bounds on the options given: each is kept with the job (4,000 characters of JSON in all). */
    static final int MAX_OPTIONS = 40;
    static final int MAX_OPTION_LENGTH = 1000;
    static final int MAX_OPTIONS_JSON = 4000;
    private static final java.util.regex.Pattern OPTION_NAME = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,63}");
    private static final java.util.regex.Pattern FLOW_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final List<Flow> flows;
    private final InstanceService instances;
    private final JobService jobs;
    private final ReviewedPlans reviewed;
    private final JsonMapper json;

    FlowService(List<Flow> flows, InstanceService instances, JobService jobs, ReviewedPlans reviewed, JsonMapper json) {
        this.flows = List.copyOf(flows);
        this.instances = instances;
        this.jobs = jobs;
        this.reviewed = reviewed;
        this.json = json;
    }

    public record Review(Flow flow, Instance instance, Plan plan, String digest) {
    }

    /** A review kept for a later start by its id ({@link #startReviewed}), until {@code expiresAt}. */
    public record KeptReview(Review review, String planId, Instant expiresAt) {
    }

    public List<Flow> flowsFor(Instance instance) {
        return flows.stream().filter(f -> f.appliesTo(instance)).toList();
    }

    /** A flow of the instance's product that is not offered for it, and why (e.g. the install runs in a container). */
    public record Unavailable(Flow flow, String why) {
    }

    /** The flows that say why they do not apply to this instance, so that a page can show the reason instead of nothing. */
    public List<Unavailable> unavailableFor(Instance instance) {
        return flows.stream().filter(f -> !f.appliesTo(instance))
                .map(f -> new Unavailable(f, f.whyNotApplicable(instance))).filter(u -> u.why() != null).toList();
    }

    public Flow flow(String id) {
        if (id == null || !FLOW_ID.matcher(id).matches()) {
            throw new NotFoundException("No such flow: a flow id is up to 64 letters, digits, dots and dashes, "
                    + "e.g. dreamfactory.backup");
        }
        return flows.stream().filter(f -> f.id().equals(id)).findFirst()
                .orElseThrow(() -> new NotFoundException("No flow '" + id + "'"));
    }

    public Review review(String flowId, long instanceId, Map<String, String> options) {
        Flow flow = flow(flowId);
        checkOptions(options);
        Instance instance = instances.get(instanceId);
        if (!flow.appliesTo(instance)) {
            String why = flow.whyNotApplicable(instance);
            throw InvalidInputException.of("flow", flow.title() + " does not apply to " + instance.getName()
                    + (why == null ? "" : ": " + why));
        }
        Plan plan = flow.plan(instance, options);
        if (json.writeValueAsString(plan.options()).length() > MAX_OPTIONS_JSON) {
            throw InvalidInputException.of("options", "The options are too long to keep with the job ("
                    + MAX_OPTIONS_JSON + " characters in all): shorten them");
        }
        return new Review(flow, instance, plan, digest(plan));
    }

    /**
     * Reviews the plan and keeps it (flow, instance, resolved options, digest) so that it can be started by its
     * id, exactly as reviewed, until it expires: what the API's review does.
     */
    public KeptReview reviewAndKeep(String flowId, long instanceId, Map<String, String> options) {
        Review review = review(flowId, instanceId, options);
        ReviewedPlans.Reviewed kept = reviewed.keep(review.flow().id(), instanceId, review.plan().options(),
                review.digest(), AuditService.currentActor());
        return new KeptReview(review, kept.id(), kept.expiresAt());
    }

    /** A form's parameters named {@code option.X} are the flow's options (the review page posts them so). */
    public static Map<String, String> optionsOf(Map<String, String> params) {
        Map<String, String> options = new java.util.LinkedHashMap<>();
        params.forEach((key, value) -> {
            if (key.startsWith("option.")) {
                options.put(key.substring("option.".length()), value);
            }
        });
        return options;
    }

    /** The names and sizes of options any flow may be given; what each value means is the flow's to check. */
    private static void checkOptions(Map<String, String> options) {
        if (options.size() > MAX_OPTIONS) {
            throw InvalidInputException.of("options", "At most " + MAX_OPTIONS + " options");
        }
        Map<String, String> errors = new java.util.LinkedHashMap<>();
        options.forEach((name, value) -> {
            if (name == null || !OPTION_NAME.matcher(name).matches()) {
                errors.putIfAbsent("options", "An option's name is up to 64 letters, digits, dots and dashes");
            } else if (value == null) {
                errors.putIfAbsent(name, "Option '" + name + "' needs a value (a string)");
            } else if (value.length() > MAX_OPTION_LENGTH) {
                errors.putIfAbsent(name, "Option '" + name + "' is " + MAX_OPTION_LENGTH + " characters at most");
            } else if (SecretRefs.mentions(value)) {
                errors.putIfAbsent(name, "Option '" + name + "' may not contain '{{…}}': secret references are the "
                        + "panel's own, never a job's options");
            }
        });
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
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
        requireDigest(reviewedDigest);
        requireUnchanged(review, reviewedDigest);
        return jobs.start(review.plan());
    }

    /**
     * Starts a plan kept by {@link #reviewAndKeep}: built again from its stored options and compared with the
     * digest of the review, so an instance changed meanwhile is still refused. A kept plan starts one job.
     *
     * @throws InvalidInputException when the digest is missing, is not the review's, or the plan changed since
     * @throws NotFoundException     for an unknown plan id
     * @throws dev.migrationpanel.web.GoneException when the plan expired
     * @throws dev.migrationpanel.web.ConflictException when it already started a job
     */
    public Job startReviewed(String planId, String reviewedDigest) {
        requireDigest(reviewedDigest);
        ReviewedPlans.Reviewed kept = reviewed.startable(planId);
        if (!kept.digest().equals(reviewedDigest.trim())) {
            throw InvalidInputException.of("planDigest", "planDigest is not the digest of the reviewed plan " + kept.id()
                    + ": send the one its review answered with");
        }
        Review review = review(kept.flow(), kept.instanceId(), kept.options());
        requireUnchanged(review, kept.digest());
        return reviewed.startOnce(kept.id(), () -> jobs.start(review.plan()));
    }

    private static void requireDigest(String reviewedDigest) {
        if (reviewedDigest == null || reviewedDigest.isBlank()) {
            throw InvalidInputException.of("planDigest", "Review the plan first: starting needs the digest of the plan you were shown");
        }
    }

    private static void requireUnchanged(Review review, String reviewedDigest) {
        if (!review.digest().equals(reviewedDigest.trim())) {
            throw InvalidInputException.of("planDigest",
                    "The plan changed since you reviewed it (the instance or its settings changed): review it again");
        }
    }

    /**
     * SHA-256 of the plan as stored: every step's title, instance, command, timeout and undo, and whether it runs
     * beside the next step (named only for a step that does, so a plan without such a pair keeps its digest).
     */
    String digest(Plan plan) {
        try {
            byte[] bytes = json.writeValueAsString(plan.steps().stream().map(s -> {
                List<String> fields = new java.util.ArrayList<>(List.of(s.title(), String.valueOf(s.instanceId()),
                        String.valueOf(s.changesInstance()), json.writeValueAsString(s.spec()),
                        String.valueOf(s.timeout().toSeconds()), String.valueOf(s.undo())));
                if (s.besideNext()) {
                    fields.add("beside-next");
                }
                return fields;
            }).toList())
                    .getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
