package dev.migrationpanel.fief;

import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.product.ProductSteps;

/** A consolidation's proof run again, later, against that job's record (before the cleanup, after a change). */
@Component
class FiefCheckFlow extends FiefFollowUpFlow {

    static final String ID = "fief.consolidation-proof";

    FiefCheckFlow(FiefJobs jobs) {
        super(jobs);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Prove a workspace consolidation again";
    }

    @Override
    public String description() {
        return "Runs a consolidation's proof again against its record.";
    }

    @Override
    Plan plan(Instance instance, Job job) {
        Map<String, String> o = jobs.options(job);
        return build(instance, job.getId(), o.get("adminEmail"));
    }

    static Step proof(Instance instance, long jobId, String adminEmail) {
        return new Step(FiefConsolidationFlow.PROOF_TITLE, instance.getId(), instance.getName(), false,
                new StepSpec.Verify(FiefProof.PROVE, "the main database against job #" + jobId + "'s record, the alembic revision, "
                        + adminEmail + "'s admin role, the Fernet values, the OpenID configuration",
                        Map.of("recordJob", String.valueOf(jobId), "adminEmail", adminEmail)), ProductSteps.SHORT, null);
    }

    static Plan build(Instance instance, long jobId, String adminEmail) {
        return new Plan(ID, "Prove consolidation #" + jobId + " of " + instance.getName() + " again", instance.getId(),
                instance.getName(), List.of(proof(instance, jobId, adminEmail)), Map.of("job", String.valueOf(jobId)));
    }
}
