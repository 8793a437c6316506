package dev.migrationpanel.fief;

import java.util.Map;

import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.job.Flow;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.Plan;

/**
 * What a consolidation's follow-ups (roll back, prove again, clean up) share: each acts on an earlier consolidation job
 * of the instance (option {@code job}), is offered on that job's page, on plain-host Fief instances and in Docker, and builds its plan
 * from that job.
 */
abstract class FiefFollowUpFlow implements Flow {

    protected final FiefJobs jobs;

    FiefFollowUpFlow(FiefJobs jobs) {
        this.jobs = jobs;
    }

    /** Acts on a consolidation job: offered on that job's page. */
    @Override
    public Purpose purpose() {
        return Purpose.RECOVER;
    }

    @Override
    public String product() {
        return FiefProfile.ID;
    }

    @Override
    public boolean appliesTo(Instance instance) {
        return Flow.super.appliesTo(instance) && FiefConsolidationFlow.whyNot(instance) == null;
    }

    @Override
    public String whyNotApplicable(Instance instance) {
        return FiefConsolidationFlow.whyNot(instance);
    }

    @Override
    public Plan plan(Instance instance, Map<String, String> options) {
        return plan(instance, jobs.consolidation(instance, options));
    }

    /** The plan for this consolidation job of the instance (checked: the instance's, a consolidation). */
    abstract Plan plan(Instance instance, Job consolidation);
}
