package dev.migrationpanel.fief;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.stereotype.Component;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.database.DumpCommands;
import dev.migrationpanel.database.RestoreCommands;
import dev.migrationpanel.fief.FiefDatabase.Place;
import dev.migrationpanel.fief.FiefPreflight.Survey;
import dev.migrationpanel.instance.CheckItem;
import dev.migrationpanel.instance.CheckStatus;
import dev.migrationpanel.instance.DeploymentType;
import dev.migrationpanel.instance.EnvFile;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.job.Flow;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.product.HostFacts;
import dev.migrationpanel.product.InstancePairing;
import dev.migrationpanel.product.ProductSteps;
import dev.migrationpanel.remote.SshSession;
import dev.migrationpanel.web.InvalidInputException;

/**
 * The guide's "What if I had multiple workspaces? … you'll need to run one instance per workspace": an extra workspace
 * of a pre-0.28 instance (the source, only read, stopped while its workspace is copied) moved into the main database
 * of another registered Fief instance (the target: a fresh install whose database holds no Fief table yet, whose
 * {@code ENCRYPTION_KEY} is the one the workspace's secrets were encrypted with), where Fief 0.28 then runs it. The
 * workspace's tables are recorded, streamed through the panel (PostgreSQL: {@code pg_dump} of its schema, then moved to
 * public on the target; MySQL: {@code mysqldump} of its database into the target's; SQLite: its file's {@code .dump} into
 * the target's main file), 0.28 started and awaited, the admin
 * role granted, and the target proved against the record. Options: {@code workspace}, {@code target}, {@code adminEmail}.
 */
@Component
class FiefWorkspaceMoveFlow implements Flow {

    static final String ID = "fief.move-workspace";
    /** The pre-flight's items about the source's own main database: not this flow's concern (nothing lands there). */
    static final Set<String> SOURCE_ONLY_ITEMS = Set.of("Workspaces", "Name clashes", "Index and constraint names",
            "Room for the backups", "Start and stop commands");

    private final FiefPreflight preflight;
    private final InstancePairing pairing;
    private final InstanceConnections connections;
    private final FiefDatabase db;

    FiefWorkspaceMoveFlow(FiefPreflight preflight, InstancePairing pairing, InstanceConnections connections, FiefDatabase db) {
        this.preflight = preflight;
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
        return "Move an extra workspace to an instance of its own";
    }

    @Override
    public String description() {
        return "Fief 0.28 runs one workspace per instance: an extra workspace's tables copied into another Fief instance's "
                + "fresh main database, 0.28 started there, the admin role granted, then proved table by table.";
    }

    @Override
    public String changes() {
        return "Changes the target only (its database receives the workspace, its Fief is restarted); the source is read and "
                + "stopped while its workspace is copied";
    }

    @Override
    public String product() {
        return FiefProfile.ID;
    }

    /** Started from the consolidation wizard, beside each extra workspace. */
    @Override
    public boolean appliesTo(Instance instance) {
        return Flow.super.appliesTo(instance) && instance.getDeploymentType() == DeploymentType.HOST;
    }

    /** Once it has ended, however: its rollback (the target put back as it was, the source's 0.27 started). */
    @Override
    public List<FollowUp> followUps(dev.migrationpanel.job.JobView job, Map<String, String> options) {
        if (job.status().isActive()) {
            return List.of();
        }
        return List.of(new FollowUp(FiefMoveRollbackFlow.ID, "Roll back", "Drop the moved tables from the target (after a "
                + "backup of it), prove the workspace intact on the source and start its Fief 0.27 again",
                Map.of("job", String.valueOf(job.id()))));
    }

    @Override
    public String startPath(Instance instance) {
        return "/instances/" + instance.getId() + "/fief/consolidate";
    }

    /** What the move's pre-flight found on both sides. */
    record Pair(Survey source, Instance target, HostFacts targetFacts, List<CheckItem> items) {

        boolean blocked() {
            return items.stream().anyMatch(i -> i.getStatus() == CheckStatus.BLOCKING);
        }

        String firstBlocking() {
            return items.stream().filter(i -> i.getStatus() == CheckStatus.BLOCKING).map(i -> i.getName() + ": " + i.getMessage())
                    .findFirst().orElse(null);
        }
    }

    @Override
    public Plan plan(Instance source, Map<String, String> options) {
        FiefConsolidationFlow.Options o = FiefConsolidationFlow.Options.of(options);
        if (o.workspace() == null) {
            throw InvalidInputException.of("workspace", "Name the workspace to move (its id)");
        }
        Instance target = pairing.target(source, options.get("target"));
        Pair pair = check(source, o.workspace(), target, o.adminEmail());
        if (pair.blocked()) {
            throw InvalidInputException.of("target", "The pre-flight refuses: " + pair.firstBlocking());
        }
        return build(source, pair.source(), target, pair.targetFacts(), o.adminEmail());
    }

    /** Both sides' pre-flight: the workspace on the source (as the consolidation reads it), the target fresh and ready. */
    Pair check(Instance source, String workspace, Instance target, String adminEmail) {
        // the target's settings are the ones its 0.28 signs in with: the moved workspace must hold their client
        EnvFile targetEnv;
        try (SshSession ssh = connections.openSsh(target)) {
            targetEnv = connections.readEnv(target, ssh).orElse(EnvFile.parse(""));
        } catch (RuntimeException e) {
            targetEnv = EnvFile.parse(""); // the target's own items below say why it cannot be read
        }
        FiefPreflight.SignIn signIn = new FiefPreflight.SignIn(target.getName(), targetEnv);
        Survey survey = preflight.run(source, workspace, adminEmail, signIn);
        List<CheckItem> items = new ArrayList<>();
        // a BLOCKING "Workspaces" item says the workspace is not there: that one stays
        survey.items().stream().filter(i -> !SOURCE_ONLY_ITEMS.contains(i.getName())
                || i.getName().equals("Workspaces") && i.getStatus() == CheckStatus.BLOCKING)
                .forEach(i -> items.add(new CheckItem("Source: " + i.getName(), i.getStatus(), i.getMessage())));
        if (survey.main() == null || survey.chosen() == null || survey.place() == null) {
            if (items.stream().noneMatch(i -> i.getStatus() == CheckStatus.BLOCKING)) {
                items.add(CheckItem.blocking("Source: Workspaces", "no workspace " + workspace + " to move"));
            }
            return new Pair(survey, target, null, items);
        }
        HostFacts facts = null;
        try (SshSession ssh = connections.openSsh(target)) {
            facts = HostFacts.read(target, ssh, connections);
            DbSettings main = facts.db();
            if (main.vendor() != survey.main().vendor()) {
                items.add(CheckItem.blocking("Target database", target.getName() + " runs on " + main.vendor().label() + ", the "
                        + "workspace on " + survey.main().vendor().label() + ": the copy stays within one vendor"));
            } else if (main.vendor() == DbVendor.SQLITE && !db.exists(target, ssh, Place.main(main))) {
                items.add(CheckItem.ok("Target database", main.describe() + " does not exist yet: the copy creates it"));
            } else {
                List<String> fief = db.tables(target, ssh, Place.main(main)).stream()
                        .filter(t -> t.startsWith(survey.prefix()) || FiefPreflight.OLD_MAIN_TABLES.contains(t)).toList();
                items.add(fief.isEmpty() ? CheckItem.ok("Target database", main.describe() + " holds no Fief table: fresh")
                        : CheckItem.blocking("Target database", main.describe() + " already holds Fief's tables (" + fief.size()
                                + ", e.g. " + fief.get(0) + "): the workspace goes into a fresh database only"));
            }
            EnvFile env = connections.readEnv(target, ssh).orElse(null);
            String key = env == null ? null : env.get("ENCRYPTION_KEY").filter(k -> !k.isBlank()).orElse(null);
            items.add(keyItem(target, source, survey, key));
        } catch (RuntimeException e) {
            items.add(CheckItem.blocking("Target", target.getName() + " cannot be read: " + e.getMessage()));
        }
        for (Instance side : List.of(source, target)) {
            if (side.productSetting(FiefProfile.START, null) == null || side.productSetting(FiefProfile.STOP, null) == null) {
                items.add(CheckItem.blocking("Start and stop commands", "not set on " + side.getName() + " (an ADMIN sets them): "
                        + "the source is stopped during the copy, the target restarted with 0.28 after it"));
            }
        }
        return new Pair(survey, target, facts, items);
    }

    /** The target's ENCRYPTION_KEY decrypts the workspace's Fernet values (read on the source), or BLOCKING. */
    private CheckItem keyItem(Instance target, Instance source, Survey survey, String key) {
        if (key == null || !Fernet.isValidKey(key)) {
            return CheckItem.blocking("Target ENCRYPTION_KEY", (key == null ? "not set" : "not a Fernet key") + " in "
                    + target.getName() + "'s " + FiefProfile.ENV_FILE + ": set it to the key the workspace's secrets were "
                    + "encrypted with (" + source.getName() + "'s ENCRYPTION_KEY)");
        }
        Fernet fernet = new Fernet(key);
        int values = 0;
        int failing = 0;
        try (SshSession ssh = connections.openSsh(source)) {
            for (Map.Entry<String, List<String>> e : FiefPreflight.ENCRYPTED.entrySet()) {
                String table = survey.prefix() + e.getKey();
                if (!survey.tables().containsKey(table)) {
                    continue;
                }
                for (String column : e.getValue()) {
                    int[] n = FiefPreflight.decrypt(fernet, db.query(source, ssh, survey.place(), "SELECT " + column + " AS v FROM "
                            + survey.place().vendor().quoteName(table) + " WHERE " + column + " IS NOT NULL"));
                    values += n[0];
                    failing += n[1];
                }
            }
        }
        return failing == 0 ? CheckItem.ok("Target ENCRYPTION_KEY", "decrypts all " + values + " Fernet value(s) of the workspace")
                : CheckItem.blocking("Target ENCRYPTION_KEY", "does not decrypt " + failing + " of the workspace's " + values
                        + " Fernet value(s): set " + target.getName() + "'s key to the one they were encrypted with ("
                        + source.getName() + "'s)");
    }

    /** The plan, as a value: no server is asked anything here. */
    static Plan build(Instance source, Survey s, Instance target, HostFacts targetFacts, String adminEmail) {
        DbSettings from = s.main();
        DbSettings into = targetFacts.db();
        String ws = s.chosen().id();
        List<String> tables = List.copyOf(s.tables().keySet());
        List<Step> plan = new ArrayList<>();
        plan.add(ProductSteps.workDir(target, targetFacts));
        plan.add(FiefSteps.command(target, "Stop Fief on the target", true, target.productSetting(FiefProfile.STOP, null), null));
        plan.add(FiefSteps.command(source, "Stop Fief on the source (nothing may write the workspace while it is copied)", true,
                source.productSetting(FiefProfile.STOP, null), null));
        int recordStep = plan.size();
        plan.add(new Step(FiefConsolidationFlow.RECORD_TITLE, source.getId(), source.getName(), false,
                new StepSpec.Verify(FiefProof.RECORD, "row count and content checksum of the " + tables.size() + " tables in "
                        + s.place().describe() + ", stored as an artifact", Map.of("workspace", ws, "prefix", s.prefix())),
                ProductSteps.SHORT, null));
        String dump = from.vendor() == DbVendor.SQLITE ? DumpCommands.dumpToStdout(s.place().db(), false)
                : from.vendor() == DbVendor.PGSQL
                // framed as DumpCommands frames a stream: a dump cut short reaches psql without its COMMIT
                ? "printf 'BEGIN;\\n' && PGPASSWORD=" + DumpCommands.DB_PASSWORD + " pg_dump -h " + quote(from.host()) + " -p "
                        + from.port() + " -U " + quote(from.username()) + " -F p --no-owner --no-privileges --schema=" + quote(ws)
                        + " " + quote(from.database()) + " && printf 'COMMIT;\\n'"
                : "MYSQL_PWD=" + DumpCommands.DB_PASSWORD + " mysqldump -h " + quote(from.host()) + " -P " + from.port() + " -u "
                        + quote(from.username()) + " --single-transaction --skip-triggers " + quote(ws);
        plan.add(new Step("Copy the workspace's tables into the target's database (streamed through the panel, stored on the way)",
                target.getId(), target.getName(), true, new StepSpec.Stream(source.getId(), source.getName(), dump,
                        RestoreCommands.importStream(into), source.getName() + "-workspace-" + ws + ".sql", "DB_DUMP", true),
                ProductSteps.LONG, "the target's database was fresh: drop its tables"));
        if (into.vendor() == DbVendor.PGSQL) {
            plan.add(FiefSteps.command(target, "Move the tables, enum types and free sequences of schema \"" + ws + "\" to public "
                    + "(one transaction), then drop the empty schema", true, FiefSteps.sqlClient(into,
                            FiefSteps.pgMoveSql(ws, tables, s.pgTypes(), s.pgSequences()).replace(" COMMIT;", " DROP SCHEMA "
                                    + DbVendor.PGSQL.quoteName(ws) + "; COMMIT;")), null));
        }
        plan.add(new Step("Verify the copy: every table in the target's main database, rows and checksum as recorded",
                target.getId(), target.getName(), false, new StepSpec.Verify(FiefProof.VERIFY_MOVE, "each of the "
                        + tables.size() + " tables in " + Place.main(into).describe() + " against step " + (recordStep + 1)
                        + "'s record", Map.of("recordStep", String.valueOf(recordStep), "copy", "true")), ProductSteps.SHORT, null));
        plan.addAll(FiefSteps.start028AndGrant(target, s.prefix(), adminEmail));
        plan.add(new Step("Prove the move: tables, alembic revision, admin role, Fernet values, the OpenID endpoint",
                target.getId(), target.getName(), false, new StepSpec.Verify(FiefProof.PROVE, "every copied table against the "
                        + "record, " + s.prefix() + "alembic_version advanced, " + adminEmail + " holds the Administrator role, "
                        + "every Fernet value decrypts with the target's ENCRYPTION_KEY, /.well-known/openid-configuration "
                        + "answers", Map.of("recordStep", String.valueOf(recordStep), "adminEmail", adminEmail,
                                "prefix", s.prefix())), ProductSteps.SHORT, null));
        String start027 = source.productSetting(FiefProfile.START_BEFORE_028, null);
        if (start027 == null) {
            plan.add(ProductSteps.note(source, "Start the source again", "no start command of Fief 0.27 is set on "
                    + source.getName() + ": start it by hand, or consolidate its own workspace next"));
        } else {
            plan.add(FiefSteps.command(source, "Start Fief 0.27 on the source again (its other workspaces)", true, start027, null));
        }
        plan.add(ProductSteps.note(source, "The workspace's old tables", "they stay in " + s.place().describe() + " on "
                + source.getName() + ", unused by 0.28 once the source is consolidated; drop them once the target works"));
        Map<String, String> options = new LinkedHashMap<>();
        options.put("workspace", ws);
        options.put("target", String.valueOf(target.getId()));
        options.put("adminEmail", adminEmail);
        return new Plan(ID, "Move workspace " + s.chosen().name() + " of " + source.getName() + " to " + target.getName(),
                source.getId(), source.getName(), plan, options);
    }
}
