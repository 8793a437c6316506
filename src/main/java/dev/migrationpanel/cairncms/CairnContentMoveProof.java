package dev.migrationpanel.cairncms;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.database.TableFingerprints.Fingerprint;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.EnvFile;
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
 * The content move's proof, in two checks. Before anything is written the source's tables and the target's are
 * recorded (rows and checksum of each, the moved ones over the columns the proof compares; the target's rows of the
 * moved tables and of directus_files one by one) as an artifact. At the end: each moved table on the target holds the
 * source's rows over the source's columns (count and checksum; when the target has rows of its own too, row by row by
 * key — under {@code skip} a row the target already had is reported as kept, and must be as it was), every file the
 * moved rows reference has its row on the target and its bytes there with the source's SHA-256, every other table of
 * the target is as recorded (directus_files: its other rows), and the source is as recorded. Columns pointing at
 * CairnCMS's own tables (users, folders) are not compared: the move keeps them only where the target has that row.
 */
@Component
class CairnContentMoveProof {

    static final String RECORD = "cairncms.content-move-record";
    static final String PROVE = "cairncms.content-move-proof";
    static final String STATE_SUFFIX = "-before-content-move.json";
    private static final Duration TIMEOUT = Duration.ofMinutes(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SystemDbReader reader;
    private final InstanceConnections connections;
    private final ArtifactStore artifacts;

    CairnContentMoveProof(SystemDbReader reader, InstanceConnections connections, ArtifactStore artifacts) {
        this.reader = reader;
        this.connections = connections;
        this.artifacts = artifacts;
    }

    /**
     * What was recorded before the move: both sides' tables (the moved ones over the compared columns), the target's
     * rows of the moved tables and its directus_files rows by key (a hash each).
     */
    record State(Map<String, Fingerprint> source, Map<String, Fingerprint> target,
                 Map<String, Map<String, String>> targetRows, Map<String, String> targetFiles) {
    }

    /** What the plan said of the move, from the step's args. */
    record Move(long source, long target, List<String> tables, Map<String, String> keys, List<String> fileFields,
                Map<String, Set<String>> systemColumns, List<String> systemRefs, String conflict,
                Map<String, List<String>> selfRefs) {

        static Move of(Map<String, String> args) {
            Map<String, Set<String>> system = new HashMap<>();
            for (String ref : list(args.get("systemRefs"))) {
                String[] parts = ref.split("[.=]", 3);
                system.computeIfAbsent(parts[0], t -> new TreeSet<>()).add(parts[1]);
            }
            Map<String, String> keys = new HashMap<>();
            for (String pair : list(args.get("keys"))) {
                String[] parts = pair.split("=", 2);
                keys.put(parts[0], parts[1]);
            }
            Map<String, List<String>> self = new HashMap<>();
            for (String ref : list(args.get("selfRefs"))) {
                String[] parts = ref.split("\\.", 2);
                self.computeIfAbsent(parts[0], t -> new ArrayList<>()).add(parts[1]);
            }
            return new Move(Long.parseLong(args.get("source")), Long.parseLong(args.get("target")), list(args.get("tables")), keys, list(args.get("fileFields")),
                    system, list(args.get("systemRefs")), args.getOrDefault("conflict", "refuse"), self);
        }

        private static List<String> list(String value) {
            return value == null || value.isBlank() ? List.of() : Arrays.stream(value.split(",")).map(String::trim)
                    .filter(s -> !s.isEmpty()).toList();
        }
    }

    /** The target's tables its items API writes to on its own when it takes a write (its activity log, revisions). */
    static final Set<String> API_LOG = Set.of("directus_activity", "directus_revisions");

    /**
     * How the two sides' values are compared: on one vendor as the DB prints them; across vendors each value as its
     * kind's canonical text ({@link CairnReplayValues#kind} from both sides' declared types), the columns the target's
     * API set itself on create ({@link CairnContentReplay}'s artifact) left out.
     */
    record Compare(DbVendor source, DbVendor target, Map<String, Map<String, CairnReplayValues.Kind>> kindsByTable,
                   Map<String, List<String>> apiSet) {

        static Compare sameVendor(DbVendor vendor) {
            return new Compare(vendor, vendor, Map.of(), Map.of());
        }

        static Compare of(DbVendor source, DbVendor target, CairnMoveSchema.Shape sourceShape,
                CairnMoveSchema.Shape targetShape, Map<String, List<String>> apiSet) {
            Map<String, Map<String, CairnReplayValues.Kind>> kinds = new HashMap<>();
            sourceShape.tables().forEach((name, table) -> {
                CairnMoveSchema.Table there = targetShape.tables().get(name);
                Map<String, String> targetTypes = new HashMap<>();
                if (there != null) {
                    there.columns().forEach(c -> targetTypes.put(c.name(), c.type()));
                }
                Map<String, CairnReplayValues.Kind> byColumn = new HashMap<>();
                table.columns().forEach(c -> {
                    String targetType = targetTypes.get(c.name());
                    CairnReplayValues.Kind kind = CairnReplayValues.kind(c.type(), targetType);
                    if (kind == CairnReplayValues.Kind.INSTANT && (CairnReplayValues.wholeSeconds(source, c.type())
                            || CairnReplayValues.wholeSeconds(target, targetType))) {
                        kind = CairnReplayValues.Kind.INSTANT_SECONDS;
                    }
                    byColumn.put(c.name(), kind);
                });
                kinds.put(name, byColumn);
            });
            return new Compare(source, target, kinds, apiSet);
        }

        boolean same() {
            return source == target;
        }

        Map<String, CairnReplayValues.Kind> kinds(String table) {
            return kindsByTable.getOrDefault(table, Map.of());
        }

        List<String> columns(String table, List<String> columns) {
            List<String> skipped = apiSet.getOrDefault(table, List.of());
            return columns.stream().filter(c -> !skipped.contains(c)).toList();
        }

        String notCompared(String table) {
            List<String> skipped = apiSet.getOrDefault(table, List.of());
            List<String> seconds = kinds(table).entrySet().stream().filter(e -> e.getValue() == CairnReplayValues.Kind
                    .INSTANT_SECONDS && !skipped.contains(e.getKey())).map(Map.Entry::getKey).sorted().toList();
            return (skipped.isEmpty() ? "" : " (" + String.join(", ", skipped) + " not compared: the target's API sets "
                    + (skipped.size() == 1 ? "it" : "them") + " itself on create or update)")
                    + (seconds.isEmpty() ? "" : " (" + String.join(", ", seconds) + " compared to the second: MariaDB's "
                    + "timestamp keeps no finer)");
        }
    }

    /**
     * The columns the target's API sets itself on create or update (their field's special is {@code date-created},
     * {@code user-created}…, as its {@code directus_fields} says), by table: a replay cannot carry their values.
     */
    private Map<String, List<String>> apiSet(Instance target, SshSession ssh, List<String> tables) {
        Map<String, List<String>> result = new TreeMap<>();
        for (Map<String, String> row : reader.query(target, ssh, "SELECT collection, field, special FROM directus_fields "
                + "WHERE special IS NOT NULL")) {
            String table = row.get("collection");
            if (!tables.contains(table)) {
                continue;
            }
            for (String special : row.get("special").split(",")) {
                if (CairnContentReplay.API_SET_SPECIALS.contains(special.trim())) {
                    result.computeIfAbsent(table, t -> new ArrayList<>()).add(row.get("field"));
                    break;
                }
            }
        }
        // directus_files' own fields are CairnCMS's system fields: their specials are in its code, not in
        // directus_fields (its /fields says modified_on is date-updated; uploaded_by and modified_by are not compared
        // anyway, see FILE_SYSTEM_REFERENCES)
        result.put(CairnMoveSchema.FILES, FILES_API_SET);
        return result;
    }

    /** directus_files' columns the target's API sets itself on create or update (a PATCH sets modified_on to now). */
    static final List<String> FILES_API_SET = List.of("modified_on");

    /** Per moved table, the columns compared: the source's, but those pointing at CairnCMS's own tables. */
    private Map<String, List<String>> scope(Instance source, SshSession ssh, Move move) {
        Map<String, List<String>> columns = reader.columns(source, ssh);
        Map<String, List<String>> scope = new TreeMap<>();
        for (String table : move.tables()) {
            List<String> all = columns.get(table);
            if (all == null) {
                throw new StepFailedException("The source has no table " + table + " any more");
            }
            Set<String> skipped = move.systemColumns().getOrDefault(table, Set.of());
            scope.put(table.toLowerCase(java.util.Locale.ROOT), all.stream().filter(c -> !skipped.contains(c)).toList());
        }
        return scope;
    }

    @Component
    static class Record implements JobCheck {
        private final CairnContentMoveProof proof;

        Record(CairnContentMoveProof proof) {
            this.proof = proof;
        }

        @Override
        public String id() {
            return RECORD;
        }

        @Override
        public StepResult run(StepRun run, Map<String, String> args) throws IOException {
            return proof.record(run, Move.of(args));
        }
    }

    @Component
    static class Prove implements JobCheck {
        private final CairnContentMoveProof proof;

        Prove(CairnContentMoveProof proof) {
            this.proof = proof;
        }

        @Override
        public String id() {
            return PROVE;
        }

        @Override
        public StepResult run(StepRun run, Map<String, String> args) throws IOException {
            return proof.prove(run, Move.of(args));
        }
    }

    StepResult record(StepRun run, Move move) throws IOException {
        Instance source = run.instance();
        Instance target = run.planInstance(move.target());
        SshSession sssh = run.ssh(source);
        SshSession tssh = run.ssh(target);
        Map<String, List<String>> scope = scope(source, sssh, move);
        Map<String, Fingerprint> s = reader.fingerprints(source, sssh, scope);
        DbVendor vendor = connections.dbSettings(target, tssh).vendor();
        // the same vendor's two sides compare with each other, so the target is summed as the source was
        Map<String, Fingerprint> t = reader.fingerprints(target, tssh, scope,
                connections.dbSettings(source, sssh).vendor() == vendor ? s : Map.of());
        Map<String, Map<String, String>> rows = new TreeMap<>();
        for (String table : move.tables()) {
            rows.put(table, rowHashes(target, tssh, vendor, table, scope.get(table.toLowerCase(java.util.Locale.ROOT)),
                    move.keys().getOrDefault(table, "id")));
        }
        Map<String, String> files = t.containsKey(CairnMoveSchema.FILES)
                ? rowHashes(target, tssh, vendor, CairnMoveSchema.FILES, fileColumns(target, tssh), "id") : Map.of();
        State state = new State(s, t, rows, files);
        s.forEach((table, f) -> run.out("source " + table + ": " + f.rows() + " row(s), checksum " + f.checksum()));
        t.forEach((table, f) -> run.out("target " + table + ": " + f.rows() + " row(s), checksum " + f.checksum()));
        artifacts.write(new ArtifactSpec(run.jobId(), target.getId(), run.position(), target.getName() + STATE_SUFFIX,
                ArtifactKind.OTHER, "application/json", false), new ByteArrayInputStream(JSON.writeValueAsBytes(state)));
        return StepResult.done(s.size() + " source and " + t.size() + " target tables recorded");
    }

    StepResult prove(StepRun run, Move move) throws IOException {
        Instance target = run.instance();
        Instance source = run.planInstance(move.source());
        State before = recorded(run.jobId()).orElseThrow(() -> new StepFailedException("The state recorded before the "
                + "move is missing (the first check's artifact): run the job from its first step again"));
        SshSession sssh = run.ssh(source);
        SshSession tssh = run.ssh(target);
        DbVendor vendor = connections.dbSettings(target, tssh).vendor();
        DbVendor sourceVendor = connections.dbSettings(source, sssh).vendor();
        Map<String, List<String>> scope = scope(source, sssh, move);
        Map<String, Fingerprint> sourceNow = reader.fingerprints(source, sssh, scope, before.source());
        Map<String, Fingerprint> targetNow = reader.fingerprints(target, tssh, scope, before.target());
        ProofReport report = new ProofReport();
        boolean skip = move.conflict().equals("skip");
        // across vendors: each value compared as its kind (a boolean, a number, JSON, an instant), the columns the
        // target's API set itself on create left out (said)
        Compare compare = sourceVendor == vendor ? Compare.sameVendor(vendor)
                : Compare.of(sourceVendor, vendor, CairnMoveSchema.read(source, sssh, reader, sourceVendor),
                        CairnMoveSchema.read(target, tssh, reader, vendor), apiSet(target, tssh, move.tables()));

        report.section("Moved tables: target " + target.getName() + " against source " + source.getName()
                + ", over the source's columns");
        long rowsProved = 0;
        for (String table : move.tables()) {
            String key = table.toLowerCase(java.util.Locale.ROOT);
            Fingerprint s = sourceNow.get(key);
            Fingerprint t = targetNow.get(key);
            Set<String> system = move.systemColumns().getOrDefault(table, Set.of());
            String notCompared = (system.isEmpty() ? "" : " (" + String.join(", ", system) + " not compared: "
                    + "kept only where the target has the row it points at)") + compare.notCompared(table);
            if (t == null) {
                report.fail(table + ": missing on the target");
                continue;
            }
            if (s.equals(t) && compare.same()) {
                report.ok(table + ": " + t.rows() + " row(s), checksums equal" + notCompared);
                rowsProved += t.rows();
                continue;
            }
            rowsProved += rowByRow(report, source, sssh, target, tssh, compare, table, scope.get(key),
                    move.keys().getOrDefault(table, "id"),
                    before.targetRows().getOrDefault(table, Map.of()), move.conflict(), notCompared);
        }

        report.section("Files the moved rows reference: their rows and bytes (SHA-256)");
        Set<String> broughtFiles = files(report, run, source, sssh, target, tssh, compare, move, before);

        report.section("Everything else on the target as recorded before the move");
        Set<String> moved = new TreeSet<>();
        move.tables().forEach(t -> moved.add(t.toLowerCase(java.util.Locale.ROOT)));
        Set<String> names = new TreeSet<>(before.target().keySet());
        names.addAll(targetNow.keySet());
        int unchanged = 0;
        int failedBefore = report.failures.size();
        for (String table : names) {
            if (moved.contains(table)) {
                continue;
            }
            if (table.equals(CairnMoveSchema.FILES)) {
                unchanged += otherFiles(report, target, tssh, vendor, before, broughtFiles) ? 1 : 0;
                continue;
            }
            Fingerprint b = before.target().get(table);
            Fingerprint a = targetNow.get(table);
            if (!compare.same() && API_LOG.contains(table) && a != null && b != null && a.rows() >= b.rows()) {
                // the items API records each write it takes: rows added there are the replay's own trace
                if (!a.equals(b)) {
                    report.info(table + ": " + (a.rows() - b.rows()) + " row(s) added by the target's API, its own record "
                            + "of the replay's writes");
                }
                unchanged++;
                continue;
            }
            if (b == null) {
                report.fail(table + ": a table that was not on the target before (" + a.rows() + " row(s))");
            } else if (a == null) {
                report.fail(table + ": gone from the target (" + b.rows() + " row(s) before)");
            } else if (!a.equals(b)) {
                report.fail(table + ": changed on the target (" + b.rows() + " row(s) before, " + a.rows() + " now)");
            } else {
                unchanged++;
            }
        }
        if (report.failures.size() == failedBefore) {
            report.ok(unchanged + " other table(s) of the target as they were");
        }

        report.section("Source unchanged since the move began");
        List<String> changed = new ArrayList<>();
        Set<String> sourceTables = new TreeSet<>(before.source().keySet());
        sourceTables.addAll(sourceNow.keySet());
        for (String table : sourceTables) {
            if (!Objects.equals(before.source().get(table), sourceNow.get(table))) {
                changed.add(table);
            }
        }
        if (changed.isEmpty()) {
            report.ok("The source's " + sourceNow.size() + " tables are as they were recorded");
        } else {
            report.fail("The source changed during the move: " + String.join(", ", changed));
        }

        report.lines.forEach(run::out);
        artifacts.write(new ArtifactSpec(run.jobId(), target.getId(), run.position(), target.getName()
                + "-content-move-proof.txt", ArtifactKind.LOG, "text/plain", false),
                report.text());
        report.failStepIfAny("The proof failed");
        return StepResult.done(move.tables().size() + " table(s) with " + rowsProved + " row(s) as the source has them, "
                + broughtFiles.size() + " file(s) with their bytes, nothing else changed, source unchanged");
    }

    /** A moved table compared by key; returns how many source rows hold. */
    private long rowByRow(ProofReport report, Instance source, SshSession sssh, Instance target, SshSession tssh,
            Compare compare, String table, List<String> columns, String key, Map<String, String> targetBefore, String conflict,
            String notCompared) {
        boolean skip = conflict.equals("skip");
        List<String> compared = compare.columns(table, columns);
        Map<String, String> s = rowHashes(source, sssh, compare.source(), table, compared, key, compare.kinds(table));
        Map<String, String> t = rowHashes(target, tssh, compare.target(), table, compared, key, compare.kinds(table));
        // a row the target kept (skip) is as it was recorded: over all the columns, as the target's DB prints them
        Map<String, String> tRaw = compare.same() ? t : rowHashes(target, tssh, compare.target(), table, columns, key);
        List<String> missing = new ArrayList<>();
        List<String> differ = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        s.forEach((id, hash) -> {
            String there = t.get(id);
            if (there == null) {
                missing.add(id);
            } else if (!there.equals(hash)) {
                if (skip && Objects.equals(tRaw.get(id), targetBefore.get(id))) {
                    kept.add(id);
                } else {
                    differ.add(id);
                }
            }
        });
        long own = t.keySet().stream().filter(k -> !s.containsKey(k)).count();
        if (!missing.isEmpty()) {
            report.fail(table + ": " + missing.size() + " of the source's " + s.size() + " row(s) missing on the target "
                    + "(first key " + first(missing) + ")");
        }
        if (!differ.isEmpty()) {
            report.fail(table + ": " + differ.size() + " row(s) differ from the source's (first key " + first(differ) + ")");
        }
        if (missing.isEmpty() && differ.isEmpty()) {
            report.ok(table + ": all " + s.size() + " of the source's row(s) on the target, "
                    + (s.size() - kept.size()) + " as the source has them" + notCompared);
        }
        if (!kept.isEmpty()) {
            report.info(table + ": " + kept.size() + " row(s) skipped, kept as the target had them (key(s) "
                    + String.join(", ", kept.stream().sorted().limit(10).toList()) + (kept.size() > 10 ? ", …" : "") + ")");
        }
        // the source's rows whose key the target had before the move: what the conflict policy was about
        List<String> had = s.keySet().stream().filter(targetBefore::containsKey).sorted().toList();
        if (!had.isEmpty() && skip) {
            report.info(table + ": " + had.size() + " row(s) whose key the target had, skipped (key(s) " + keys(had)
                    + "): " + (had.size() - kept.size()) + " of them as the source has them, " + kept.size()
                    + " as the target had them");
        } else if (!had.isEmpty() && conflict.equals("overwrite")) {
            List<String> bad = had.stream().filter(k -> missing.contains(k) || differ.contains(k)).toList();
            if (bad.isEmpty()) {
                report.ok(table + ": " + had.size() + " row(s) whose key the target had, overwritten: each as the source "
                        + "has it (key(s) " + keys(had) + ")");
            } else {
                report.fail(table + ": " + bad.size() + " of the " + had.size() + " row(s) whose key the target had not "
                        + "overwritten with the source's (key(s) " + keys(bad) + ")");
            }
        }
        if (own > 0) {
            report.info(table + ": " + own + " row(s) of the target's own, not on the source");
        }
        return s.size() - missing.size() - differ.size();
    }

    /** Every referenced file: its row (but its user and folder) and its bytes as the source's. Returns their ids. */
    private Set<String> files(ProofReport report, StepRun run, Instance source, SshSession sssh, Instance target, SshSession tssh,
            Compare compare, Move move, State before) {
        if (move.fileFields().isEmpty()) {
            report.info("No moved collection has a file field");
            return Set.of();
        }
        DbVendor sv = compare.source();
        DbVendor vendor = compare.target();
        String ids = CairnMoveCommands.fileIdsQuery(sv, move.fileFields());
        List<String> all = fileColumns(source, sssh);
        List<String> columns = compare.columns(CairnMoveSchema.FILES, all);
        Map<String, CairnReplayValues.Kind> kinds = compare.kinds(CairnMoveSchema.FILES);
        String select = "SELECT " + String.join(", ", all.stream().map(sv::quoteName).toList()) + " FROM "
                + sv.quoteName(CairnMoveSchema.FILES) + " WHERE " + sv.quoteName("id") + " IN (" + ids + ")";
        Map<String, Map<String, String>> s = byId(reader.query(source, sssh, select));
        // the target's rows with those ids: the ids listed as the source has them (it is the source's data, quoted)
        Map<String, Map<String, String>> t = s.isEmpty() ? Map.of() : byId(reader.query(target, tssh, "SELECT "
                + String.join(", ", all.stream().map(vendor::quoteName).toList()) + " FROM "
                + vendor.quoteName(CairnMoveSchema.FILES) + " WHERE " + vendor.quoteName("id") + " IN ("
                + String.join(", ", s.keySet().stream().map(CairnMoveCommands::sqlString).toList()) + ")"));
        Map<String, String> sourceRoots = roots(source, sssh);
        Map<String, String> targetRoots = roots(target, tssh);
        Map<String, String> sourceSums = sums(source, sssh, sourceRoots, s.values());
        Map<String, String> targetSums = sums(target, tssh, targetRoots, s.values());
        int ok = 0;
        List<String> missingBoth = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> e : s.entrySet()) {
            String id = e.getKey();
            Map<String, String> row = e.getValue();
            String label = row.get("filename_download") + " (" + id + ")";
            Map<String, String> there = t.get(id);
            if (there == null) {
                report.fail(label + ": no directus_files row on the target");
                continue;
            }
            boolean wasThere = before.targetFiles().containsKey(id);
            if (!(wasThere && move.conflict().equals("skip"))
                    && !rowHash(row, columns, kinds).equals(rowHash(there, columns, kinds))) {
                report.fail(label + ": its directus_files row differs from the source's (in " + String.join(", ",
                        differing(row, there, columns, kinds)) + ")");
                continue;
            }
            String path = row.get("storage") + "/" + row.get("filename_disk");
            String sourceSum = sourceSums.get(path);
            String targetSum = targetSums.get(path);
            if (sourceSum == null && targetSum == null) {
                missingBoth.add(label);
            } else if (targetSum == null) {
                report.fail(label + ": its bytes are missing on the target (" + path + ")");
            } else if (!targetSum.equals(sourceSum)) {
                report.fail(label + ": its bytes on the target differ from the source's (sha256 " + ProofReport.abbreviated(targetSum)
                        + " against " + (sourceSum == null ? "none" : ProofReport.abbreviated(sourceSum)) + ")");
            } else {
                ok++;
            }
        }
        if (ok > 0) {
            report.ok(ok + " of " + s.size() + " referenced file(s): row and bytes (SHA-256) as the source's"
                    + (all.size() < fileColumnsAll(source, sssh).size() ? " (uploaded_by, modified_by, folder not "
                    + "compared: kept only where the target has that user or folder)" : "")
                    + compare.notCompared(CairnMoveSchema.FILES));
        }
        if (!missingBoth.isEmpty()) {
            report.info(String.join(", ", missingBoth) + ": bytes missing on the source already (the pre-flight names "
                    + "them), so on the target too");
        }
        return s.keySet();
    }

    /** directus_files' rows the move did not bring: as they were. */
    private boolean otherFiles(ProofReport report, Instance target, SshSession tssh, DbVendor vendor, State before,
            Set<String> brought) {
        Map<String, String> now = rowHashes(target, tssh, vendor, CairnMoveSchema.FILES, fileColumns(target, tssh), "id");
        List<String> changed = new ArrayList<>();
        before.targetFiles().forEach((id, hash) -> {
            if (!brought.contains(id) && !hash.equals(now.get(id))) {
                changed.add(id);
            }
        });
        List<String> added = now.keySet().stream().filter(id -> !before.targetFiles().containsKey(id)
                && !brought.contains(id)).toList();
        if (changed.isEmpty() && added.isEmpty()) {
            return true;
        }
        report.fail(CairnMoveSchema.FILES + ": " + (changed.isEmpty() ? "" : changed.size() + " row(s) the move did not "
                + "bring changed or gone (first " + first(changed) + ")") + (changed.isEmpty() || added.isEmpty() ? "" : "; ")
                + (added.isEmpty() ? "" : added.size() + " row(s) the move did not bring appeared (first " + first(added) + ")"));
        return false;
    }

    // ------------------------------------------------------------------------------------------ reading

    private List<String> fileColumnsAll(Instance instance, SshSession ssh) {
        List<String> columns = reader.columns(instance, ssh).get(CairnMoveSchema.FILES);
        if (columns == null) {
            throw new StepFailedException(instance.getName() + " has no " + CairnMoveSchema.FILES + " table");
        }
        return columns;
    }

    /** directus_files' columns the proof compares: all but those pointing at users and folders. */
    private List<String> fileColumns(Instance instance, SshSession ssh) {
        return fileColumnsAll(instance, ssh).stream().filter(c -> !CairnMoveSchema.FILE_SYSTEM_REFERENCES.containsKey(c)).toList();
    }

    /** Each row of a table over the columns, by its key: a SHA-256 of its values as the DB prints them. */
    private Map<String, String> rowHashes(Instance instance, SshSession ssh, DbVendor vendor, String table, List<String> columns,
            String key) {
        return rowHashes(instance, ssh, vendor, table, columns, key, Map.of());
    }

    private Map<String, String> rowHashes(Instance instance, SshSession ssh, DbVendor vendor, String table, List<String> columns,
            String key, Map<String, CairnReplayValues.Kind> kinds) {
        List<String> selected = new ArrayList<>(columns);
        if (!selected.contains(key)) {
            selected.add(key);
        }
        Map<String, String> hashes = new HashMap<>();
        for (Map<String, String> row : reader.query(instance, ssh, "SELECT " + String.join(", ", selected.stream()
                .map(vendor::quoteName).toList()) + " FROM " + vendor.quoteName(table))) {
            hashes.put(String.valueOf(row.get(key)), rowHash(row, columns, kinds));
        }
        return hashes;
    }

    private static String rowHash(Map<String, String> row, List<String> columns) {
        return rowHash(row, columns, Map.of());
    }

    /** The columns whose values differ between two rows, each compared as its kind's canonical text when one is given. */
    static List<String> differing(Map<String, String> a, Map<String, String> b, List<String> columns,
            Map<String, CairnReplayValues.Kind> kinds) {
        return columns.stream().filter(c -> {
            CairnReplayValues.Kind kind = kinds.get(c);
            return kind == null ? !Objects.equals(a.get(c), b.get(c))
                    : !Objects.equals(CairnReplayValues.normal(kind, a.get(c)), CairnReplayValues.normal(kind, b.get(c)));
        }).toList();
    }

    /** A SHA-256 of a row's values over the columns, each as its kind's canonical text when a kind is given. */
    static String rowHash(Map<String, String> row, List<String> columns, Map<String, CairnReplayValues.Kind> kinds) {
        MessageDigest digest = sha256();
        for (String column : columns) {
            CairnReplayValues.Kind kind = kinds.get(column);
            String value = kind == null ? row.get(column) : CairnReplayValues.normal(kind, row.get(column));
            digest.update((value == null ? "\u0000NULL" : value).getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0x1f);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static Map<String, Map<String, String>> byId(List<Map<String, String>> rows) {
        Map<String, Map<String, String>> result = new TreeMap<>();
        rows.forEach(r -> result.put(String.valueOf(r.get("id")), r));
        return result;
    }

    /** Each local storage location's root, from the instance's .env. */
    private Map<String, String> roots(Instance instance, SshSession ssh) {
        EnvFile env = connections.readEnv(instance, ssh).orElseThrow(() -> new StepFailedException("The .env of "
                + instance.getName() + " cannot be read"));
        Map<String, String> roots = new LinkedHashMap<>();
        StorageLocation.of(env, instance.getInstallPath()).stream().filter(l -> l.local() && l.root() != null)
                .forEach(l -> roots.put(l.name(), l.root()));
        return roots;
    }

    /**
     * SHA-256 of each file's bytes, by {@code storage/filename_disk}, read where the install keeps them (either side may
     * be in a Docker container); a file that is not there is left out.
     */
    private Map<String, String> sums(Instance instance, SshSession ssh, Map<String, String> roots,
            java.util.Collection<Map<String, String>> rows) {
        Map<String, List<String>> byLocation = new TreeMap<>();
        for (Map<String, String> row : rows) {
            String name = row.get("filename_disk");
            if (name != null && roots.containsKey(row.get("storage")) && !name.contains("..")) {
                byLocation.computeIfAbsent(row.get("storage"), l -> new ArrayList<>()).add(name);
            }
        }
        Map<String, String> sums = new HashMap<>();
        byLocation.forEach((location, names) -> {
            for (int from = 0; from < names.size(); from += 200) {
                List<String> chunk = names.subList(from, Math.min(names.size(), from + 200));
                // where the bytes are: on the host, or in the instance's Docker container (docker cp; source or target)
                CommandResult r = ssh.run(CairnMoveCommands.fileSums(Deployment.of(instance), roots.get(location), chunk),
                        TIMEOUT);
                for (String line : r.stdout().split("\n")) {
                    int space = line.indexOf("  ");
                    if (space == 64) {
                        sums.put(location + "/" + line.substring(66), line.substring(0, 64));
                    }
                }
            }
        });
        return sums;
    }

    private Optional<State> recorded(long jobId) throws IOException {
        Optional<Artifact> artifact = artifacts.forJob(jobId).stream()
                .filter(a -> !a.isDeleted() && a.getName().endsWith(STATE_SUFFIX))
                .max(Comparator.comparing(Artifact::getCreatedAt));
        if (artifact.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream in = artifacts.open(artifact.get().getId())) {
            return Optional.of(JSON.readValue(in, State.class));
        }
    }

    /** Up to ten keys, sorted, "…" after. */
    static String keys(List<String> keys) {
        return String.join(", ", keys.stream().sorted().limit(10).toList()) + (keys.size() > 10 ? ", …" : "");
    }

    private static String first(List<String> keys) {
        return keys.stream().sorted().findFirst().orElse("");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
