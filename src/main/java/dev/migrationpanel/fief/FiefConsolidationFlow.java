package dev.migrationpanel.fief;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.fief.FiefDatabase.Place;
import dev.migrationpanel.fief.FiefPreflight.Survey;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.DeploymentType;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.job.Flow;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.job.JobView;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.product.HostFacts;
import dev.migrationpanel.product.ProductSteps;
import dev.migrationpanel.remote.SecretRefs;
import dev.migrationpanel.web.InvalidInputException;

/**
 * The guide "Migrate to 0.28+" for a self-hosted instance: its workspace's tables moved into the main database, per
 * vendor (PostgreSQL schema → public with its enum types and free sequences, in one transaction; MySQL one
 * {@code RENAME TABLE} with backticks; SQLite the file swap keeping {@code fief.db.bak}), for the tables the workspace
 * really has (the pre-flight lists them; the guide's list is fixed), {@code ENCRYPTION_KEY} on its own line, Fief 0.28
 * started and its upgrade awaited, {@code fief grant-admin-role}, the admin API keys to recreate named, and a proof.
 * Before anything moves Fief is stopped and the main database and the workspace are backed up as artifacts. The guide's
 * cleanup of the five old tables is a follow-up, offered once the job succeeded. Options: {@code adminEmail} (required),
 * {@code workspace} (its id; needed when there are several).
 */
@Component
class FiefConsolidationFlow implements Flow {

    static final String ID = "fief.consolidate-workspace";
    static final String RECORD_TITLE = "Record every workspace table's rows and checksum (the proof compares with it)";
    static final String PROOF_TITLE = "Prove the consolidation: tables, alembic revision, admin role, Fernet values, the OpenID endpoint";
    private static final Duration SHORT = ProductSteps.SHORT;

    private final FiefPreflight preflight;

    FiefConsolidationFlow(FiefPreflight preflight) {
        this.preflight = preflight;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Consolidate the workspace for Fief 0.28";
    }

    @Override
    public String description() {
        return "The vendor's \"Migrate to 0.28+\": backups, Fief stopped, the workspace's tables moved into the main database, "
                + "ENCRYPTION_KEY set, 0.28 started, the admin role granted, then proved table by table.";
    }

    @Override
    public String changes() {
        return "Changes the main database (the workspace's tables move into it), the .env's ENCRYPTION_KEY line and the "
                + "running Fief; backs both databases up first";
    }

    @Override
    public String product() {
        return FiefProfile.ID;
    }

    @Override
    public boolean appliesTo(Instance instance) {
        return Flow.super.appliesTo(instance) && whyNotApplicable(instance) == null;
    }

    @Override
    public String whyNotApplicable(Instance instance) {
        return whyNot(instance);
    }

    /**
     * What a Fief instance's deployment lacks for the flows that stop, reconfigure and start it: Kubernetes is not
     * supported; in Docker the panel needs the file the container is created from and commands that stop it and
     * recreate it from that file (a container's environment is fixed when it is created: docker start keeps it).
     */
    static String whyNot(Instance instance) {
        return switch (instance.getDeploymentType()) {
            case HOST -> null;
            case KUBERNETES -> "Fief in Kubernetes is not supported: its settings are the pod's (a ConfigMap or Secret the "
                    + "panel does not edit) and the pod is restarted by its controller, not by the panel";
            case DOCKER -> {
                List<String> missing = new ArrayList<>();
                if (blank(instance.productSetting(FiefProfile.DOCKER_ENV_FILE, null))) {
                    missing.add("the environment file the container is created from (docker run --env-file): ENCRYPTION_KEY "
                            + "is written there, a container's environment cannot change in place");
                }
                if (blank(instance.productSetting(FiefProfile.STOP, null))) {
                    missing.add("the stop command (e.g. docker stop " + instance.getContainerName() + ")");
                }
                if (blank(instance.productSetting(FiefProfile.START, null))) {
                    missing.add("the start command, which must recreate the container from that file running Fief 0.28 "
                            + "(docker start would keep the old environment)");
                }
                yield missing.isEmpty() ? null : "Fief in Docker container " + instance.getContainerName() + ": an ADMIN "
                        + "must set " + String.join("; ", missing);
            }
        };
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    @Override
    public String startPath(Instance instance) {
        return "/instances/" + instance.getId() + "/fief/consolidate";
    }

    @Override
    public Plan plan(Instance instance, Map<String, String> options) {
        Options o = Options.of(options);
        Survey survey = preflight.run(instance, o.workspace(), o.adminEmail());
        if (survey.blocked()) {
            throw InvalidInputException.of("workspace", "The pre-flight refuses: " + survey.firstBlocking());
        }
        return build(instance, survey, o.adminEmail());
    }

    /** The options, validated: the admin's e-mail, the workspace id (blank: the only one). */
    record Options(String adminEmail, String workspace) {
        static Options of(Map<String, String> given) {
            Map<String, String> errors = new LinkedHashMap<>();
            String email = given.getOrDefault("adminEmail", "").trim();
            String workspace = given.getOrDefault("workspace", "").trim();
            if (!FiefPreflight.EMAIL.matcher(email).matches()) {
                errors.put("adminEmail", "The e-mail of the account to make admin (a user of the default tenant)");
            }
            if (!workspace.isEmpty() && !FiefPreflight.WORKSPACE_ID.matcher(workspace).matches()) {
                errors.put("workspace", "A workspace id is a UUID, as in the workspaces table");
            }
            if (!errors.isEmpty()) {
                throw new InvalidInputException(errors);
            }
            return new Options(email, workspace.isEmpty() ? null : workspace.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** The plan, as a value: no server is asked anything here. */
    static Plan build(Instance instance, Survey s, String adminEmail) {
        Long id = instance.getId();
        String name = instance.getName();
        DbSettings main = s.main();
        DbVendor vendor = main.vendor();
        String ws = s.chosen().id();
        List<String> tables = List.copyOf(s.tables().keySet());
        HostFacts host = new HostFacts(s.home(), main);
        List<Step> plan = new ArrayList<>();
        plan.add(ProductSteps.workDir(instance, host));
        plan.add(FiefSteps.command(instance, "Stop Fief (nothing may write while its tables move)", true,
                instance.productSetting(FiefProfile.STOP, null), "start it again: " + instance.productSetting(FiefProfile.START, null)));
        boolean docker = instance.getDeploymentType() == DeploymentType.DOCKER;
        // SQLite in a container: its files are read through copies on the SSH host while it is stopped (FiefContainerFiles)
        String stage = docker && vendor == DbVendor.SQLITE ? FiefContainerFiles.stage(instance, host) : null;
        Place wsRead = s.place();
        Place mainRead = Place.main(main);
        if (stage != null) {
            plan.add(FiefContainerFiles.copyOutBefore(instance, main, stage, ws));
            DbSettings mainCopy = FiefContainerFiles.stagedMain(stage, main);
            wsRead = Place.workspace(mainCopy, ws).onHostCopy();
            plan.addAll(ProductSteps.dbBackup(instance, new HostFacts(s.home(), mainCopy), FiefProfile.ID,
                    "main-before-consolidation", Deployment.ON_HOST));
            plan.addAll(ProductSteps.dbBackup(instance, new HostFacts(s.home(), wsRead.db()), FiefProfile.ID,
                    "workspace-before-consolidation", Deployment.ON_HOST));
            mainRead = Place.main(FiefContainerFiles.stagedMain(FiefContainerFiles.checkStage(stage), main)).onHostCopy();
        } else {
            plan.addAll(FiefSteps.backup(instance, host, "main-before-consolidation"));
            if (vendor == DbVendor.PGSQL) {
                plan.add(ProductSteps.note(instance, "Back up the workspace's schema", "the dump above is of the whole database "
                        + main.database() + ": schema \"" + ws + "\" is in it"));
            } else {
                plan.addAll(FiefSteps.backup(instance, new HostFacts(s.home(), s.place().db()), "workspace-before-consolidation"));
            }
        }
        int recordStep = plan.size();
        Map<String, String> recordArgs = new LinkedHashMap<>(Map.of("workspace", ws, "prefix", s.prefix()));
        if (stage != null) {
            recordArgs.put(FiefProof.HOST_COPY, stage);
        }
        plan.add(new Step(RECORD_TITLE, id, name, false, new StepSpec.Verify(FiefProof.RECORD, "row count and content checksum "
                + "of the " + tables.size() + " tables in " + wsRead.describe() + ", stored as an artifact", recordArgs), SHORT, null));
        Map<String, String> verifyArgs = new LinkedHashMap<>(Map.of("recordStep", String.valueOf(recordStep)));
        if (stage != null) {
            plan.add(FiefContainerFiles.swap(instance, main, ws));
            plan.add(FiefSteps.command(instance, "Copy the new " + main.sqlitePath() + " out of the stopped container, for the "
                    + "check", false, FiefContainerFiles.copyOut(instance, main, FiefContainerFiles.checkStage(stage),
                            List.of(FiefDatabase.fileName(main.sqlitePath()))), null));
            verifyArgs.put(FiefProof.HOST_COPY, FiefContainerFiles.checkStage(stage));
        } else {
            plan.add(move(instance, s, tables));
        }
        plan.add(new Step("Verify the move: every table in the main database, rows and checksum as recorded", id, name, false,
                new StepSpec.Verify(FiefProof.VERIFY_MOVE, "each of the " + tables.size() + " tables in " + mainRead.describe()
                        + " against step " + (recordStep + 1) + "'s record" + (stage != null ? "" : ", none left in "
                                + s.place().describe()), verifyArgs), SHORT, null));
        if (stage != null) {
            plan.add(FiefContainerFiles.removeStage(instance, stage));
        }
        plan.add(FiefSteps.command(instance, "Set ENCRYPTION_KEY in " + (docker ? FiefSteps.envFileOf(instance) + " (the "
                + "environment file container " + instance.getContainerName() + " is created from)" : FiefProfile.ENV_FILE)
                + ", on its own line (the key the pre-flight saw decrypt the workspace's values)", true,
                FiefSteps.setEncryptionKey(instance, SecretRefs.ref("env.ENCRYPTION_KEY")), null));
        plan.add(ProductSteps.note(instance, "Run Fief 0.28", docker
                ? "the instance's start command (set by an ADMIN) recreates container " + instance.getContainerName() + " from "
                        + FiefSteps.envFileOf(instance) + " with Fief 0.28 or later (e.g. the image ghcr.io/fief-dev/fief:0.28 or "
                        + "later): that is how the key set above reaches Fief (docker start keeps a container's old "
                        + "environment); the proof reads the key from the recreated container's environment. The next step runs it"
                : "the instance's start command (set by an ADMIN) must start Fief 0.28 or later, e.g. the image "
                        + "ghcr.io/fief-dev/fief:0.28 or later; the next step runs it"));
        plan.addAll(FiefSteps.start028AndGrant(instance, s.prefix(), adminEmail));
        plan.add(ProductSteps.note(instance, "Recreate the admin API keys", s.apiKeyNames().isEmpty()
                ? "the guide: admin API keys are not migrated; this instance had none"
                : "the guide: admin API keys are not migrated. Create them again in Fief's admin and update the callers: "
                        + String.join(", ", s.apiKeyNames())));
        plan.add(new Step(PROOF_TITLE, id, name, false, new StepSpec.Verify(FiefProof.PROVE, "every moved table against the "
                + "record (those 0.28's start-up and grant-admin-role add to may only grow), " + s.prefix()
                + "alembic_version advanced, " + adminEmail + " holds the Administrator role (fief:admin), every Fernet value "
                + "decrypts with ENCRYPTION_KEY, /.well-known/openid-configuration answers",
                Map.of("recordStep", String.valueOf(recordStep), "adminEmail", adminEmail, "prefix", s.prefix())), SHORT, null));
        plan.add(ProductSteps.note(instance, "Clean up the old tables", "the guide: only after checking that everything works; "
                + "offered on this job's page once it succeeded (a fresh backup first): " + String.join(", ",
                        FiefPreflight.OLD_MAIN_TABLES)));
        if (s.workspaces().size() > 1) {
            plan.add(ProductSteps.note(instance, "The other workspaces", "Fief 0.28 runs one workspace per instance: "
                    + String.join(", ", s.workspaces().stream().filter(w -> !w.id().equals(ws)).map(w -> w.name() + " ("
                            + w.id() + ")").toList()) + " stay in place and need an instance and a main database each"));
        }
        plan.add(ProductSteps.note(instance, "Fief Cloud", "not this instance's case: a Cloud workspace comes as the exporter's "
                + "dump, imported by the Cloud import flow"));
        Map<String, String> options = new LinkedHashMap<>();
        options.put("adminEmail", adminEmail);
        options.put("workspace", ws);
        return new Plan(ID, "Consolidate workspace " + s.chosen().name() + " of " + name + " for Fief 0.28", id, name, plan, options);
    }

    private static Step move(Instance instance, Survey s, List<String> tables) {
        DbSettings main = s.main();
        String ws = s.chosen().id();
        return switch (main.vendor()) {
            case PGSQL -> FiefSteps.command(instance, "Move the " + tables.size() + " tables, " + s.pgTypes().size()
                    + " enum types and " + s.pgSequences().size() + " free sequences of schema \"" + ws + "\" to public "
                    + "(one transaction)", true, FiefSteps.sqlClient(main, FiefSteps.pgMoveSql(ws, tables, s.pgTypes(),
                    s.pgSequences())), "the rollback follow-up restores the backup");
            case MYSQL -> FiefSteps.command(instance, "Move the " + tables.size() + " tables of database `" + ws + "` into `"
                    + main.database() + "` (one RENAME TABLE, names in backticks)", true, FiefSteps.sqlClient(main,
                    FiefSteps.mysqlMoveSql(ws, main.database(), tables)), "the rollback follow-up restores the backups");
            default -> FiefSteps.command(instance, "Swap the files: the main database becomes " + main.sqlitePath() + ".bak, the "
                    + "workspace's file the main one", true, FiefSteps.sqliteSwap(main, ws), "the rollback follow-up restores "
                    + "the backups");
        };
    }

    @Override
    public List<FollowUp> followUps(JobView job, Map<String, String> options) {
        if (job.status().isActive()) {
            return List.of();
        }
        Map<String, String> ofJob = Map.of("job", String.valueOf(job.id()));
        List<FollowUp> ups = new ArrayList<>();
        ups.add(new FollowUp(FiefRollbackFlow.ID, "Roll back", "Put the main database and the workspace back from this job's "
                + "backups (Fief stopped first)", ofJob));
        if (job.status() == JobStatus.SUCCEEDED) {
            ups.add(new FollowUp(FiefCheckFlow.ID, "Prove again", "Run this job's proof again against its record", ofJob));
            ups.add(new FollowUp(FiefCleanupFlow.ID, "Clean up the old tables", "Once everything works: a fresh backup, then "
                    + "the five pre-0.28 tables dropped", ofJob));
        }
        return ups;
    }
}
