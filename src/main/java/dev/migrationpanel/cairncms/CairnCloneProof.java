package dev.migrationpanel.cairncms;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
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
import dev.migrationpanel.database.ColumnScope;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.database.TableFingerprints.Fingerprint;
import dev.migrationpanel.instance.EnvFile;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.instance.SystemDbReader;
import dev.migrationpanel.job.JobCheck;
import dev.migrationpanel.job.StepFailedException;
import dev.migrationpanel.job.StepResult;
import dev.migrationpanel.job.StepRun;
import dev.migrationpanel.remote.LineListener;
import dev.migrationpanel.remote.SshSession;
import tools.jackson.databind.json.JsonMapper;

/**
 * The clone's proof, in two checks. While the source is paused, before its dump, its state is recorded (rows and
 * content checksum of every table over its columns) as an artifact. After the target was bootstrapped and started,
 * the target is compared with that record table by table, {@code directus_migrations} on both sides, every file's
 * bytes (SHA-256 over SSH on both sides, for every {@code directus_files} row of a local location and every other
 * file of its root, thumbnails too), {@code KEY} and {@code SECRET} (compared, never shown), the API
 * ({@code /server/ping}, {@code /server/health}), then — with the source admin's sign-in — a login on the target, a
 * known item and a known asset, and last the source read again to prove it unchanged. The report is an artifact.
 */
@Component
class CairnCloneProof {

    static final String RECORD_SOURCE = "cairncms.clone-record-source";
    static final String PROVE = "cairncms.clone-proof";
    static final String STATE_SUFFIX = "-state-before-clone.json";
    static final String SESSIONS = "directus_sessions";
    static final String SIGN_IN_SUFFIX = "-after-proof-sign-in.json";
    /**
     * What CairnCMS writes when someone signs in (its authentication service): a session (expired ones deleted), a
     * login in the activity, the user's last access.
     */
    static final Set<String> SIGN_IN_WRITES = Set.of(SESSIONS, "directus_activity", "directus_users");

    private static final Duration TIMEOUT = Duration.ofMinutes(30);
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SystemDbReader reader;
    private final InstanceConnections connections;
    private final ArtifactStore artifacts;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    CairnCloneProof(SystemDbReader reader, InstanceConnections connections, ArtifactStore artifacts) {
        this.reader = reader;
        this.connections = connections;
        this.artifacts = artifacts;
    }

    /** What was recorded of the source: per lower-cased table its rows and checksum, and its columns in table order. */
    record SourceState(Map<String, Fingerprint> tables, Map<String, List<String>> columns) {
    }

    /**
     * The target's tables a sign-in writes, as a run of the proof left them right after its own sign-in: only those
     * that had compared as they should just before it. A run of the proof again (a resume) accepts a table as
     * this, and nothing else that changed.
     */
    record SignInTrace(Map<String, Fingerprint> tables) {
    }

    /** The source's state; {@code recorded}: an earlier record it is compared with (see {@link SystemDbReader}), or none. */
    SourceState read(Instance instance, SshSession ssh, Map<String, Fingerprint> recorded) {
        Map<String, List<String>> columns = ColumnScope.lowerCased(reader.columns(instance, ssh));
        return new SourceState(reader.fingerprints(instance, ssh, columns, recorded), columns);
    }

    /** Keeps the sign-in encrypted in the artifact store, tied to the source; returns its artifact id. */
    String storeCredentials(Instance source, String email, String password) {
        if (email == null || email.isBlank() || password == null || password.isEmpty()) {
            throw dev.migrationpanel.web.InvalidInputException.of("adminEmail", "Give the source admin's e-mail and password");
        }
        byte[] json = JSON.writeValueAsBytes(Map.of("email", email.trim(), "password", password));
        return artifacts.write(new ArtifactSpec(null, source.getId(), null, "cairncms-admin-sign-in.json",
                ArtifactKind.CREDENTIALS, "application/json", true), new ByteArrayInputStream(json)).getId();
    }

    @Component
    static class RecordSource implements JobCheck {
        private final CairnCloneProof proof;

        RecordSource(CairnCloneProof proof) {
            this.proof = proof;
        }

        @Override
        public String id() {
            return RECORD_SOURCE;
        }

        @Override
        public StepResult run(StepRun run, Map<String, String> args) {
            Instance source = run.instance();
            SourceState state = proof.read(source, run.ssh(), Map.of());
            state.tables().forEach((table, f) -> run.out(table + ": " + f.rows() + " row(s), checksum " + f.checksum()));
            proof.artifacts.write(new ArtifactSpec(run.jobId(), source.getId(), run.position(), source.getName()
                    + STATE_SUFFIX, ArtifactKind.OTHER, "application/json", false),
                    new ByteArrayInputStream(JSON.writeValueAsBytes(state)));
            return StepResult.done(state.tables().size() + " tables recorded");
        }
    }

    @Component
    static class Prove implements JobCheck {
        private final CairnCloneProof proof;

        Prove(CairnCloneProof proof) {
            this.proof = proof;
        }

        @Override
        public String id() {
            return PROVE;
        }

        @Override
        public StepResult run(StepRun run, Map<String, String> args) throws Exception {
            return proof.prove(run, args);
        }
    }

    StepResult prove(StepRun run, Map<String, String> args) throws IOException, InterruptedException {
        Instance target = run.instance();
        Instance source = run.planInstance(Long.parseLong(args.get("source")));
        int recordStep = Integer.parseInt(args.get("recordStep"));
        boolean purged = CairnCloneFlow.PURGE.equals(args.get("sessions"));
        SourceState before = recorded(run.jobId(), recordStep).orElseThrow(() -> new StepFailedException(
                "The source's recorded state is missing (step " + (recordStep + 1) + "'s artifact): run the job from "
                        + "step " + (recordStep + 1) + " again"));
        SshSession targetSsh = run.ssh(target);
        SshSession sourceSsh = run.ssh(source);
        ProofReport report = new ProofReport();

        // 1. tables, before anything on the target signs in (a sign-in writes sessions, activity, last access)
        report.section("Tables: the target " + target.getName() + " against the source " + source.getName()
                + " as recorded, over the source's columns");
        ColumnScope columns = ColumnScope.of(before.columns(), reader.columns(target, targetSsh));
        Map<String, Fingerprint> after = reader.fingerprints(target, targetSsh, columns.compared(), before.tables());
        // an earlier run of this step signed in: what that wrote is not the clone's
        Map<String, Fingerprint> signedIn = latest(run.jobId(), run.position(), SIGN_IN_SUFFIX, SignInTrace.class)
                .map(SignInTrace::tables).orElse(Map.of());
        Set<String> beforeSignIn = new TreeSet<>(); // the sign-in's tables that compare as they should
        Set<String> names = new TreeSet<>(before.tables().keySet());
        names.addAll(after.keySet());
        int identical = 0;
        for (String table : names) {
            Fingerprint s = before.tables().get(table);
            Fingerprint t = after.get(table);
            boolean emptied = table.equals(SESSIONS) && purged;
            if (s == null) {
                report.fail(table + ": on the target only (" + t.rows() + " row(s)): the clone left it behind");
            } else if (t == null) {
                report.fail(table + ": missing on the target (" + s.rows() + " row(s) on the source)");
            } else if (columns.missing().containsKey(table)) {
                report.fail(table + ": the target lacks the source's column(s) " + String.join(", ", columns.missing().get(table)));
            } else if (emptied && t.rows() == 0) {
                identical++;
                beforeSignIn.add(table);
                report.ok(table + ": emptied as chosen (" + s.rows() + " session(s) on the source end there)");
            } else if (!emptied && s.equals(t)) {
                identical++;
                beforeSignIn.add(table);
                report.ok(table + ": " + t.rows() + " row(s), checksums equal");
            } else if (t.equals(signedIn.get(table))) {
                identical++;
                beforeSignIn.add(table);
                report.ok(table + ": " + t.rows() + " row(s), as an earlier run of this proof left it right after its own "
                        + "sign-in (it compared as it should just before)");
            } else if (emptied) {
                report.fail(table + ": " + t.rows() + " row(s) left though the sessions were to be purged");
            } else {
                report.fail(table + ": source " + s.rows() + " row(s) checksum " + ProofReport.abbreviated(s.checksum()) + ", target "
                        + t.rows() + " row(s) checksum " + ProofReport.abbreviated(t.checksum()));
            }
            if (s != null && t != null && columns.added().containsKey(table)) {
                report.fail(table + ": column(s) " + String.join(", ", columns.added().get(table)) + " on the target only");
            }
        }

        report.section("directus_migrations (the version of the schema)");
        Set<String> sm = migrations(source, sourceSsh);
        Set<String> tm = migrations(target, targetSsh);
        if (sm.equals(tm)) {
            report.ok("directus_migrations: the same " + sm.size() + " on both sides");
        } else {
            Set<String> lacking = new TreeSet<>(sm);
            lacking.removeAll(tm);
            Set<String> extra = new TreeSet<>(tm);
            extra.removeAll(sm);
            report.fail("directus_migrations differ: the target lacks " + lacking + ", has besides " + extra);
        }

        report.section("Configuration (values compared, never shown)");
        EnvFile senv = connections.readEnv(source, sourceSsh).orElseThrow(() -> new StepFailedException(
                "Cannot read the .env of " + source.getName()));
        EnvFile tenv = connections.readEnv(target, targetSsh).orElseThrow(() -> new StepFailedException(
                "Cannot read the .env of " + target.getName()));
        for (String key : List.of("KEY", "SECRET")) {
            String s = senv.get(key).filter(v -> !v.isBlank()).orElse(null);
            String t = tenv.get(key).filter(v -> !v.isBlank()).orElse(null);
            run.addSecret(s);
            run.addSecret(t);
            if (s == null || t == null) {
                report.fail(key + ": missing in the .env of " + (s == null ? source.getName() : target.getName()));
            } else if (s.equals(t)) {
                report.ok(key + ": the target's equals the source's");
            } else {
                report.fail(key + ": the target's differs from the source's");
            }
        }
        String sl = senv.get("STORAGE_LOCATIONS").orElse("");
        String tl = tenv.get("STORAGE_LOCATIONS").orElse("");
        if (sl.equals(tl)) {
            report.ok("STORAGE_LOCATIONS: " + tl + " on both sides");
        } else {
            report.fail("STORAGE_LOCATIONS: source " + sl + ", target " + tl);
        }

        report.section("File bytes: every directus_files row of a local location, and every file of its root");
        List<StorageLocation> sourceLocations = StorageLocation.of(senv, source.getInstallPath());
        List<StorageLocation> targetLocations = StorageLocation.of(tenv, target.getInstallPath());
        Map<String, Map<String, String>> sourceSums = new TreeMap<>();
        Map<String, Map<String, String>> targetSums = new TreeMap<>();
        for (StorageLocation location : sourceLocations) {
            if (!location.local() || location.root() == null) {
                report.info("location " + location.name() + ": driver " + location.driver() + ", not the panel's to read "
                        + "(copied with the provider's tooling)");
                continue;
            }
            StorageLocation there = targetLocations.stream().filter(l -> l.name().equals(location.name())).findFirst()
                    .orElse(null);
            if (there == null || !there.local() || there.root() == null) {
                report.fail("location " + location.name() + ": the target declares no local root for it");
                continue;
            }
            Map<String, String> s = sums(run, source, sourceSsh, location.root());
            Map<String, String> t = sums(run, target, targetSsh, there.root());
            sourceSums.put(location.name(), s);
            targetSums.put(location.name(), t);
            int same = 0;
            List<String> lost = new ArrayList<>();
            List<String> differ = new ArrayList<>();
            for (Map.Entry<String, String> e : s.entrySet()) {
                String other = t.get(e.getKey());
                if (other == null) {
                    lost.add(e.getKey());
                } else if (other.equals(e.getValue())) {
                    same++;
                } else {
                    differ.add(e.getKey());
                }
            }
            if (!lost.isEmpty()) {
                report.fail("location " + location.name() + ": " + lost.size() + " file(s) of the source missing on the "
                        + "target: " + listed(lost));
            }
            if (!differ.isEmpty()) {
                report.fail("location " + location.name() + ": " + differ.size() + " file(s) whose SHA-256 differs on the "
                        + "target: " + listed(differ));
            }
            if (lost.isEmpty() && differ.isEmpty()) {
                report.ok("location " + location.name() + ": all " + same + " file(s) of " + location.root()
                        + " on the target in " + there.root() + " with equal SHA-256");
            }
        }
        List<Map<String, String>> files = reader.query(source, sourceSsh,
                "SELECT id, storage, filename_disk, filename_download FROM directus_files ORDER BY id");
        int rowsWithBytes = 0;
        Map<String, String> knownAsset = null;
        for (Map<String, String> row : files) {
            Map<String, String> s = sourceSums.get(row.get("storage"));
            if (s == null) {
                continue; // a cloud location, said above
            }
            String name = row.get("filename_download") + " (" + row.get("storage") + "/" + row.get("filename_disk") + ")";
            String sum = s.get(row.get("filename_disk"));
            String there = targetSums.get(row.get("storage")).get(row.get("filename_disk"));
            if (sum == null) {
                report.info(name + ": no bytes on the source either (the pre-flight listed it): not the clone's loss");
            } else if (there == null) {
                report.fail(name + ": no bytes on the target");
            } else if (!there.equals(sum)) {
                report.fail(name + ": the target's bytes differ (SHA-256 " + ProofReport.abbreviated(there) + ", source's "
                        + ProofReport.abbreviated(sum) + ")");
            } else {
                rowsWithBytes++;
                if (knownAsset == null) {
                    knownAsset = row;
                    knownAsset.put("sha256", sum);
                }
            }
        }
        report.ok(rowsWithBytes + " directus_files row(s) with their bytes on the target, SHA-256 equal to the source's");

        report.section("The target's API");
        String base = target.getAppUrl() == null ? null : target.getAppUrl().replaceAll("/+$", "");
        if (base == null || base.isBlank()) {
            report.fail("no app URL is set on " + target.getName() + ": its API cannot be asked");
        } else if (api(run, report, base, source, sourceSsh, args.get("credentials"), knownAsset)) {
            traceSignIn(run, target, targetSsh, columns, before, beforeSignIn);
        }

        report.section("Source unchanged since step " + (recordStep + 1));
        SourceState now = read(source, sourceSsh, before.tables());
        boolean unchanged = true;
        Set<String> sourceTables = new TreeSet<>(before.tables().keySet());
        sourceTables.addAll(now.tables().keySet());
        for (String table : sourceTables) {
            if (!Objects.equals(before.tables().get(table), now.tables().get(table))) {
                report.fail(table + " of the source changed since it was recorded");
                unchanged = false;
            }
        }
        if (unchanged) {
            report.ok("The source's " + now.tables().size() + " tables are as they were recorded");
        }

        report.lines.forEach(run::out);
        artifacts.write(new ArtifactSpec(run.jobId(), target.getId(), run.position(), target.getName()
                + "-clone-proof.txt", ArtifactKind.LOG, "text/plain", false),
                report.text());
        report.failStepIfAny("The proof failed");
        return StepResult.done(identical + " tables identical, " + rowsWithBytes + " file(s) with equal bytes, KEY and "
                + "SECRET carried, the API answers" + (args.containsKey("credentials") ? " and signs the source's admin in"
                        : "") + ", source unchanged");
    }

    /**
     * Keeps, as an artifact of this step, the target's tables this proof's sign-in wrote, read right after it: a
     * run of the step again (a resume) finds them so, not as the source had them.
     */
    private void traceSignIn(StepRun run, Instance target, SshSession targetSsh, ColumnScope columns, SourceState before,
            Set<String> beforeSignIn) {
        Map<String, List<String>> tables = new TreeMap<>();
        for (String table : SIGN_IN_WRITES) {
            if (beforeSignIn.contains(table)) {
                tables.put(table, columns.compared().get(table));
            }
        }
        if (tables.isEmpty()) {
            return;
        }
        Map<String, Fingerprint> now = reader.fingerprintsOf(target, targetSsh, tables, before.tables());
        artifacts.write(new ArtifactSpec(run.jobId(), target.getId(), run.position(), target.getName() + SIGN_IN_SUFFIX,
                ArtifactKind.OTHER, "application/json", false),
                new ByteArrayInputStream(JSON.writeValueAsBytes(new SignInTrace(now))));
    }

    /** /server/ping, /server/health, then with the sign-in: a login, a known item, a known asset; whether it signed in. */
    private boolean api(StepRun run, ProofReport report, String base, Instance source, SshSession sourceSsh, String credentialsId,
            Map<String, String> knownAsset) throws IOException, InterruptedException {
        HttpResponse<String> ping = get(base + "/server/ping", null);
        if (ping != null && ping.statusCode() == 200 && ping.body().strip().equals("pong")) {
            report.ok("GET /server/ping: pong");
        } else {
            report.fail("GET /server/ping: " + shown(ping));
        }
        HttpResponse<String> health = get(base + "/server/health", null);
        // 200 with "status":"warn" when a check is degraded, 503 when one failed
        if (health != null && health.statusCode() == 200 && !health.body().contains("\"status\":\"warn\"")) {
            report.ok("GET /server/health: " + shown(health));
        } else {
            report.fail("GET /server/health: " + shown(health));
        }
        if (credentialsId == null) {
            report.info("No admin sign-in was given (option): the sign-in, the known item and the known asset are not checked");
            return false;
        }
        Map<?, ?> credentials = credentials(source, credentialsId);
        String email = String.valueOf(credentials.get("email"));
        String password = String.valueOf(credentials.get("password"));
        run.addSecret(password);
        HttpResponse<String> login = send(HttpRequest.newBuilder(URI.create(base + "/auth/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(Map.of("email", email, "password", password)))),
                HttpResponse.BodyHandlers.ofString());
        String token = null;
        if (login != null && login.statusCode() == 200) {
            Object data = JSON.readValue(login.body(), Map.class).get("data");
            token = data instanceof Map<?, ?> m && m.get("access_token") != null ? String.valueOf(m.get("access_token")) : null;
        }
        if (token == null) {
            report.fail("POST /auth/login as " + email + " (the source's admin): " + shown(login));
            return false;
        }
        run.addSecret(token);
        report.ok("POST /auth/login: the source's admin " + email + " signs in on the target");
        knownItem(report, base, token, source, sourceSsh);
        if (knownAsset == null) {
            report.info("No file with bytes on the source: no asset to fetch");
            return true;
        }
        HttpResponse<byte[]> asset = send(HttpRequest.newBuilder(URI.create(base + "/assets/"
                + URLEncoder.encode(knownAsset.get("id"), StandardCharsets.UTF_8))).header("Authorization", "Bearer " + token)
                .GET(), HttpResponse.BodyHandlers.ofByteArray());
        String what = "GET /assets/" + knownAsset.get("id") + " (" + knownAsset.get("filename_download") + ")";
        if (asset == null || asset.statusCode() != 200) {
            report.fail(what + ": HTTP " + (asset == null ? "no answer" : asset.statusCode()));
        } else if (sha256(asset.body()).equals(knownAsset.get("sha256"))) {
            report.ok(what + ": " + asset.body().length + " bytes, SHA-256 equal to the source's file");
        } else {
            report.fail(what + ": the body's SHA-256 differs from the source's file");
        }
        return true;
    }

    /**
     * The first row (by primary key) of the first user collection with rows, read from the source's DB, fetched from
     * the target by {@code /items/<collection>/<key>}: its key and its string and text fields must be the source's.
     */
    private void knownItem(ProofReport report, String base, String token, Instance source, SshSession sourceSsh)
            throws IOException, InterruptedException {
        DbVendor vendor = connections.dbSettings(source, sourceSsh).vendor();
        Set<String> tables = new TreeSet<>();
        reader.columns(source, sourceSsh).keySet().forEach(t -> tables.add(t));
        List<String> collections = reader.query(source, sourceSsh, "SELECT collection FROM directus_collections ORDER BY collection")
                .stream().map(r -> r.get("collection")).filter(tables::contains).toList();
        for (String collection : collections) {
            HttpResponse<String> fields = get(base + "/fields/" + URLEncoder.encode(collection, StandardCharsets.UTF_8), token);
            if (fields == null || fields.statusCode() != 200) {
                report.fail("GET /fields/" + collection + ": " + shown(fields));
                return;
            }
            String key = null;
            List<String> texts = new ArrayList<>();
            for (Object f : (List<?>) JSON.readValue(fields.body(), Map.class).get("data")) {
                Map<?, ?> field = (Map<?, ?>) f;
                Object schema = field.get("schema");
                if (schema instanceof Map<?, ?> sc && Boolean.TRUE.equals(sc.get("is_primary_key"))) {
                    key = String.valueOf(field.get("field"));
                } else if (schema instanceof Map<?, ?> && ("string".equals(field.get("type")) || "text".equals(field.get("type")))) {
                    texts.add(String.valueOf(field.get("field")));
                }
            }
            if (key == null) {
                continue;
            }
            List<Map<String, String>> rows = reader.query(source, sourceSsh, "SELECT * FROM " + vendor.quoteName(collection)
                    + " ORDER BY " + vendor.quoteName(key) + " LIMIT 1");
            if (rows.isEmpty()) {
                continue;
            }
            Map<String, String> row = rows.get(0);
            String id = row.get(key);
            String what = "GET /items/" + collection + "/" + id;
            HttpResponse<String> item = get(base + "/items/" + URLEncoder.encode(collection, StandardCharsets.UTF_8) + "/"
                    + URLEncoder.encode(id, StandardCharsets.UTF_8), token);
            if (item == null || item.statusCode() != 200) {
                report.fail(what + ": " + shown(item));
                return;
            }
            Map<?, ?> data = (Map<?, ?>) JSON.readValue(item.body(), Map.class).get("data");
            List<String> differ = new ArrayList<>();
            if (!String.valueOf(data.get(key)).equals(id)) {
                differ.add(key);
            }
            for (String text : texts) {
                Object value = data.get(text);
                if (!Objects.equals(value == null ? null : String.valueOf(value), row.get(text))) {
                    differ.add(text);
                }
            }
            if (differ.isEmpty()) {
                report.ok(what + ": the source's row (its key and " + texts.size() + " text field(s) equal)");
            } else {
                report.fail(what + ": field(s) " + String.join(", ", differ) + " differ from the source's row");
            }
            return;
        }
        report.info("No user collection with rows on the source: no item to fetch");
    }

    private Map<?, ?> credentials(Instance source, String id) {
        // only a sign-in kept for this source: never another artifact (its .env, a dump) read as one
        boolean kept = artifacts.find(id).filter(a -> !a.isDeleted() && a.getKind() == ArtifactKind.CREDENTIALS
                && source.getId().equals(a.getInstanceId())).isPresent();
        if (kept) {
            try (InputStream in = artifacts.open(id)) {
                return JSON.readValue(in, Map.class);
            } catch (IOException | RuntimeException e) {
                // said below
            }
        }
        throw new StepFailedException("The admin sign-in given for this clone is gone: give it again and plan anew");
    }

    /** SHA-256 of every file under a root, by path relative to it. */
    private Map<String, String> sums(StepRun run, Instance instance, SshSession ssh, String root) {
        Map<String, String> sums = new TreeMap<>();
        StringBuilder error = new StringBuilder();
        // where the install is: on the SSH host, or inside its Docker container (a clone's source)
        int exit = ssh.streamInProcessGroup(dev.migrationpanel.instance.Deployment.of(instance).wrap("cd " + quote(root)
                + " && find . -type f -print0 | xargs -0 -r sha256sum"),
                TIMEOUT, (stream, line) -> {
                    if (stream == LineListener.Stream.STDERR) {
                        if (error.isEmpty()) {
                            error.append(line);
                        }
                        return;
                    }
                    // sha256sum writes "\<sum>  <name>" with \\ and \n escaped for a name holding them
                    boolean escaped = line.startsWith("\\");
                    String l = escaped ? line.substring(1) : line;
                    if (l.length() < 67) {
                        return;
                    }
                    String name = l.substring(66);
                    if (escaped) {
                        name = name.replace("\\n", "\n").replace("\\\\", "\\");
                    }
                    sums.put(name.startsWith("./") ? name.substring(2) : name, l.substring(0, 64));
                }, run::cancelled);
        if (exit != 0) {
            throw new StepFailedException("Cannot read the files of " + root + " on " + instance.getName()
                    + (error.isEmpty() ? " (exit " + exit + ")" : ": " + error));
        }
        return sums;
    }

    private Set<String> migrations(Instance instance, SshSession ssh) {
        Set<String> versions = new TreeSet<>();
        reader.query(instance, ssh, "SELECT version FROM directus_migrations").forEach(r -> versions.add(r.get("version")));
        return versions;
    }

    private HttpResponse<String> get(String url, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The answer, or null when the target does not answer at all. */
    private <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body)
            throws IOException, InterruptedException {
        try {
            return http.send(request.timeout(HTTP_TIMEOUT).build(), body);
        } catch (java.net.ConnectException | java.net.http.HttpTimeoutException e) {
            return null;
        }
    }

    private static String shown(HttpResponse<String> r) {
        if (r == null) {
            return "no answer";
        }
        String body = r.body() == null ? "" : r.body().strip().replaceAll("\\s+", " ");
        return "HTTP " + r.statusCode() + " " + (body.length() > 120 ? body.substring(0, 119) + "…" : body);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Optional<SourceState> recorded(long jobId, int step) throws IOException {
        return latest(jobId, step, STATE_SUFFIX, SourceState.class);
    }

    /** The newest artifact of the job's step whose name ends so, read as {@code type}. */
    private <T> Optional<T> latest(long jobId, int step, String suffix, Class<T> type) throws IOException {
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

    private static String listed(List<String> names) {
        return String.join(", ", names.subList(0, Math.min(10, names.size()))) + (names.size() > 10 ? ", …" : "");
    }
}
