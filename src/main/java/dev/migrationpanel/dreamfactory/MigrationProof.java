package dev.migrationpanel.dreamfactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.springframework.stereotype.Component;

import dev.migrationpanel.product.ProofReport;
import dev.migrationpanel.artifact.Artifact;
import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactSpec;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.database.ColumnScope;
import dev.migrationpanel.database.TableFingerprints;
import dev.migrationpanel.database.TableFingerprints.Fingerprint;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.instance.SystemDbReader;
import dev.migrationpanel.job.JobCheck;
import dev.migrationpanel.job.StepFailedException;
import dev.migrationpanel.job.StepResult;
import dev.migrationpanel.job.StepRun;
import dev.migrationpanel.remote.CommandResult;
import dev.migrationpanel.remote.SshSession;
import tools.jackson.databind.json.JsonMapper;

/**
 * The migration's proof, in three checks. First (staged) or beside the stream of its dump (streamed), the source's
 * state is recorded (row count and checksum of every system table, SHA-256 of its {@code .env}) as an artifact.
 * Right after the import, before the new release's {@code migrate --seed} writes to it, the target is compared with
 * that record table by table: the import must be exact. At the end the target is compared with what was imported
 * (what the release's migrations and seeders changed since is listed, not failed: DreamFactory's seeders reset the
 * default apps to the release's values and bring back a default service or app the admin deleted), its APP_KEY
 * with the source's, values the source encrypted are decrypted with the target's key, and the source is read again
 * to prove it unchanged. The reports are artifacts too.
 */
@Component
class MigrationProof {

    static final String RECORD_SOURCE = "dreamfactory.migration-record-source";
    static final String CHECK_IMPORT = "dreamfactory.migration-import-check";
    static final String PROVE = "dreamfactory.migration-proof";
    static final String STATE_SUFFIX = "-state-before-migration.json";
    static final String IMPORTED_SUFFIX = "-state-after-import.json";

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SystemDbReader reader;
    private final InstanceConnections connections;
    private final ArtifactStore artifacts;

    MigrationProof(SystemDbReader reader, InstanceConnections connections, ArtifactStore artifacts) {
        this.reader = reader;
        this.connections = connections;
        this.artifacts = artifacts;
    }

    /**
     * What was recorded of the source: per table rows and content checksum, its columns (by lower-cased table
     * name, in table order; null in a record made before columns were recorded), the SHA-256 of its .env, and per
     * table its row versions where the DB keeps them (PostgreSQL; see {@link SystemDbReader#rowVersions}; null in an
     * older record, empty elsewhere), and the tables (by lower-cased name) holding encrypted payloads (null in an older
     * record): the import check proves the target's tables equal to these, so they are the target's too, and the
     * check need not look for payloads in every value of a large DB.
     */
    record SourceState(String envSha256, Map<String, Fingerprint> tables, Map<String, List<String>> columns,
            Map<String, String> versions, Set<String> holdingPayloads) {
    }

    /**
     * The target as imported, proven equal to the source's record: its tables over the source's columns, their row
     * versions where the DB keeps them (read first, so a write between the two reads shows), and the tables (by
     * lower-cased name) holding encrypted payloads.
     */
    record ImportedState(Map<String, Fingerprint> tables, Map<String, String> versions, Set<String> holdingPayloads) {
    }

    /** The source's state, recorded to be compared with later. */
    SourceState record(Instance instance, SshSession ssh) {
        Map<String, List<String>> columns = ColumnScope.lowerCased(reader.columns(instance, ssh));
        // one pass per table: its checksum, row versions and payload count read together, in one snapshot
        TableFingerprints.TablesRead read = reader.read(instance, ssh, columns, Map.of(), EncryptedValueScan.MARKER);
        return new SourceState(envSha256(instance, ssh), read.tables(), columns, read.versions(),
                lowerCased(read.holdingMarker()));
    }

    /**
     * The source's state now, to prove it unchanged since {@code before}: where the record holds row versions only
     * those are read (no value printed or hashed: a fraction of the time on a large DB, and a write of the same
     * value again shows too), else every table's fingerprint, summed as recorded.
     */
    SourceState now(Instance instance, SshSession ssh, SourceState before) {
        String env = envSha256(instance, ssh);
        if (before.versions() != null && !before.versions().isEmpty()) {
            return new SourceState(env, null, null, reader.rowVersions(instance, ssh), null);
        }
        return new SourceState(env, reader.fingerprints(instance, ssh, ColumnScope.lowerCased(reader.columns(instance, ssh)),
                before.tables()), null, null, null);
    }

    private static String envSha256(Instance instance, SshSession ssh) {
        CommandResult env = ssh.run(Deployment.of(instance).wrap("cd " + dev.migrationpanel.remote.ShellQuote.quote(
                instance.getInstallPath()) + " && sha256sum .env"), TIMEOUT);
        if (!env.ok()) {
            throw new StepFailedException("Cannot read the .env of " + instance.getName() + ": " + env.stderr().strip());
        }
        return env.stdout().trim().split("\\s+")[0];
    }

    @Component
    static class RecordSource implements JobCheck {
        private final MigrationProof proof;

        RecordSource(MigrationProof proof) {
            this.proof = proof;
        }

        @Override
        public String id() {
            return RECORD_SOURCE;
        }

        @Override
        public StepResult run(StepRun run, Map<String, String> args) throws IOException {
            Instance source = run.instance();
            SourceState state = proof.record(source, run.ssh());
            state.tables().forEach((table, f) -> run.out(table + ": " + f.rows() + " row(s), checksum " + f.checksum()));
            run.out(".env: sha256 " + state.envSha256());
            byte[] json = JSON.writeValueAsBytes(state);
            proof.artifacts.write(new ArtifactSpec(run.jobId(), source.getId(), run.position(), source.getName()
                    + STATE_SUFFIX, ArtifactKind.OTHER, "application/json", false), new ByteArrayInputStream(json));
            return StepResult.done(state.tables().size() + " tables and the .env recorded");
        }
    }

    @Component
    static class CheckImport implements JobCheck {
        private final MigrationProof proof;

        CheckImport(MigrationProof proof) {
            this.proof = proof;
        }

        @Override
        public String id() {
            return CHECK_IMPORT;
        }

        @Override
        public StepResult run(StepRun run, Map<String, String> args) throws IOException {
            return proof.checkImport(run, Integer.parseInt(args.get("recordStep")));
        }
    }

    @Component
    static class Prove implements JobCheck {
        private final MigrationProof proof;

        Prove(MigrationProof proof) {
            this.proof = proof;
        }

        @Override
        public String id() {
            return PROVE;
        }

        @Override
        public StepResult run(StepRun run, Map<String, String> args) throws IOException {
            // a plan made before the import was checked on its own has no importStep: its proof compares with the source
            return proof.prove(run, Long.parseLong(args.get("source")), Integer.parseInt(args.get("recordStep")),
                    args.containsKey("importStep") ? Integer.parseInt(args.get("importStep")) : null);
        }
    }

    /**
     * The target right after the import against the source's record: every table, over the source's columns, must be
     * equal. Its state is stored for the proof, which so tells what the new release changed from what was imported.
     */
    StepResult checkImport(StepRun run, int recordStep) throws IOException {
        Instance target = run.instance();
        SourceState before = recorded(run.jobId(), recordStep, STATE_SUFFIX, SourceState.class).orElseThrow(() ->
                recordMissing(recordStep));
        SshSession ssh = run.ssh(target);
        ColumnScope columns = ColumnScope.of(before.columns() == null ? Map.of() : before.columns(), reader.columns(target, ssh));
        // a record that named the source's tables holding payloads spares this read counting them (see SourceState)
        TableFingerprints.TablesRead read = reader.read(target, ssh, columns.compared(), before.tables(),
                before.holdingPayloads() == null ? EncryptedValueScan.MARKER : null);
        Map<String, Fingerprint> imported = read.tables();
        Set<String> holding = before.holdingPayloads() != null ? before.holdingPayloads() : lowerCased(read.holdingMarker());
        ProofReport report = new ProofReport();
        report.section("Tables: the source (as recorded at step " + (recordStep + 1) + ") against " + target.getName()
                + " as imported, over the source's columns");
        int identical = compare(report, before.tables(), imported, columns, false, null);
        report.lines.forEach(run::out);
        artifacts.write(new ArtifactSpec(run.jobId(), target.getId(), run.position(), target.getName()
                + "-import-check.txt", ArtifactKind.LOG, "text/plain", false), report.text());
        report.failStepIfAny("The import differs from the source");
        artifacts.write(new ArtifactSpec(run.jobId(), target.getId(), run.position(), target.getName() + IMPORTED_SUFFIX,
                ArtifactKind.OTHER, "application/json", false), new ByteArrayInputStream(JSON.writeValueAsBytes(
                        new ImportedState(imported, read.versions(), holding))));
        return StepResult.done(identical + " tables imported exactly (rows and checksums equal to the source's)");
    }

    StepResult prove(StepRun run, long sourceId, int recordStep, Integer importStep) throws IOException {
        Instance target = run.instance();
        Instance source = run.planInstance(sourceId);
        SourceState before = recorded(run.jobId(), recordStep, STATE_SUFFIX, SourceState.class).orElseThrow(() ->
                recordMissing(recordStep));
        ImportedState imported = importStep == null ? null : recorded(run.jobId(), importStep, IMPORTED_SUFFIX,
                ImportedState.class).orElseThrow(() -> new StepFailedException("The target's state after the import is "
                        + "missing (step " + (importStep + 1) + "'s artifact): run the job from step " + (importStep + 1)
                        + " again"));
        ProofReport report = new ProofReport();
        SshSession targetSsh = run.ssh(target);
        SshSession sourceSsh = run.ssh(source);

        // the source is read again while the target is read: two servers, two connections, half the wait
        java.util.concurrent.CompletableFuture<SourceState> sourceNow = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> now(source, sourceSsh, before));
        String sourceKey;
        String targetKey;
        ColumnScope columns;
        Map<String, Fingerprint> after;
        EncryptedValueScan scan = null;
        String unusableKey = null;
        try {
            sourceKey = appKey(run, source, sourceSsh);
            targetKey = appKey(run, target, targetSsh);
            if (targetKey != null) {
                try {
                    scan = new EncryptedValueScan(new LaravelEncrypter(targetKey));
                } catch (IllegalArgumentException e) {
                    unusableKey = e.getMessage();
                }
            }
            // a record made before columns were recorded compares whole rows
            Map<String, List<String>> targetColumns = reader.columns(target, targetSsh);
            columns = ColumnScope.of(before.columns() == null ? Map.of() : before.columns(), targetColumns);
            after = imported != null && !imported.versions().isEmpty()
                    ? sinceImport(target, targetSsh, imported, columns, targetColumns, before.tables(), scan)
                    : everyTable(target, targetSsh, columns, before.tables(), scan);
        } catch (RuntimeException e) {
            sourceNow.cancel(true);
            throw e;
        }
        report.section(imported == null
                ? "Tables: source " + source.getName() + " (as recorded) against target " + target.getName()
                        + ", over the source's columns"
                : "Tables: " + target.getName() + " as imported (equal to the source, step " + (importStep + 1)
                        + ") against " + target.getName() + " now, over the source's columns; what the new release's "
                        + "migrations and seeders wrote since is listed");
        int identical = compare(report, imported == null ? before.tables() : imported.tables(), after, columns,
                imported != null, () -> migrations(report, source, sourceSsh, target, targetSsh));

        report.section("APP_KEY");
        if (sourceKey == null || targetKey == null) {
            report.fail("APP_KEY: missing in the .env of " + (sourceKey == null ? source.getName() : target.getName()));
        } else if (sourceKey.equals(targetKey)) {
            report.ok("APP_KEY: the target's equals the source's");
        } else {
            report.fail("APP_KEY: the target's differs from the source's");
        }

        report.section("Encrypted values (every one found, whole or inside JSON), decrypted with the target's APP_KEY");
        long decrypted = 0;
        if (unusableKey != null) {
            report.fail("APP_KEY of " + target.getName() + " is not a usable key: " + unusableKey);
        } else if (scan != null) {
            decrypted = decrypted(report, scan);
        }

        report.section("Source unchanged since step " + (recordStep + 1));
        SourceState now;
        try {
            now = sourceNow.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        boolean unchanged = true;
        if (!now.envSha256().equals(before.envSha256())) {
            report.fail(".env of the source changed during the migration");
            unchanged = false;
        }
        boolean byVersions = now.versions() != null;
        Map<String, ?> was = byVersions ? before.versions() : before.tables();
        Map<String, ?> is = byVersions ? now.versions() : now.tables();
        Set<String> sourceTables = new TreeSet<>(was.keySet());
        sourceTables.addAll(is.keySet());
        for (String table : sourceTables) {
            if (!java.util.Objects.equals(was.get(table), is.get(table))) {
                report.fail(table + " of the source " + (byVersions ? "was written" : "changed") + " during the migration");
                unchanged = false;
            }
        }
        if (unchanged) {
            report.ok(byVersions ? "The source's " + is.size() + " tables were not written since they were recorded (each "
                    + "row the same version: PostgreSQL's xmin and ctid), and its .env is as it was"
                    : "The source's " + is.size() + " tables and its .env are as they were recorded");
        }

        report.lines.forEach(run::out);
        artifacts.write(new ArtifactSpec(run.jobId(), target.getId(), run.position(), target.getName()
                + "-migration-proof.txt", ArtifactKind.LOG, "text/plain", false), report.text());
        report.failStepIfAny("The proof failed");
        return StepResult.done(identical + " tables " + (imported == null ? "identical" : "as imported") + " over the "
                + "source's columns, APP_KEY carried, " + EncryptedValueScan.count(decrypted) + " encrypted value(s) "
                + "decrypt, source unchanged");
    }

    /**
     * Every table of the target over the compared columns; the payloads are looked for in the same read as the
     * checksums, so the target's 1 GB is read once.
     */
    private Map<String, Fingerprint> everyTable(Instance target, SshSession ssh, ColumnScope columns,
            Map<String, Fingerprint> recorded, EncryptedValueScan scan) {
        return scan == null ? reader.fingerprints(target, ssh, columns.compared(), recorded)
                : reader.fingerprintsAndScan(target, ssh, columns.compared(), recorded, EncryptedValueScan.MARKER, scan);
    }

    /**
     * The target's tables now, where its DB keeps row versions: a table whose rows are the versions the import check
     * read holds what that check proved and is not read again; only the tables written since (by the new release's
     * migrations and seeders: a few small ones) are, and the encrypted values are looked for in those and in the
     * tables that held some when imported. A 1 GB import is so read once, not twice.
     */
    private Map<String, Fingerprint> sinceImport(Instance target, SshSession ssh, ImportedState imported,
            ColumnScope columns, Map<String, List<String>> targetColumns, Map<String, Fingerprint> recorded,
            EncryptedValueScan scan) {
        Map<String, String> versions = reader.rowVersions(target, ssh);
        if (versions.isEmpty()) {
            return everyTable(target, ssh, columns, recorded, scan); // the DB keeps none now (not so on one server)
        }
        Map<String, List<String>> byName = ColumnScope.lowerCased(targetColumns);
        Map<String, Fingerprint> after = new TreeMap<>();
        Map<String, List<String>> written = new TreeMap<>();
        versions.forEach((table, version) -> {
            if (version.equals(imported.versions().get(table)) && imported.tables().containsKey(table)) {
                after.put(table, imported.tables().get(table));
            } else if (byName.containsKey(table)) {
                written.put(table, columns.compared().getOrDefault(table, byName.get(table)));
            }
        });
        after.putAll(reader.fingerprintsOf(target, ssh, written, recorded));
        if (scan != null) {
            Set<String> scanned = new TreeSet<>();
            targetColumns.keySet().stream().filter(t -> written.containsKey(t.toLowerCase(java.util.Locale.ROOT))
                    || imported.holdingPayloads().contains(t.toLowerCase(java.util.Locale.ROOT))).forEach(scanned::add);
            reader.scanTexts(target, ssh, EncryptedValueScan.MARKER, scan, scanned);
        }
        return after;
    }

    /**
     * Each table of {@code is} against {@code was} (by lower-cased name); returns how many are the same. Without
     * {@code sinceImport}, {@code was} is the source's record and every difference fails (the import check, and a
     * proof planned without one). With it, {@code was} is the target as imported, proven equal to the source: what
     * differs since was written by the new release's own migrations and seeders, and is listed as such. The
     * migration history is checked by {@code migrations} (its source's rows in the target's) where given, else
     * compared as any table (right after the import it is the source's).
     */
    static int compare(ProofReport report, Map<String, Fingerprint> was, Map<String, Fingerprint> is,
            ColumnScope columns, boolean sinceImport, java.util.function.BooleanSupplier migrations) {
        Set<String> names = new TreeSet<>(was.keySet());
        names.addAll(is.keySet());
        int same = 0;
        for (String table : names) {
            Fingerprint s = was.get(table);
            Fingerprint t = is.get(table);
            if (s == null) {
                report.info(table + (migrations == null ? ": on the target, not in the source's record (" + t.rows()
                        + " row(s), left by its install)" : ": new in the target (" + t.rows() + " row(s)), added by its "
                        + "newer release"));
            } else if (t == null) {
                if (!sinceImport) {
                    report.fail(table + ": missing on the target (" + s.rows() + " row(s) on the source)");
                } else {
                    report.info(table + ": dropped since the import by the new release's migrations (" + s.rows()
                            + " row(s) imported)");
                }
            } else if (columns.missing().containsKey(table)) {
                String lacking = String.join(", ", columns.missing().get(table));
                if (!sinceImport) {
                    report.fail(table + ": the target lacks the source's column(s) " + lacking);
                } else {
                    report.info(table + ": column(s) " + lacking + " dropped since the import by the new release's migrations");
                }
            } else if (migrations != null && table.equals(DreamFactoryProfile.MIGRATIONS_TABLE)) {
                same += migrations.getAsBoolean() ? 1 : 0;
            } else if (s.equals(t)) {
                same++;
                report.ok(table + ": " + t.rows() + " row(s), checksums equal");
            } else if (!sinceImport) {
                report.fail(table + ": source " + s.rows() + " row(s) checksum " + ProofReport.abbreviated(s.checksum())
                        + ", target " + t.rows() + " row(s) checksum " + ProofReport.abbreviated(t.checksum()));
            } else {
                report.info(table + ": written since the import by the new release's migrations or seeders (" + s.rows()
                        + " row(s) imported, equal to the source's; " + t.rows() + " now)");
            }
            if (s != null && t != null && columns.added().containsKey(table)) {
                report.info(table + ": column(s) " + String.join(", ", columns.added().get(table))
                        + " added by the target's newer release (not compared)");
            }
        }
        return same;
    }

    private static Set<String> lowerCased(Set<String> tables) {
        Set<String> lower = new TreeSet<>();
        tables.forEach(t -> lower.add(t.toLowerCase(java.util.Locale.ROOT)));
        return lower;
    }

    private static StepFailedException recordMissing(int recordStep) {
        return new StepFailedException("The source's recorded state is missing (step " + (recordStep + 1) + "'s "
                + "artifact): run the job from step " + (recordStep + 1) + " again");
    }

    /** The source's migration history must be in the target's; the target's newer release adds to it. */
    private boolean migrations(ProofReport report, Instance source, SshSession sourceSsh, Instance target, SshSession targetSsh) {
        String sql = "SELECT migration, batch FROM " + DreamFactoryProfile.MIGRATIONS_TABLE;
        Map<String, String> s = new TreeMap<>();
        reader.query(source, sourceSsh, sql).forEach(r -> s.put(r.get("migration"), r.get("batch")));
        Map<String, String> t = new TreeMap<>();
        reader.query(target, targetSsh, sql).forEach(r -> t.put(r.get("migration"), r.get("batch")));
        List<String> missing = s.entrySet().stream().filter(e -> !e.getValue().equals(t.get(e.getKey())))
                .map(Map.Entry::getKey).toList();
        List<String> added = t.keySet().stream().filter(m -> !s.containsKey(m)).toList();
        if (!missing.isEmpty()) {
            report.fail("migrations: the target lacks " + missing.size() + " of the source's: " + String.join(", ", missing));
            return false;
        }
        report.ok("migrations: all " + s.size() + " of the source's are there"
                + (added.isEmpty() ? "" : "; " + added.size() + " added by the target's newer release: " + String.join(", ", added)));
        return true;
    }

    /** The scan's findings in the report; returns how many payloads decrypted. */
    private static long decrypted(ProofReport report, EncryptedValueScan scan) {
        if (scan.payloads() == 0) {
            report.info("No Laravel-encrypted values on the target");
            return 0;
        }
        for (EncryptedValueScan.Line line : scan.lines()) {
            if (line.ok()) {
                report.ok(line.text());
            } else {
                report.fail(line.text());
            }
        }
        return scan.payloads() - scan.failed();
    }

    private String appKey(StepRun run, Instance instance, SshSession ssh) {
        String key = connections.readEnv(instance, ssh).flatMap(env -> env.get("APP_KEY")).filter(k -> !k.isBlank())
                .orElse(null);
        run.addSecret(key);
        return key;
    }

    private <T> Optional<T> recorded(long jobId, int step, String suffix, Class<T> type) throws IOException {
        Optional<Artifact> artifact = artifacts.forJob(jobId).stream()
                .filter(a -> !a.isDeleted() && Integer.valueOf(step).equals(a.getStep()) && a.getName().endsWith(suffix))
                .max(Comparator.comparing(Artifact::getCreatedAt));
        if (artifact.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream in = artifacts.open(artifact.get().getId())) {
            return Optional.of(JSON.readValue(in, type));
        }
    }
}
