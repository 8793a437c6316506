package dev.migrationpanel.fief;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.stereotype.Component;

import dev.migrationpanel.product.ProofReport;
import dev.migrationpanel.artifact.Artifact;
import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactSpec;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.database.TableFingerprints.Fingerprint;
import dev.migrationpanel.fief.FiefDatabase.Place;
import dev.migrationpanel.instance.EnvFile;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.job.JobCheck;
import dev.migrationpanel.job.StepFailedException;
import dev.migrationpanel.job.StepResult;
import dev.migrationpanel.job.StepRun;
import dev.migrationpanel.product.HostFacts;
import dev.migrationpanel.remote.SshSession;
import tools.jackson.databind.json.JsonMapper;

/**
 * The consolidation's proof. Before the move the workspace's tables are recorded where they are (rows and content
 * checksum of each, an artifact); right after the move each one is read in the main database and must be equal; once
 * Fief 0.28 started and the admin role was granted, the proof reads them again (the tables 0.28's start-up and
 * grant-admin-role write to may only have grown, the others must be equal), and checks the alembic revision advanced,
 * the admin role granted to the admin's account, every Fernet value decrypting with the configured ENCRYPTION_KEY and
 * the OpenID configuration answering. Its report is an artifact.
 */
@Component
class FiefProof {

    static final String RECORD = "fief.record-workspace";
    static final String VERIFY_MOVE = "fief.verify-move";
    static final String AWAIT_UPGRADE = "fief.await-upgrade";
    static final String PROVE = "fief.consolidation-proof";
    static final String VERIFY_ROLLBACK = "fief.verify-rollback";
    static final String VERIFY_CLEANUP = "fief.verify-cleanup";
    static final String VERIFY_FRESH = "fief.verify-fresh";
    static final String STATE_SUFFIX = "-workspace-state.json";
    /**
     * A Verify step's argument: the directory on the SSH host where copies of a stopped container's SQLite files are
     * staged (FiefContainerFiles); the step reads those copies with the host's sqlite3 instead of the container's files.
     */
    static final String HOST_COPY = "hostCopy";
    /** Tables (without prefix) Fief 0.28's start-up (its initializer) and grant-admin-role may add rows to. */
    static final Set<String> GROWING = Set.of("alembic_version", "permissions", "roles", "roles_permissions", "user_roles",
            "user_permissions", "clients", "tenants", "themes", "email_templates");
    static final String ADMIN_CODENAME = "fief:admin";
    static final String ADMIN_ROLE = "Administrator";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final FiefDatabase db;
    private final InstanceConnections connections;
    private final ArtifactStore artifacts;

    FiefProof(FiefDatabase db, InstanceConnections connections, ArtifactStore artifacts) {
        this.db = db;
        this.connections = connections;
        this.artifacts = artifacts;
    }

    /** What was recorded of the workspace before the move. */
    record WorkspaceState(String workspace, String prefix, String vendor, Map<String, Fingerprint> tables) {
    }

    // ------------------------------------------------------------------------------------------ checks

    /** One of the proof's checks, as the engine finds it by id: the id and the step of this class it runs. */
    record Check(String id, Body body) implements JobCheck {

        interface Body {
            StepResult run(StepRun run, Map<String, String> args) throws Exception;
        }

        @Override
        public StepResult run(StepRun run, Map<String, String> args) throws Exception {
            return body.run(run, args);
        }
    }

    /** The checks the Fief plans' Verify steps name, each reading its arguments and running its step below. */
    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    static class Checks {

        @org.springframework.context.annotation.Bean
        JobCheck fiefRecord(FiefProof proof) {
            return new Check(RECORD, (run, args) -> proof.record(run, args.get("workspace"), args.get("prefix"),
                    args.get(HOST_COPY)));
        }

        @org.springframework.context.annotation.Bean
        JobCheck fiefVerifyMove(FiefProof proof) {
            return new Check(VERIFY_MOVE, (run, args) -> proof.verifyMove(run, Integer.parseInt(args.get("recordStep")),
                    !"true".equals(args.get("copy")), args.get(HOST_COPY)));
        }

        @org.springframework.context.annotation.Bean
        JobCheck fiefAwaitUpgrade(FiefProof proof) {
            return new Check(AWAIT_UPGRADE, (run, args) -> proof.awaitUpgrade(run, args.get("prefix"), Duration.ofMinutes(2)));
        }

        @org.springframework.context.annotation.Bean
        JobCheck fiefProve(FiefProof proof) {
            return new Check(PROVE, (run, args) -> {
                if ("true".equals(args.get("cloud"))) {
                    return proof.prove(run, null, null, args.get("adminEmail"));
                }
                long job = args.containsKey("recordJob") ? Long.parseLong(args.get("recordJob")) : run.jobId();
                Integer step = args.containsKey("recordStep") ? Integer.valueOf(args.get("recordStep")) : null;
                return proof.prove(run, job, step, args.get("adminEmail"));
            });
        }

        @org.springframework.context.annotation.Bean
        JobCheck fiefVerifyRollback(FiefProof proof) {
            return new Check(VERIFY_ROLLBACK, (run, args) -> proof.verifyRollback(run, Long.parseLong(args.get("recordJob")),
                    args.get(HOST_COPY)));
        }

        @org.springframework.context.annotation.Bean
        JobCheck fiefVerifyCleanup(FiefProof proof) {
            return new Check(VERIFY_CLEANUP, (run, args) -> proof.verifyCleanup(run));
        }

        @org.springframework.context.annotation.Bean
        JobCheck fiefVerifyFresh(FiefProof proof) {
            return new Check(VERIFY_FRESH, (run, args) -> proof.verifyFresh(run, args.get("prefix")));
        }
    }

    // ------------------------------------------------------------------------------------------ steps

    /**
     * The main database's place as this step reads it: where Fief keeps it, or (SQLite of a stopped container) its copy
     * staged on the SSH host in {@code hostCopy}.
     */
    private static Place mainPlace(DbSettings main, String hostCopy) {
        if (hostCopy == null || hostCopy.isBlank()) {
            return Place.main(main);
        }
        return Place.main(FiefContainerFiles.stagedMain(hostCopy, main)).onHostCopy();
    }

    /** The workspace's place as this step reads it (see {@link #mainPlace}). */
    private static Place workspacePlace(DbSettings main, String workspace, String hostCopy) {
        if (hostCopy == null || hostCopy.isBlank()) {
            return Place.workspace(main, workspace);
        }
        return Place.workspace(FiefContainerFiles.stagedMain(hostCopy, main), workspace).onHostCopy();
    }

    StepResult record(StepRun run, String workspace, String prefix, String hostCopy) {
        Instance instance = run.instance();
        SshSession ssh = run.ssh();
        DbSettings main = connections.dbSettings(instance, ssh);
        Place place = workspacePlace(main, workspace, hostCopy);
        List<String> tables = db.tables(instance, ssh, place).stream().filter(t -> t.startsWith(prefix)).toList();
        if (tables.isEmpty()) {
            throw new StepFailedException("No " + prefix + "* table in " + place.describe());
        }
        Map<String, Fingerprint> prints = db.fingerprints(instance, ssh, place, tables, Map.of());
        prints.forEach((t, f) -> run.out(t + ": " + f.rows() + " row(s), checksum " + ProofReport.abbreviated(f.checksum())));
        WorkspaceState state = new WorkspaceState(workspace, prefix, main.vendor().code(), prints);
        artifacts.write(new ArtifactSpec(run.jobId(), instance.getId(), run.position(), instance.getName() + STATE_SUFFIX,
                ArtifactKind.OTHER, "application/json", false), new ByteArrayInputStream(JSON.writeValueAsBytes(state)));
        return StepResult.done(prints.size() + " tables of " + place.describe() + " recorded");
    }

    /** @param moved a move (the tables left their old place on this instance), not a copy from another instance */
    StepResult verifyMove(StepRun run, int recordStep, boolean moved, String hostCopy) throws IOException {
        WorkspaceState before = recorded(run.jobId(), recordStep);
        DbSettings main = connections.dbSettings(run.instance(), run.ssh());
        // SQLite: the swap turned the workspace's file into the main one, there is no old place left to look at
        List<String> failures = compareWithRecord(run, before, mainPlace(main, hostCopy), !moved || main.vendor() == DbVendor.SQLITE
                ? null : Place.workspace(main, before.workspace()));
        if (!failures.isEmpty()) {
            throw new StepFailedException("The move is not whole: " + failures.get(0)
                    + (failures.size() > 1 ? " (and " + (failures.size() - 1) + " more in the log)" : ""));
        }
        return StepResult.done(before.tables().size() + " tables in the main database, each as recorded");
    }

    /**
     * Every recorded table at {@code at} with its recorded rows and checksum (each logged), and none of them left at
     * {@code away} (null: not looked at): the failures, each logged.
     */
    private List<String> compareWithRecord(StepRun run, WorkspaceState before, Place at, Place away) {
        Instance instance = run.instance();
        SshSession ssh = run.ssh();
        List<String> here = db.tables(instance, ssh, at);
        List<String> failures = new ArrayList<>(before.tables().keySet().stream().filter(t -> !here.contains(t))
                .map(t -> t + " is not in " + at.describe()).toList());
        if (failures.isEmpty()) {
            Map<String, Fingerprint> now = db.fingerprints(instance, ssh, at, before.tables().keySet(), before.tables());
            for (Map.Entry<String, Fingerprint> e : before.tables().entrySet()) {
                Fingerprint after = now.get(e.getKey());
                if (e.getValue().equals(after)) {
                    run.out("OK    " + e.getKey() + ": " + after.rows() + " row(s), checksum equal");
                } else {
                    failures.add(e.getKey() + ": recorded " + e.getValue().rows() + " row(s), now " + after.rows()
                            + (e.getValue().rows() == after.rows() ? " with another checksum" : ""));
                }
            }
        }
        if (away != null && db.exists(instance, ssh, away)) {
            List<String> left = db.tables(instance, ssh, away).stream().filter(before.tables()::containsKey).toList();
            if (!left.isEmpty()) {
                failures.add("still in " + away.describe() + ": " + String.join(", ", left));
            }
        }
        failures.forEach(f -> run.out("FAIL  " + f));
        return failures;
    }

    StepResult awaitUpgrade(StepRun run, String prefix, Duration within) throws InterruptedException {
        Instance instance = run.instance();
        long until = System.nanoTime() + within.toNanos();
        String last = null;
        while (true) {
            String revision = null;
            try {
                revision = revision(instance, run.ssh(), prefix);
            } catch (RuntimeException e) {
                last = e.getMessage();
            }
            String endpoint = endpoint(instance);
            if (revision != null && !revision.equals(FiefPreflight.WORKSPACE_REVISION) && endpoint == null) {
                return StepResult.done("alembic revision " + revision + ", the OpenID configuration answers");
            }
            last = revision == null ? last : "alembic revision " + revision + (endpoint == null ? "" : "; " + endpoint);
            if (System.nanoTime() > until || run.cancelled()) {
                throw new StepFailedException("Fief 0.28 did not finish its upgrade within " + within.toMinutes() + " minutes: "
                        + last);
            }
            Thread.sleep(1000);
        }
    }

    /** The main database's revision, read from a snapshot of its own for SQLite in a container. */
    private String revision(Instance instance, SshSession ssh, String prefix) {
        DbSettings main = connections.dbSettings(instance, ssh);
        try (FiefSnapshot snap = snapshot(instance, ssh, main)) {
            return revision(instance, ssh, snap.read(Place.main(main)), prefix);
        }
    }

    private String revision(Instance instance, SshSession ssh, Place mainPlace, String prefix) {
        List<Map<String, String>> rows = db.query(instance, ssh, mainPlace, "SELECT version_num FROM "
                + mainPlace.vendor().quoteName(prefix + "alembic_version"));
        return rows.isEmpty() ? null : rows.get(0).get("version_num");
    }

    /** Null when {@code /.well-known/openid-configuration} answers 200 with an issuer, else why not. */
    static String endpoint(Instance instance) {
        if (instance.getAppUrl() == null || instance.getAppUrl().isBlank()) {
            return "the instance has no app URL: set it to Fief's base URL";
        }
        String url = instance.getAppUrl().replaceAll("/+$", "") + "/.well-known/openid-configuration";
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("\"issuer\"") ? null : "GET " + url + " answered " + r.statusCode();
        } catch (IOException | IllegalArgumentException e) {
            return "GET " + url + " failed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    StepResult prove(StepRun run, Long recordJob, Integer recordStep, String adminEmail) throws IOException {
        DbSettings main = connections.dbSettings(run.instance(), run.ssh());
        try (FiefSnapshot snap = snapshot(run.instance(), run.ssh(), main)) {
            return prove(run, main, snap.read(Place.main(main)), recordJob, recordStep, adminEmail);
        }
    }

    /**
     * A snapshot session for the running instance's files ({@link FiefSnapshot}: SQLite in a container, read without a
     * sqlite3 command inside), staged in the panel's work directory; elsewhere one that reads the places as they are.
     */
    private FiefSnapshot snapshot(Instance instance, SshSession ssh, DbSettings main) {
        String workDir = FiefSnapshot.needed(instance, main) ? HostFacts.read(instance, ssh, connections).workDir() : null;
        return FiefSnapshot.open(instance, ssh, main, workDir);
    }

    /** The proof, {@code mainPlace} the main database as read (a snapshot's copy for SQLite in a container). */
    private StepResult prove(StepRun run, DbSettings main, Place mainPlace, Long recordJob, Integer recordStep,
            String adminEmail) throws IOException {
        Instance instance = run.instance();
        SshSession ssh = run.ssh();
        ProofReport report = new ProofReport();
        WorkspaceState before;
        if (recordJob == null) { // an import: what the export brought, counted
            List<String> imported = db.tables(instance, ssh, mainPlace).stream().filter(t -> t.startsWith("fief_")).toList();
            Map<String, Long> counts = db.counts(instance, ssh, mainPlace, imported);
            report.section("Tables imported");
            long rows = counts.values().stream().mapToLong(Long::longValue).sum();
            if (!counts.containsKey("fief_users") || counts.get("fief_users") == 0) {
                report.fail("no fief_users rows: the export's data is not in " + mainPlace.describe());
            } else {
                report.ok(counts.size() + " fief_* tables, " + rows + " rows (fief_users " + counts.get("fief_users") + ")");
            }
            before = new WorkspaceState(null, "fief_", main.vendor().code(), Map.of());
        } else {
            before = recorded(recordJob, recordStep);
        }
        String p = before.prefix();

        if (recordJob != null) {
            report.section("Tables: the main database against the workspace as recorded before the move (job #" + recordJob + ")");
        }
        List<String> here = db.tables(instance, ssh, mainPlace);
        List<String> present = before.tables().keySet().stream().filter(here::contains).toList();
        Map<String, Fingerprint> now = db.fingerprints(instance, ssh, mainPlace, present, before.tables());
        int equal = 0;
        for (Map.Entry<String, Fingerprint> e : before.tables().entrySet()) {
            String t = e.getKey();
            Fingerprint was = e.getValue();
            Fingerprint is = now.get(t);
            boolean growing = GROWING.contains(t.substring(p.length()));
            if (is == null) {
                report.fail(t + ": missing from the main database (" + was.rows() + " row(s) recorded)");
            } else if (t.equals(p + "alembic_version")) {
                report.ok(t + ": " + is.rows() + " row(s), its revision advanced by 0.28's upgrade (checked below)");
            } else if (was.equals(is)) {
                equal++;
                report.ok(t + ": " + is.rows() + " row(s), checksum equal");
            } else if (growing && is.rows() > was.rows()) {
                report.ok(t + ": " + was.rows() + " → " + is.rows() + " row(s), added by 0.28's start-up or grant-admin-role");
            } else {
                report.fail(t + ": recorded " + was.rows() + " row(s) checksum " + ProofReport.abbreviated(was.checksum()) + ", now " + is.rows()
                        + " row(s) checksum " + ProofReport.abbreviated(is.checksum()));
            }
        }

        report.section("Alembic revision");
        String revision = revision(instance, ssh, mainPlace, p);
        if (revision == null || revision.equals(FiefPreflight.WORKSPACE_REVISION)) {
            report.fail(p + "alembic_version: " + revision + ", not advanced past " + FiefPreflight.WORKSPACE_REVISION
                    + ": Fief 0.28's upgrade did not run");
        } else {
            report.ok(p + "alembic_version: " + FiefPreflight.WORKSPACE_REVISION + " → " + revision);
        }

        report.section("Admin role");
        if (adminEmail != null) {
            DbVendor v = main.vendor();
            String sql = "SELECT count(*) AS n FROM " + v.quoteName(p + "users") + " u JOIN " + v.quoteName(p + "user_roles")
                    + " ur ON ur.user_id = u.id JOIN " + v.quoteName(p + "roles") + " r ON r.id = ur.role_id JOIN "
                    + v.quoteName(p + "roles_permissions") + " rp ON rp.role_id = r.id JOIN " + v.quoteName(p + "permissions")
                    + " pm ON pm.id = rp.permission_id WHERE u.email_lower = " + FiefDatabase.literal(adminEmail.toLowerCase(
                            java.util.Locale.ROOT)) + " AND r.name = " + FiefDatabase.literal(ADMIN_ROLE) + " AND pm.codename = "
                    + FiefDatabase.literal(ADMIN_CODENAME);
            long n = Long.parseLong(db.query(instance, ssh, mainPlace, sql).get(0).get("n"));
            if (n > 0) {
                report.ok(adminEmail + " holds the " + ADMIN_ROLE + " role (" + ADMIN_CODENAME + ")");
            } else {
                report.fail(adminEmail + " does not hold the " + ADMIN_ROLE + " role (" + ADMIN_CODENAME + ")");
            }
        }

        report.section("Fernet values, decrypted with the configured ENCRYPTION_KEY");
        EnvFile env = connections.readEnv(instance, ssh).orElse(null);
        String key = env == null ? null : env.get("ENCRYPTION_KEY").filter(k -> !k.isBlank()).orElse(null);
        run.addSecret(key);
        if (key == null || !Fernet.isValidKey(key)) {
            report.fail("ENCRYPTION_KEY: " + (key == null ? "not set" : "not a Fernet key") + " in " + FiefProfile.ENV_FILE);
        } else {
            Fernet fernet = new Fernet(key);
            for (Map.Entry<String, List<String>> e : FiefPreflight.ENCRYPTED.entrySet()) {
                String table = p + e.getKey();
                if (!here.contains(table)) {
                    continue;
                }
                for (String column : e.getValue()) {
                    int[] n = FiefPreflight.decrypt(fernet, db.query(instance, ssh, mainPlace, "SELECT " + column + " AS v FROM "
                            + main.vendor().quoteName(table) + " WHERE " + column + " IS NOT NULL"));
                    if (n[1] == 0) {
                        report.ok(table + "." + column + ": " + n[0] + " value(s), each decrypts");
                    } else {
                        report.fail(table + "." + column + ": " + n[1] + " of " + n[0] + " value(s) do not decrypt");
                    }
                }
            }
        }

        report.section("Fief answers");
        String endpoint = endpoint(instance);
        if (endpoint == null) {
            report.ok("GET " + instance.getAppUrl().replaceAll("/+$", "") + "/.well-known/openid-configuration: 200 with an issuer");
        } else {
            report.fail(endpoint);
        }

        report.lines.forEach(run::out);
        artifacts.write(new ArtifactSpec(run.jobId(), instance.getId(), run.position(), instance.getName()
                + "-consolidation-proof.txt", ArtifactKind.LOG, "text/plain", false),
                report.text());
        report.failStepIfAny("The proof failed");
        return StepResult.done(equal + " of " + before.tables().size() + " tables identical (the others grew as 0.28 does), "
                + "revision " + revision + ", admin role granted, Fernet values decrypt, Fief answers");
    }

    StepResult verifyCleanup(StepRun run) {
        Instance instance = run.instance();
        DbSettings main = connections.dbSettings(instance, run.ssh());
        List<String> left;
        try (FiefSnapshot snap = snapshot(instance, run.ssh(), main)) {
            left = db.tables(instance, run.ssh(), snap.read(Place.main(main))).stream()
                    .filter(FiefPreflight.OLD_MAIN_TABLES::contains).toList();
        }
        if (!left.isEmpty()) {
            throw new StepFailedException("Still in the main database: " + String.join(", ", left));
        }
        return StepResult.done("None of " + String.join(", ", FiefPreflight.OLD_MAIN_TABLES) + " is left");
    }

    /** The main database holds no Fief table: neither {@code <prefix>*} nor the five pre-0.28 ones. */
    StepResult verifyFresh(StepRun run, String prefix) {
        Instance instance = run.instance();
        DbSettings main = connections.dbSettings(instance, run.ssh());
        try (FiefSnapshot snap = snapshot(instance, run.ssh(), main)) {
            return verifyFresh(instance, run.ssh(), snap.read(Place.main(main)), prefix);
        }
    }

    private StepResult verifyFresh(Instance instance, SshSession ssh, Place place, String prefix) {
        if (place.vendor() == DbVendor.SQLITE && !db.exists(instance, ssh, place)) {
            return StepResult.done(place.describe() + " does not exist: no Fief table");
        }
        List<String> left = db.tables(instance, ssh, place).stream()
                .filter(t -> t.startsWith(prefix) || FiefPreflight.OLD_MAIN_TABLES.contains(t)).toList();
        if (!left.isEmpty()) {
            throw new StepFailedException("Still in " + place.describe() + ": " + left.size() + " Fief table(s), e.g. "
                    + String.join(", ", left.subList(0, Math.min(5, left.size()))));
        }
        return StepResult.done(place.describe() + " holds no Fief table");
    }

    StepResult verifyRollback(StepRun run, long recordJob, String hostCopy) throws IOException {
        WorkspaceState before = recorded(recordJob, null);
        DbSettings main = connections.dbSettings(run.instance(), run.ssh());
        Place place = workspacePlace(main, before.workspace(), hostCopy);
        List<String> failures = compareWithRecord(run, before, place, mainPlace(main, hostCopy));
        if (!failures.isEmpty()) {
            throw new StepFailedException("The workspace is not back as it was: " + String.join("; ", failures));
        }
        return StepResult.done("The " + before.tables().size() + " tables are back in " + place.describe() + " as recorded; "
                + "the main database holds none of them");
    }

    private WorkspaceState recorded(long jobId, Integer step) throws IOException {
        Optional<Artifact> artifact = artifacts.forJob(jobId).stream()
                .filter(a -> !a.isDeleted() && a.getName().endsWith(STATE_SUFFIX) && (step == null || step.equals(a.getStep())))
                .max(Comparator.comparing(Artifact::getCreatedAt));
        if (artifact.isEmpty()) {
            throw new StepFailedException("Job #" + jobId + " holds no record of the workspace's tables (it failed before "
                    + "recording them, or the artifact was deleted)");
        }
        try (InputStream in = artifacts.open(artifact.get().getId())) {
            return JSON.readValue(in, WorkspaceState.class);
        }
    }
}
