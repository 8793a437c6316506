package dev.migrationpanel.dreamfactory;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.migrationpanel.product.ProductSteps;
import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.database.DumpCommands;
import dev.migrationpanel.database.RestoreCommands;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.job.Flow;
import dev.migrationpanel.job.JobView;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.remote.SecretRefs;
import dev.migrationpanel.web.InvalidInputException;
import dev.migrationpanel.web.NotFoundException;

/**
 * The vendor's "Major Version Migration": the source's {@code .env} and system DB carried to a fresh
 * install of a newer release on another server, then proven there. The source is only read (its maintenance
 * mode during the dump is the one optional exception); the target is backed up before anything changes.
 * Steps in the order of the guide, each one shown; the proof ends the job and fails it when it fails.
 */
@Component
class DreamFactoryMigrationFlow implements Flow {

    static final String ID = "dreamfactory.major-migration";
    static final String API_CHECK_NEEDS_URL = "The API check needs the app URL of the target: set it on the instance";
    static final String RECORD_TITLE = "Record the source's state for the proof (table checksums, .env checksum)";
    static final String PROOF_TITLE = "Prove the migration: tables, APP_KEY, encrypted values, source unchanged";
    static final String IMPORT_CHECK_TITLE = "Verify: the import equals the source (every table's rows and checksum)";
    static final String STREAM = "stream";
    static final String STAGED = "staged";
    static final String STREAM_NEEDS_HOST = "The dump streams into a plain host only: a container or pod receives it "
            + "by docker cp / kubectl cp, as the guide says (choose the staged transfer)";
    static final String STREAM_TITLE = "Dump the source's system DB straight into the target's import (stored on the way)";

    private final InstanceService instances;
    private final DreamFactorySteps steps;
    private final MigrationPreflight preflight;

    DreamFactoryMigrationFlow(InstanceService instances, DreamFactorySteps steps, MigrationPreflight preflight) {
        this.instances = instances;
        this.steps = steps;
        this.preflight = preflight;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Major migration (to a new server)";
    }

    @Override
    public String description() {
        return "Carries the .env's APP_KEY and the system DB to a fresh install of a newer release on another server, "
                + "backing up the target first, and proves the target holds what the source held. The source is only read.";
    }

    @Override
    public Purpose purpose() {
        return Purpose.MIGRATE;
    }

    @Override
    public String changes() {
        return "the target only: its system DB replaced by the source's and its APP_KEY set, after a backup; the source is only read (put in maintenance only if you choose)";
    }

    @Override
    public String product() {
        return DreamFactoryProfile.ID;
    }

    @Override
    public String startPath(Instance instance) {
        return "/instances/" + instance.getId() + "/migrate";
    }

    /** The options as the plan uses them; every refusal named with its reason. */
    Map<String, String> options(Instance source, Map<String, String> given) {
        Map<String, String> errors = new LinkedHashMap<>();
        Map<String, String> o = new LinkedHashMap<>();
        String target = given.getOrDefault("target", "").trim();
        if (!target.matches("\\d{1,18}")) {
            errors.put("target", "Choose the target: a registered DreamFactory instance (a fresh install)");
        } else if (source.getId() != null && Long.parseLong(target) == source.getId()) {
            errors.put("target", "The target must be another instance than the source: a migration never writes to its source");
        }
        o.put("target", target);
        for (String flag : List.of("maintenance", "strict", "wipeTarget")) {
            String value = given.getOrDefault(flag, "false").trim();
            if (!value.equals("true") && !value.equals("false")) {
                errors.put(flag, "'" + flag + "' is true or false");
            }
            o.put(flag, value);
        }
        String transfer = given.getOrDefault("transfer", "").trim();
        if (!transfer.isEmpty() && !transfer.equals(STREAM) && !transfer.equals(STAGED)) {
            errors.put("transfer", "The transfer is 'stream' or 'staged'");
        }
        o.put("transfer", transfer);
        String credentials = given.getOrDefault("apiCredentials", "").trim();
        if (!credentials.isEmpty() && !credentials.matches("[A-Za-z0-9-]{8,64}")) {
            errors.put("apiEmail", "The API sign-in given for this migration is not valid: enter it again");
        }
        if (!credentials.isEmpty()) {
            o.put("apiCredentials", credentials);
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        return o;
    }

    @Override
    public Plan plan(Instance source, Map<String, String> given) {
        Map<String, String> o = options(source, given);
        Instance target;
        try {
            target = instances.get(Long.parseLong(o.get("target")));
        } catch (NotFoundException e) {
            throw InvalidInputException.of("target", "The target instance " + o.get("target") + " is not registered");
        }
        if (o.containsKey("apiCredentials") && (target.getAppUrl() == null || target.getAppUrl().isBlank())) {
            throw InvalidInputException.of("apiEmail", API_CHECK_NEEDS_URL);
        }
        MigrationPreflight.Pair pair = preflight.facts(source, target);
        List<String> refusals = MigrationPreflight.refusals(source, pair, target, o.get("wipeTarget").equals("true"));
        if (!refusals.isEmpty()) {
            throw InvalidInputException.of("target", String.join("; ", refusals));
        }
        return build(source, pair.source(), target, pair.target(), o);
    }

    /** Whether the dump can stream into the target's import: its DB client runs on the SSH host itself. */
    static boolean streamable(Instance target) {
        return !Deployment.of(target).copiesThroughHost();
    }

    /** The transfer chosen, or the default: streamed into a plain host, staged (docker cp / kubectl cp) otherwise. */
    static String transfer(Map<String, String> o, Instance target) {
        String chosen = o.getOrDefault("transfer", "");
        return chosen.isEmpty() ? (streamable(target) ? STREAM : STAGED) : chosen;
    }

    /**
     * The plan from checked options and facts read from both sides: a value, testable without a server.
     * Staged, it is the guide's order word for word: dump to a file, into the store, to the target, then the
     * target's migrate:fresh, migrate:reset and import. Streamed, the target is prepared (fresh, reset) before
     * the dump, which then flows from the source's dump tool through the panel (a copy stored) into the
     * target's import, the two running at once like the pipe an admin would type, and the source's record for the
     * proof taken beside it (not before everything: the record's reads then cost the job no time); the rest is the
     * same.
     */
    static Plan build(Instance source, DreamFactorySteps.Facts sourceFacts, Instance target,
            DreamFactorySteps.Facts targetFacts, Map<String, String> o) {
        Long sid = source.getId();
        Long tid = target.getId();
        String sname = source.getName();
        String tname = target.getName();
        Deployment targetDeployment = Deployment.of(target);
        String tcd = "cd " + quote(target.getInstallPath()) + " && ";
        Duration short_ = ProductSteps.SHORT;
        Duration long_ = ProductSteps.LONG;
        boolean streamed = transfer(o, target).equals(STREAM);
        if (streamed && !streamable(target)) {
            throw InvalidInputException.of("transfer", STREAM_NEEDS_HOST);
        }
        List<Step> plan = new ArrayList<>();
        Step record = new Step(RECORD_TITLE, sid, sname, false,
                new StepSpec.Verify(MigrationProof.RECORD_SOURCE, "row count and content checksum of every system table of "
                        + sname + ", and the SHA-256 of its .env, stored as an artifact", Map.of()), long_, null);

        // the source: only read
        if (!streamed) {
            plan.add(record);
        }
        int sourceEnvStep = plan.size();
        plan.addAll(DreamFactorySteps.captureEnv(source, sourceFacts));
        String staged = targetFacts.workDir() + "/migration-from-" + sid + "-dump.sql";
        String importFrom = staged;
        if (!streamed) {
            plan.addAll(maintenance(source, o, true));
            List<Step> dump = DreamFactorySteps.dbBackup(source, sourceFacts, "migration");
            plan.addAll(dump);
            int dumpStep = plan.size() - dump.size() + indexOfTitle(dump, ProductSteps.DUMP_DOWNLOAD_TITLE);
            plan.addAll(maintenance(source, o, false));

            // the target: backed up before anything changes
            plan.addAll(DreamFactorySteps.captureEnv(target, targetFacts));
            plan.addAll(DreamFactorySteps.dbBackup(target, targetFacts, "before-migration"));

            // the transfer, by the target's deployment path
            // (the target's private work directory exists: its DB backup above made it)
            plan.add(new Step("Transfer the dump to the target (SFTP)", tid, tname, false,
                    new StepSpec.Upload(dumpStep, staged), long_, "rm -f " + staged));
            if (targetDeployment.copiesThroughHost()) {
                importFrom = "/tmp/panel-migration-from-" + sid + "-dump.sql";
                plan.add(new Step("Copy the dump into the " + targetDeployment.kindLabel(), tid, tname, false,
                        new StepSpec.RemoteCommand(targetDeployment.copyIn(staged, importFrom)), long_, null));
            }
        } else {
            plan.addAll(DreamFactorySteps.captureEnv(target, targetFacts));
            plan.addAll(DreamFactorySteps.dbBackup(target, targetFacts, "before-migration"));
        }

        plan.add(ProductSteps.note(target, "Transfer the source's .env to the target", "not copied whole: the target "
                + "keeps its own DB credentials and settings; the source's .env is in the artifact store (step "
                + (sourceEnvStep + 1) + ") and "
                + "its APP_KEY, the value the guide carries, is set in the target's .env below"));

        // the target: the guide's steps 4 to 6
        plan.add(o.get("strict").equals("true")
                ? new Step("Turn MySQL strict mode off ('strict' => false in config/database.php)", tid, tname, true,
                        new StepSpec.RemoteCommand(targetDeployment.wrap(tcd + strictModeOff())), short_,
                        "config/database.php.panel-backup holds the file as it was")
                : ProductSteps.note(target, "MySQL strict mode", "left as it is (option; the guide turns it off "
                        + "for MySQL 5.6 → 5.7+)"));
        plan.add(new Step("Clear the default schema (artisan migrate:fresh)", tid, tname, true,
                new StepSpec.RemoteCommand(targetDeployment.wrap(tcd + "php artisan migrate:fresh --force")), long_,
                "restore the target's DB backup taken above"));
        plan.add(new Step("Roll back every migration (artisan migrate:reset)", tid, tname, true,
                new StepSpec.RemoteCommand(targetDeployment.wrap(tcd + "php artisan migrate:reset --force")), long_,
                "restore the target's DB backup taken above"));
        plan.add(new Step("Drop the empty migrations table migrate:reset leaves (the dump brings the source's)", tid, tname,
                true, new StepSpec.Sql("DROP TABLE IF EXISTS migrations", false), short_,
                "restore the target's DB backup taken above"));
        if (streamed) {
            DbSettings sdb = sourceFacts.db();
            plan.addAll(maintenance(source, o, true));
            // The record runs beside the stream, not before it: both only read the source, on connections of their
            // own, and nothing of this job writes to the source (its one change, maintenance mode, is switched on
            // before both and off after both). So the record reads what the dump reads: with maintenance on, the
            // source is closed to writes for both; without it, the admin chose to accept changes made during the
            // dump, and the record, taken at the same moment, is as close to the dump as it can be (the proof's
            // "source unchanged" still compares it with the source at the end of the job).
            plan.add(record.besideTheNext());
            plan.add(new Step(STREAM_TITLE, tid, tname, true, new StepSpec.Stream(sid, sname,
                    Deployment.of(source).wrap(DumpCommands.dumpToStdout(sdb, sdb.vendor() == DbVendor.MYSQL)),
                    RestoreCommands.importStream(targetFacts.db()), sname + "-migration-" + sdb.vendor().code() + "-dump.sql",
                    "DB_DUMP", true), long_, "restore the target's DB backup taken above"));
            plan.addAll(maintenance(source, o, false));
        } else {
            plan.add(new Step("Import the dump (" + targetFacts.db().vendor().label() + ")", tid, tname, true,
                    new StepSpec.RemoteCommand(targetDeployment.wrap(RestoreCommands.importInto(targetFacts.db(), importFrom))),
                    long_, "restore the target's DB backup taken above"));
        }
        // checked before the new release's migrate --seed writes to it (its seeders reset the default apps and bring
        // back deleted defaults): what the proof then finds changed is the release's doing, not the copy's
        int recordStep = streamed ? plan.indexOf(record.besideTheNext()) : plan.indexOf(record);
        int importCheckStep = plan.size();
        plan.add(new Step(IMPORT_CHECK_TITLE, tid, tname, false, new StepSpec.Verify(MigrationProof.CHECK_IMPORT,
                "every system table of " + tname + " as imported against the source's record of step " + (recordStep + 1)
                        + " (rows and content checksums, over the source's columns): any difference stops the job here",
                Map.of("recordStep", String.valueOf(recordStep))), long_, null));
        plan.add(new Step("Apply the new release's schema (artisan migrate --seed)", tid, tname, true,
                new StepSpec.RemoteCommand(targetDeployment.wrap(tcd + "php artisan migrate --seed --force")), long_,
                "restore the target's DB backup taken above"));
        if (!streamed) {
            plan.add(new Step("Remove the staged dump", tid, tname, false, new StepSpec.RemoteCommand("rm -f " + quote(staged)
                    + (targetDeployment.copiesThroughHost() ? " && " + targetDeployment.wrap("rm -f " + quote(importFrom)) : "")),
                    short_, null));
        }
        plan.add(new Step("Set APP_KEY in the target's .env to the source's (that line only)", tid, tname, true,
                new StepSpec.RemoteCommand(targetDeployment.wrap(tcd + setAppKey(SecretRefs.ref(sid, "env.APP_KEY")))), short_,
                "the target's .env captured above"));
        plan.add(new Step("Clear the application cache (artisan cache:clear)", tid, tname, true,
                new StepSpec.RemoteCommand(targetDeployment.wrap(tcd + "php artisan cache:clear")), short_, null));
        plan.add(new Step("Clear the configuration cache (artisan config:clear)", tid, tname, true,
                new StepSpec.RemoteCommand(targetDeployment.wrap(tcd + "php artisan config:clear")), short_, null));
        plan.add(DreamFactoryMinorUpgradeFlow.restart(target));

        // the proof
        plan.add(new Step(PROOF_TITLE, tid, tname, false, new StepSpec.Verify(MigrationProof.PROVE,
                "every system table of " + tname + " against itself as imported (step " + (importCheckStep + 1) + "; what the "
                        + "newer release's migrations and seeders changed since listed as such), APP_KEY equal, values "
                        + "encrypted by the source decrypt with the target's key, the source's tables and .env unchanged "
                        + "since step " + (recordStep + 1),
                Map.of("source", String.valueOf(sid), "recordStep", String.valueOf(recordStep), "importStep",
                        String.valueOf(importCheckStep))), long_, null));
        plan.add(o.containsKey("apiCredentials")
                ? new Step("Verify: sign in to the target's API and compare its lists with the source", tid, tname, false,
                        new StepSpec.Verify(MigrationApiCheck.ID, "sign in at " + target.getAppUrl() + "/api/v2/user/session "
                                + "with the credentials given in the wizard (stored encrypted), then GET /api/v2/system/"
                                + "{user,role,service,app} and compare each list with the source's system DB",
                                Map.of("source", String.valueOf(sid), "credentials", o.get("apiCredentials"))), short_, null)
                : ProductSteps.note(target, "Verify: sign in to the target's API", "no API credentials were given (option)"));
        plan.add(target.getAppUrl() == null
                ? ProductSteps.note(target, "Verify: the target answers over HTTP", "no app URL is set on the target")
                : new Step("Verify: the target answers over HTTP", null, null, false,
                        new StepSpec.HttpCheck(target.getAppUrl(), 200, null), short_, null));

        Map<String, String> options = new LinkedHashMap<>(o);
        options.put("transfer", streamed ? STREAM : STAGED);
        options.put("sourceVersion", sourceFacts.version() == null ? "" : sourceFacts.version());
        options.put("targetVersion", targetFacts.version() == null ? "" : targetFacts.version());
        options.put("targetName", tname);
        return new Plan(ID, "Migrate " + sname + " to " + tname, sid, sname, plan, options);
    }

    /**
     * Replaces the {@code APP_KEY=} line (or adds one), keeping every other line, the file's owner and mode: the
     * new content is written back into the same file. The key travels in an environment variable, never in
     * the command line.
     */
    static String setAppKey(String keyRef) {
        return "PANEL_APP_KEY=" + keyRef + " awk 'BEGIN { k = ENVIRON[\"PANEL_APP_KEY\"] } "
                + "/^APP_KEY=/ { if (!done) print \"APP_KEY=\" k; done = 1; next } { print } "
                + "END { if (!done) print \"APP_KEY=\" k }' .env > .env.panel-new && cat .env.panel-new > .env "
                + "&& rm -f .env.panel-new && echo 'APP_KEY set'";
    }

    /** The guide's MySQL 5.6 → 5.7+ change, idempotent, the file kept as it was beside it. */
    static String strictModeOff() {
        return "cp -p config/database.php config/database.php.panel-backup && php -r " + quote(
                "$f = 'config/database.php'; $s = file_get_contents($f);"
                        + " $s = preg_replace_callback(\"/('mysql'\\s*=>\\s*\\[)(.*?)(\\n\\s*\\],)/s\", function ($m) {"
                        + " $body = preg_match(\"/'strict'\\s*=>/\", $m[2])"
                        + " ? preg_replace(\"/'strict'\\s*=>\\s*[^,\\n]+/\", \"'strict' => false\", $m[2])"
                        + " : $m[2] . \"\\n            'strict' => false,\";"
                        + " return $m[1] . $body . $m[3]; }, $s, 1, $n);"
                        + " if ($n !== 1) { fwrite(STDERR, \"no 'mysql' connection in config/database.php\\n\"); exit(1); }"
                        + " file_put_contents($f, $s); echo \"strict mode off\\n\";");
    }

    /** Maintenance mode on the source (before its dump) or off (after), or the note that it stays off. */
    private static List<Step> maintenance(Instance source, Map<String, String> o, boolean on) {
        if (!o.get("maintenance").equals("true")) {
            return on ? List.of(ProductSteps.note(source, "Maintenance mode on the source", "off for this migration "
                    + "(option): changes made on the source during the dump may be missing on the target")) : List.of();
        }
        String command = Deployment.of(source).wrap("cd " + quote(source.getInstallPath()) + " && php artisan "
                + (on ? "down" : "up"));
        return List.of(on
                ? new Step("Maintenance mode on (source, during the dump)", source.getId(), source.getName(), true,
                        new StepSpec.RemoteCommand(command), ProductSteps.SHORT, "php artisan up")
                : new Step("Maintenance mode off (source)", source.getId(), source.getName(), true,
                        new StepSpec.RemoteCommand(command), ProductSteps.SHORT, null));
    }

    private static int indexOfTitle(List<Step> steps, String title) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).title().equals(title)) {
                return i;
            }
        }
        throw new IllegalStateException("no step " + title);
    }

    @Override
    public String resultSummary(JobView job, Map<String, String> options) {
        String proof = job.steps().stream().filter(s -> s.title().equals(PROOF_TITLE)).map(s -> s.status().name()
                + (s.message() == null ? "" : ": " + s.message())).findFirst().orElse("not run");
        return "From " + job.instanceName() + " " + options.getOrDefault("sourceVersion", "?") + " to "
                + options.getOrDefault("targetName", "?") + " " + options.getOrDefault("targetVersion", "?")
                + " · proof " + proof;
    }

    @Override
    public List<FollowUp> followUps(JobView job, Map<String, String> options) {
        if (job.status().isActive() || !options.getOrDefault("target", "").matches("\\d{1,18}")) {
            return List.of();
        }
        return List.of(new FollowUp(DreamFactoryRestoreTargetFlow.ID, "Restore the target",
                "Put the target's .env and system DB back as this migration found them (from its backups)",
                Map.of("job", String.valueOf(job.id())), Long.parseLong(options.get("target"))));
    }
}
