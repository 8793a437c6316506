package dev.migrationpanel.fief;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.product.HostFacts;
import dev.migrationpanel.product.ProductSteps;
import dev.migrationpanel.web.InvalidInputException;

/**
 * The guide's "Cleanup old tables", after a consolidation succeeded: a fresh backup of the main database, its proof run
 * again, a confirmation, then {@code admin_api_key}, {@code admin_session_tokens}, {@code alembic_version},
 * {@code workspace_users} and {@code workspaces} dropped (PostgreSQL: also the {@code databasetype} enum type of
 * {@code workspaces.database_type}) and their absence checked. On SQLite the swap left them in {@code fief.db.bak}:
 * nothing is dropped, the file is the admin's to delete.
 */
@Component
class FiefCleanupFlow extends FiefFollowUpFlow {

    static final String ID = "fief.cleanup-old-tables";
    static final String GATE = "The backup above is taken and the proof passed again: continuing drops the five pre-0.28 tables";

    FiefCleanupFlow(FiefJobs jobs) {
        super(jobs);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Clean up the pre-0.28 tables";
    }

    @Override
    public String description() {
        return "Drops the five tables of the main database Fief 0.28 no longer uses, after a fresh backup and the proof again.";
    }

    @Override
    Plan plan(Instance instance, Job job) {
        if (job.getStatus() != JobStatus.SUCCEEDED) {
            throw InvalidInputException.of("job", "Consolidation #" + job.getId() + " did not succeed: the guide cleans up only "
                    + "once everything works");
        }
        HostFacts facts = jobs.facts(instance);
        return build(instance, facts.home(), facts.db(), job.getId(), jobs.options(job).get("adminEmail"));
    }

    static Plan build(Instance instance, String home, DbSettings main, long jobId, String adminEmail) {
        HostFacts host = new HostFacts(home, main);
        List<Step> plan = new ArrayList<>();
        plan.addAll(FiefSteps.backup(instance, host, "before-cleanup"));
        plan.add(FiefCheckFlow.proof(instance, jobId, adminEmail));
        plan.add(new Step("Confirm", null, null, false, new StepSpec.Gate(GATE), Duration.ofDays(7), null));
        String tables = String.join(", ", List.of("workspace_users", "admin_api_key", "admin_session_tokens", "workspaces",
                "alembic_version").stream().map(main.vendor()::quoteName).toList());
        if (main.vendor() == DbVendor.PGSQL) {
            plan.add(FiefSteps.command(instance, "Drop the five old tables and workspaces' enum type (one transaction)", true,
                    FiefSteps.sqlClient(main, "BEGIN; DROP TABLE IF EXISTS " + tables + "; DROP TYPE IF EXISTS databasetype; COMMIT;"),
                    "restore the backup above"));
        } else if (main.vendor() == DbVendor.MYSQL) {
            plan.add(FiefSteps.command(instance, "Drop the five old tables", true, FiefSteps.sqlClient(main,
                    "DROP TABLE IF EXISTS " + tables + ";"), "restore the backup above"));
        } else {
            plan.add(ProductSteps.note(instance, "Drop the five old tables", "on SQLite they stayed in " + main.sqlitePath()
                    + ".bak with the guide's swap: the main file has none; delete fief.db.bak once you no longer need it"));
        }
        plan.add(new Step("Verify: none of the five is left", instance.getId(), instance.getName(), false,
                new StepSpec.Verify(FiefProof.VERIFY_CLEANUP, "the main database's tables", Map.of()), ProductSteps.SHORT, null));
        plan.add(ProductSteps.note(instance, "The workspace's old place", main.vendor() == DbVendor.SQLITE ? "nothing left: its "
                + "file became the main one" : "its schema or database is empty now; drop it when you like (the guide does not)"));
        return new Plan(ID, "Clean up the pre-0.28 tables of " + instance.getName(), instance.getId(), instance.getName(), plan,
                Map.of("job", String.valueOf(jobId)));
    }
}
