package dev.migrationpanel.fief;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.fief.FiefDatabase.Place;
import dev.migrationpanel.instance.DeploymentType;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.job.Flow;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.product.HostFacts;
import dev.migrationpanel.product.InstancePairing;
import dev.migrationpanel.product.ProductSteps;
import dev.migrationpanel.remote.SshSession;
import dev.migrationpanel.web.InvalidInputException;

/**
 * Undoes a workspace move ({@link FiefWorkspaceMoveFlow}): the move wrote only to the target, whose main database held no
 * Fief table before it (its pre-flight refuses otherwise), so the target is put back as it was by dropping every Fief
 * table, enum type and free sequence its main database now holds, after a backup of it as it is; then the target is proved fresh again,
 * the workspace proved intact in its old place on the source against the move's record, and the source's Fief 0.27
 * started (the move stops it; a failed move may leave it stopped). The tables are listed when the plan is made, so the
 * review shows what is dropped. Option {@code job}: the move.
 */
@Component
class FiefMoveRollbackFlow implements Flow {

    static final String ID = "fief.move-workspace-rollback";

    private final JobService jobs;
    private final InstancePairing pairing;
    private final InstanceConnections connections;
    private final FiefDatabase db;

    FiefMoveRollbackFlow(JobService jobs, InstancePairing pairing, InstanceConnections connections, FiefDatabase db) {
        this.jobs = jobs;
        this.pairing = pairing;
        this.connections = connections;
        this.db = db;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Roll back a workspace move";
    }

    @Override
    public String description() {
        return "Puts the move's target back as it was (its Fief tables dropped after a backup) and the source's Fief 0.27 "
                + "running, with the workspace proved intact in its old place.";
    }

    @Override
    public String changes() {
        return "Drops the Fief tables of the move's target (it held none before the move), after backing it up; the source "
                + "is only read and started";
    }

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
        return Flow.super.appliesTo(instance) && instance.getDeploymentType() == DeploymentType.HOST;
    }

    @Override
    public Plan plan(Instance source, Map<String, String> options) {
        String option = options.getOrDefault("job", "").trim();
        if (!option.matches("\\d{1,18}")) {
            throw InvalidInputException.of("job", "Name the workspace move job by its number");
        }
        Job job = jobs.get(Long.parseLong(option));
        if (!FiefWorkspaceMoveFlow.ID.equals(job.getFlow()) || !source.getId().equals(job.getInstanceId())) {
            throw InvalidInputException.of("job", "Job #" + option + " is not a workspace move from " + source.getName());
        }
        if (job.getStatus().isActive()) {
            throw InvalidInputException.of("job", "Job #" + option + " is still running: roll back once it has ended");
        }
        Map<String, String> moved = jobs.options(job.getId());
        Instance target = pairing.target(source, moved.get("target"));
        try (SshSession ssh = connections.openSsh(target)) {
            HostFacts facts = HostFacts.read(target, ssh, connections);
            String prefix = connections.readEnv(target, ssh).map(FiefProfile::tablePrefix).orElse("fief_");
            Place main = Place.main(facts.db());
            List<String> tables = main.vendor() == DbVendor.SQLITE && !db.exists(target, ssh, main) ? List.of()
                    : db.tables(target, ssh, main).stream().filter(t -> t.startsWith(prefix)
                            || FiefPreflight.OLD_MAIN_TABLES.contains(t)).sorted().toList();
            List<String> types = main.vendor() == DbVendor.PGSQL ? db.pgTypes(target, ssh, main).stream()
                    .filter(t -> t.startsWith(prefix)).toList() : List.of();
            List<String> sequences = main.vendor() == DbVendor.PGSQL ? db.pgFreeSequences(target, ssh, main).stream()
                    .filter(t -> t.startsWith(prefix)).toList() : List.of();
            return build(source, target, facts, job.getId(), moved.get("workspace"), prefix, tables, types, sequences);
        }
    }

    /** The plan, as a value: what the target's main database holds now is given. */
    static Plan build(Instance source, Instance target, HostFacts facts, long jobId, String ws, String prefix,
            List<String> tables, List<String> types, List<String> sequences) {
        DbSettings main = facts.db();
        DbVendor v = main.vendor();
        List<Step> plan = new ArrayList<>();
        plan.add(ProductSteps.workDir(target, facts));
        plan.add(FiefSteps.command(target, "Stop Fief on the target", true, target.productSetting(FiefProfile.STOP, "true"),
                null));
        if (tables.isEmpty() && types.isEmpty()) {
            plan.add(ProductSteps.note(target, "Drop the moved tables", Place.main(main).describe() + " holds no Fief table: "
                    + "the move stopped before copying anything"));
        } else {
            plan.addAll(FiefSteps.backup(target, facts, "before-move-rollback"));
            String list = String.join(", ", tables.stream().map(v::quoteName).toList());
            String sql = switch (v) {
                case PGSQL -> "BEGIN;" + (tables.isEmpty() ? "" : " DROP TABLE IF EXISTS " + list + " CASCADE;")
                        + (types.isEmpty() ? "" : " DROP TYPE IF EXISTS " + String.join(", ", types.stream().map(v::quoteName)
                                .toList()) + ";") + (sequences.isEmpty() ? "" : " DROP SEQUENCE IF EXISTS " + String.join(", ",
                                sequences.stream().map(v::quoteName).toList()) + ";") + " COMMIT;";
                case MYSQL -> "SET FOREIGN_KEY_CHECKS = 0; DROP TABLE IF EXISTS " + list + ";";
                // SQLite drops one table a statement
                default -> "PRAGMA foreign_keys = OFF; BEGIN;" + String.join("", tables.stream().map(t -> " DROP TABLE IF EXISTS "
                        + v.quoteName(t) + ";").toList()) + " COMMIT;";
            };
            plan.add(FiefSteps.command(target, "Drop the " + tables.size() + " Fief tables" + (types.isEmpty() ? "" : ", "
                    + types.size() + " enum types") + (sequences.isEmpty() ? "" : ", " + sequences.size() + " free sequences")
                    + " of " + Place.main(main).describe() + " (it held none before the move)",
                    true, FiefSteps.sqlClient(main, sql), "restore the backup above"));
        }
        plan.add(new Step("Verify: the target's main database holds no Fief table", target.getId(), target.getName(), false,
                new StepSpec.Verify(FiefProof.VERIFY_FRESH, "no " + prefix + "* table and none of "
                        + String.join(", ", FiefPreflight.OLD_MAIN_TABLES) + " in " + Place.main(main).describe(),
                        Map.of("prefix", prefix)), ProductSteps.SHORT, null));
        plan.add(new Step("Verify: the workspace intact in its old place on the source, as the move recorded it",
                source.getId(), source.getName(), false, new StepSpec.Verify(FiefProof.VERIFY_ROLLBACK, "job #" + jobId
                        + "'s record against workspace " + ws + " of " + source.getName(), Map.of("recordJob",
                                String.valueOf(jobId))), ProductSteps.SHORT, null));
        String start027 = source.productSetting(FiefProfile.START_BEFORE_028, null);
        if (start027 == null) {
            plan.add(ProductSteps.note(source, "Start the source's Fief 0.27", "no start command of Fief 0.27 is set on "
                    + source.getName() + ": if the move left it stopped, start it by hand"));
        } else {
            plan.add(FiefSteps.command(source, "Start the source's Fief 0.27 (the move stops it; a failed move may have left "
                    + "it stopped)", true, start027, null));
        }
        plan.add(ProductSteps.note(target, "The target's Fief", "stays stopped: it runs no workspace now; start it once it has "
                + "one"));
        return new Plan(ID, "Roll back workspace move #" + jobId + " from " + source.getName() + " to " + target.getName(),
                source.getId(), source.getName(), plan, Map.of("job", String.valueOf(jobId)));
    }
}
