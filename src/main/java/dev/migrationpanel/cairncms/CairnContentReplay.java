package dev.migrationpanel.cairncms;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

import org.springframework.stereotype.Component;

import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactSpec;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.instance.SystemDbReader;
import dev.migrationpanel.job.JobCheck;
import dev.migrationpanel.job.StepFailedException;
import dev.migrationpanel.job.StepResult;
import dev.migrationpanel.job.StepRun;
import dev.migrationpanel.remote.SshSession;
import dev.migrationpanel.web.InvalidInputException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A cross-vendor content move's rows, replayed through the target's REST API (the guide's way across vendors: "replay
 * content through the HTTP API"): the source's rows read from its DB, each value turned into what the target's field
 * type takes ({@link CairnReplayValues#toApi}), then the referenced {@code directus_files} rows one by one
 * ({@code POST /files} with the row as JSON: the bytes were placed under the target's storage root before), and each
 * moved table in the plan's order (a referenced table before the tables pointing at it, junctions last) by
 * {@code POST /items/<collection>} in batches. Conflicts as the plan says: {@code refuse} checks every table before
 * anything is written and writes nothing when the target has one of the keys; {@code skip} leaves those rows;
 * {@code overwrite} sends them by {@code PATCH}. Values pointing at CairnCMS's own tables (users, folders) go only
 * where the target has that row, else null, as the same-vendor move does.
 *
 * <p>The token is a static token of an admin of the target, kept encrypted as a CREDENTIALS artifact of the target;
 * it travels in the {@code Authorization} header only and is masked in the job's log. The API's writes are not one
 * transaction: a failure stops the replay with what was written said, and the target's DB backup (taken by the plan
 * before) puts it back. Fields the API fills itself on create ({@code date-created}, {@code user-created}…) cannot be
 * replayed: they are listed in an artifact the proof reads and says it does not compare.
 */
@Component
class CairnContentReplay implements JobCheck {

    static final String ID = "cairncms.content-move-replay";
    static final int BATCH = 100;
    static final List<String> API_SET_SPECIALS = List.of("date-created", "date-updated", "user-created", "user-updated");
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(60);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SystemDbReader reader;
    private final InstanceConnections connections;
    private final ArtifactStore artifacts;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    CairnContentReplay(SystemDbReader reader, InstanceConnections connections, ArtifactStore artifacts) {
        this.reader = reader;
        this.connections = connections;
        this.artifacts = artifacts;
    }

    @Override
    public String id() {
        return ID;
    }

    /** Keeps a static API token of the target's admin encrypted, tied to the target; returns its artifact id. */
    String storeToken(Instance target, String token) {
        if (token == null || token.isBlank() || !token.trim().matches("[\\x21-\\x7e]{8,512}")) {
            throw InvalidInputException.of("apiToken", "Give a static token of an admin of the target (8 to 512 "
                    + "printable characters, no spaces)");
        }
        byte[] json = JSON.writeValueAsBytes(Map.of("token", token.trim()));
        return artifacts.write(new ArtifactSpec(null, target.getId(), null, "cairncms-api-token.json",
                ArtifactKind.CREDENTIALS, "application/json", true), new ByteArrayInputStream(json)).getId();
    }

    /** The token kept for this target: never another artifact (a dump, an .env) read as one. */
    String token(Instance target, String id) {
        boolean kept = id != null && artifacts.find(id).filter(a -> !a.isDeleted() && a.getKind() == ArtifactKind.CREDENTIALS
                && target.getId().equals(a.getInstanceId())).isPresent();
        if (kept) {
            try (InputStream in = artifacts.open(id)) {
                Object token = JSON.readValue(in, Map.class).get("token");
                if (token != null && !String.valueOf(token).isBlank()) {
                    return String.valueOf(token);
                }
            } catch (IOException | RuntimeException e) {
                // said below
            }
        }
        throw new StepFailedException("The API token given for the target is gone: give it again and plan anew");
    }

    /**
     * Whether the target's API takes the kept token as an admin's ({@code GET /users/me}), for the pair's checks: the
     * reason in one line when it does not (a token refused, not an admin's, no answer).
     */
    dev.migrationpanel.instance.CheckItem check(Instance target, String credentials) {
        String base = target.getAppUrl() == null ? "" : target.getAppUrl().replaceAll("/+$", "");
        if (!base.matches("https?://.+")) {
            return dev.migrationpanel.instance.CheckItem.blocking("API", target.getName() + " has no app URL (http…): "
                    + "its items API cannot be reached");
        }
        String token;
        try {
            token = token(target, credentials);
        } catch (StepFailedException e) {
            return dev.migrationpanel.instance.CheckItem.blocking("API", e.getMessage());
        }
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/users/me?fields=role.admin_access"))
                    .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + token).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return dev.migrationpanel.instance.CheckItem.blocking("API", "The token is refused by " + target.getName()
                        + "'s API (GET /users/me: " + answer(r) + "): give a static token of one of its admins");
            }
            JsonNode role = JSON.readTree(r.body()).path("data").path("role");
            if (!role.path("admin_access").asBoolean(false)) {
                return dev.migrationpanel.instance.CheckItem.blocking("API", "The token's user on " + target.getName()
                        + " is not an admin: the replay writes CairnCMS's files and any collection");
            }
            return dev.migrationpanel.instance.CheckItem.ok("API", base + " takes the token as an admin's");
        } catch (IOException | RuntimeException e) {
            return dev.migrationpanel.instance.CheckItem.blocking("API", target.getName() + "'s API does not answer at "
                    + base + " (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return dev.migrationpanel.instance.CheckItem.blocking("API", "Interrupted while asking " + target.getName());
        }
    }

    /**
     * One table's writes, prepared before anything is written: the rows to create (parents first when the table points
     * at itself), the rows the target has the keys of, and the self references set after the creates (each a key and
     * the fields to set).
     */
    record Writes(String table, String key, List<Map<String, Object>> create, List<Map<String, Object>> update,
                  List<String> apiSet, List<Map<String, Object>> later) {
    }

    /** A table's rows to create in a tree's order, and the self references to set after them by PATCH. */
    record TreeOrder(List<Map<String, Object>> rows, List<Map<String, Object>> later) {
    }

    /**
     * The rows to create ordered so that a row comes after the row its self reference ({@code selfFields}, e.g.
     * {@code parent}) points at, else in their order (the source's key order); a value pointing at a row that is
     * neither on the target ({@code present}) nor created before it — a cycle, or the row itself — is left out of the
     * create (null) and set afterwards: those are in {@link TreeOrder#later()}, each with the key. A value pointing at
     * a row neither moved nor on the target is sent as it is (the target then refuses it, and says so).
     */
    static TreeOrder treeOrder(List<Map<String, Object>> rows, String key, List<String> selfFields, Set<String> present) {
        if (selfFields.isEmpty() || rows.isEmpty()) {
            return new TreeOrder(rows, List.of());
        }
        int n = rows.size();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < n; i++) {
            index.put(String.valueOf(rows.get(i).get(key)), i);
        }
        int[] waiting = new int[n];
        List<List<Integer>> children = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            children.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            for (String field : selfFields) {
                Object value = rows.get(i).get(field);
                Integer parent = value == null || present.contains(String.valueOf(value)) ? null : index.get(String.valueOf(value));
                if (parent != null && parent != i) {
                    waiting[i]++;
                    children.get(parent).add(i);
                }
            }
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int i = 0; i < n; i++) {
            if (waiting[i] == 0) {
                ready.add(i);
            }
        }
        boolean[] placed = new boolean[n];
        List<Map<String, Object>> ordered = new ArrayList<>();
        List<Map<String, Object>> later = new ArrayList<>();
        int next = 0;
        while (ordered.size() < n) {
            int i;
            if (ready.isEmpty()) {
                while (placed[next]) {
                    next++;
                }
                i = next; // a cycle: its first row in key order goes first, its parent set after
            } else {
                i = ready.poll();
                if (placed[i]) {
                    continue;
                }
            }
            Map<String, Object> row = new LinkedHashMap<>(rows.get(i));
            Map<String, Object> patch = new LinkedHashMap<>();
            for (String field : selfFields) {
                Object value = row.get(field);
                if (value == null || present.contains(String.valueOf(value))) {
                    continue;
                }
                Integer parent = index.get(String.valueOf(value));
                if (parent != null && (parent == i || !placed[parent])) {
                    row.put(field, null);
                    patch.put(field, value);
                }
            }
            ordered.add(row);
            placed[i] = true;
            if (!patch.isEmpty()) {
                Map<String, Object> withKey = new LinkedHashMap<>();
                withKey.put(key, row.get(key));
                withKey.putAll(patch);
                later.add(withKey);
            }
            for (int child : children.get(i)) {
                if (--waiting[child] == 0 && !placed[child]) {
                    ready.add(child);
                }
            }
        }
        return new TreeOrder(ordered, later);
    }

    @Override
    public StepResult run(StepRun run, Map<String, String> args) throws Exception {
        CairnContentMoveProof.Move move = CairnContentMoveProof.Move.of(args);
        Instance target = run.instance();
        Instance source = run.planInstance(move.source());
        String base = target.getAppUrl() == null ? "" : target.getAppUrl().replaceAll("/+$", "");
        if (!base.matches("https?://.+")) {
            throw new StepFailedException(target.getName() + " has no app URL (http…): the items API cannot be reached");
        }
        String token = token(target, args.get("credentials"));
        run.addSecret(token);
        awaitApi(run, base);
        SshSession sssh = run.ssh(source);
        SshSession tssh = run.ssh(target);
        DbVendor sv = connections.dbSettings(source, sssh).vendor();
        DbVendor tv = connections.dbSettings(target, tssh).vendor();
        Map<String, List<String>> sourceColumns = reader.columns(source, sssh);

        List<String> tables = new ArrayList<>();
        if (!move.fileFields().isEmpty()) {
            tables.add(CairnMoveSchema.FILES);
        }
        tables.addAll(move.tables());
        // every table read and prepared first: under refuse a conflict writes nothing
        List<Writes> writes = new ArrayList<>();
        for (String table : tables) {
            writes.add(prepare(run, base, token, source, sssh, sv, target, tssh, tv, sourceColumns, table, move));
        }
        List<String> conflicts = new ArrayList<>();
        if (move.conflict().equals("refuse")) {
            writes.stream().filter(w -> !w.update().isEmpty()).forEach(w -> conflicts.add(w.update().size() + " in " + w.table()));
        }
        if (!conflicts.isEmpty()) {
            throw new StepFailedException("The target already has row(s) the move would write (" + String.join(", ", conflicts)
                    + "): nothing written (conflict policy refuse)");
        }
        Map<String, List<String>> apiSet = new TreeMap<>();
        long total = writes.stream().mapToLong(w -> w.create().size()).sum();
        long created = 0;
        long updated = 0;
        long skipped = 0;
        int requests = 0;
        for (Writes w : writes) {
            String path = w.table().equals(CairnMoveSchema.FILES) ? "/files" : "/items/" + w.table();
            if (!w.apiSet().isEmpty()) {
                apiSet.put(w.table(), w.apiSet());
                run.note(w.table() + ": " + String.join(", ", w.apiSet()) + " set by the target's API itself on create "
                        + "(not replayable, not compared by the proof)");
            }
            if (w.table().equals(CairnMoveSchema.FILES)) {
                // POST /files takes one row as JSON (a list is an upload's shape)
                for (Map<String, Object> row : w.create()) {
                    send(run, "POST", base + path, token, row, "POST /files " + row.get("id"));
                    requests++;
                }
            } else {
                List<List<Map<String, Object>>> batches = batches(w.create(), BATCH);
                for (int i = 0; i < batches.size(); i++) {
                    send(run, "POST", base + path, token, batches.get(i), "POST " + path + " (batch " + (i + 1) + " of "
                            + batches.size() + ", " + batches.get(i).size() + " row(s))");
                    requests++;
                    run.progress(created + Math.min(w.create().size(), (long) (i + 1) * BATCH), total);
                }
            }
            created += w.create().size();
            for (Map<String, Object> row : w.later()) {
                String id = String.valueOf(row.get(w.key()));
                Map<String, Object> values = new LinkedHashMap<>(row);
                values.remove(w.key());
                send(run, "PATCH", base + path + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8), token, values,
                        "PATCH " + path + "/" + id + " (" + String.join(", ", values.keySet()) + ": a row of its own table "
                        + "created after it)");
                requests++;
            }
            if (move.conflict().equals("overwrite")) {
                for (Map<String, Object> row : w.update()) {
                    String id = String.valueOf(row.get(w.key()));
                    Map<String, Object> values = new LinkedHashMap<>(row);
                    values.remove(w.key());
                    send(run, "PATCH", base + path + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8), token, values,
                            "PATCH " + path + "/" + id);
                    requests++;
                }
                updated += w.update().size();
            } else {
                skipped += w.update().size();
            }
            if (w.table().equals(CairnMoveSchema.FILES)) {
                List<Map<String, Object>> written = new ArrayList<>(w.create());
                if (move.conflict().equals("overwrite")) {
                    written.addAll(w.update());
                }
                fileNames(run, target, tssh, tv, written);
            }
            run.out(w.table() + ": " + w.create().size() + " row(s) created" + (w.update().isEmpty() ? ""
                    : move.conflict().equals("overwrite") ? ", " + w.update().size() + " overwritten"
                    : ", " + w.update().size() + " skipped (the target has their keys)"));
        }
        return StepResult.done(created + " row(s) created" + (updated > 0 ? ", " + updated + " overwritten" : "")
                + (skipped > 0 ? ", " + skipped + " skipped" : "") + " through " + target.getName() + "'s API in " + requests
                + " request(s), " + sv.label() + " → " + tv.label());
    }

    private Writes prepare(StepRun run, String base, String token, Instance source, SshSession sssh, DbVendor sv,
            Instance target, SshSession tssh, DbVendor tv, Map<String, List<String>> sourceColumns, String table,
            CairnContentMoveProof.Move move) throws IOException, InterruptedException {
        boolean files = table.equals(CairnMoveSchema.FILES);
        String key = files ? "id" : move.keys().getOrDefault(table, "id");
        Map<String, String> types = new LinkedHashMap<>();
        List<String> apiSet = new ArrayList<>();
        JsonNode fields = get(run, base + "/fields/" + URLEncoder.encode(table, StandardCharsets.UTF_8), token,
                "GET /fields/" + table).get("data");
        for (JsonNode f : fields) {
            if (f.get("schema") == null || f.get("schema").isNull()) {
                continue; // an alias (o2m, m2m): no column
            }
            String name = f.get("field").asText();
            types.put(name, f.get("type").asText());
            JsonNode special = f.get("meta") == null || f.get("meta").isNull() ? null : f.get("meta").get("special");
            if (special != null && special.isArray()) {
                for (JsonNode s : special) {
                    if (API_SET_SPECIALS.contains(s.asText()) && !apiSet.contains(name)) {
                        apiSet.add(name);
                    }
                }
            }
        }
        List<String> columns = sourceColumns.getOrDefault(table, List.of()).stream().filter(types::containsKey).toList();
        if (!columns.contains(key)) {
            throw new StepFailedException(table + ": its key " + key + " is not a field of the target's API");
        }
        String select = "SELECT " + String.join(", ", columns.stream().map(sv::quoteName).toList()) + " FROM "
                + sv.quoteName(table) + (files ? " WHERE " + sv.quoteName("id") + " IN ("
                + CairnMoveCommands.fileIdsQuery(sv, move.fileFields()) + ")" : "") + " ORDER BY " + sv.quoteName(key);
        List<Map<String, String>> rows = reader.query(source, sssh, select);

        // values pointing at CairnCMS's own tables: kept where the target has that row
        Map<String, Set<String>> systemKeys = new LinkedHashMap<>();
        Map<String, String> systemTables = new LinkedHashMap<>();
        if (files) {
            systemTables.putAll(CairnMoveSchema.FILE_SYSTEM_REFERENCES);
        } else {
            for (String ref : move.systemRefs()) {
                String[] parts = ref.split("[.=]", 3);
                if (parts[0].equals(table)) {
                    systemTables.put(parts[1], parts[2]);
                }
            }
        }
        for (Map.Entry<String, String> e : systemTables.entrySet()) {
            if (columns.contains(e.getKey())) {
                systemKeys.put(e.getKey(), keys(target, tssh, tv, e.getValue(), "id"));
            }
        }
        Set<String> targetKeys = keys(target, tssh, tv, table, key);
        List<Map<String, Object>> create = new ArrayList<>();
        List<Map<String, Object>> update = new ArrayList<>();
        for (Map<String, String> row : rows) {
            Map<String, Object> values = new LinkedHashMap<>();
            for (String column : columns) {
                String value = row.get(column);
                Set<String> allowed = systemKeys.get(column);
                if (allowed != null && value != null && !allowed.contains(value)) {
                    value = null;
                }
                values.put(column, CairnReplayValues.toApi(types.get(column), value));
            }
            (targetKeys.contains(String.valueOf(row.get(key))) ? update : create).add(values);
        }
        run.out(table + ": " + rows.size() + " row(s) read from " + source.getName() + " (" + sv.label() + "), "
                + update.size() + " of them with a key " + target.getName() + " already has");
        List<String> self = move.selfRefs().getOrDefault(table, List.of()).stream().filter(columns::contains).toList();
        TreeOrder tree = treeOrder(create, key, self, targetKeys);
        if (!self.isEmpty()) {
            run.out(table + ": " + String.join(", ", self) + " point(s) at " + table + " itself: rows created parents "
                    + "first" + (tree.later().isEmpty() ? "" : ", " + tree.later().size() + " row(s) created without it "
                    + "and set after (a cycle)"));
        }
        return new Writes(table, key, tree.rows(), update, apiSet, tree.later());
    }

    /**
     * The API keeps {@code filename_disk} its own (it names an upload's file itself and drops the field from a JSON
     * row), but the guide's rule is that the bytes keep their name ("Move bytes verbatim"): the name the source's row
     * gives is set on the target's row by one UPDATE per file, on the target's DB, in one transaction.
     */
    private void fileNames(StepRun run, Instance target, SshSession tssh, DbVendor tv, List<Map<String, Object>> rows)
            throws java.sql.SQLException {
        List<String> updates = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            Object name = row.get("filename_disk");
            updates.add("UPDATE " + tv.quoteName(CairnMoveSchema.FILES) + " SET " + tv.quoteName("filename_disk") + " = "
                    + (name == null ? "NULL" : CairnMoveCommands.sqlString(String.valueOf(name))) + " WHERE "
                    + tv.quoteName("id") + " = " + CairnMoveCommands.sqlString(String.valueOf(row.get("id"))) + ";");
        }
        if (updates.isEmpty()) {
            return;
        }
        dev.migrationpanel.database.DbSettings db = connections.dbSettings(target, tssh);
        if (tv == DbVendor.SQLITE) {
            String sql = "BEGIN;\n" + String.join("\n", updates) + "\nCOMMIT;";
            dev.migrationpanel.remote.CommandResult r = tssh.run(dev.migrationpanel.instance.Deployment.of(target).wrap(
                    "sqlite3 -bail -cmd '.timeout 30000' " + dev.migrationpanel.remote.ShellQuote.quote(db.sqlitePath())
                    + " " + dev.migrationpanel.remote.ShellQuote.quote(sql)), HTTP_TIMEOUT);
            if (!r.ok()) {
                throw new StepFailedException("Setting the files' filename_disk on " + target.getName() + " failed: "
                        + r.stderr().strip().lines().findFirst().orElse("sqlite3 exit " + r.exitCode()));
            }
        } else {
            try (dev.migrationpanel.database.InstanceDbConnection c = connections.openDb(target, tssh, db);
                    java.sql.Statement st = c.connection().createStatement()) {
                c.connection().setAutoCommit(false);
                for (String update : updates) {
                    st.executeUpdate(update);
                }
                c.connection().commit();
            }
        }
        run.out(CairnMoveSchema.FILES + ": filename_disk of " + updates.size() + " row(s) set as the source's (the API "
                + "keeps that field its own)");
    }

    private Set<String> keys(Instance instance, SshSession ssh, DbVendor v, String table, String key) {
        Set<String> keys = new HashSet<>();
        for (Map<String, String> row : reader.query(instance, ssh, "SELECT " + v.quoteName(key) + " AS k FROM "
                + v.quoteName(table))) {
            keys.add(String.valueOf(row.get("k")));
        }
        return keys;
    }

    static <T> List<List<T>> batches(List<T> items, int size) {
        List<List<T>> batches = new ArrayList<>();
        for (int from = 0; from < items.size(); from += size) {
            batches.add(items.subList(from, Math.min(items.size(), from + size)));
        }
        return batches;
    }

    /** The target's API answering /server/ping (it was just started), up to two minutes. */
    private void awaitApi(StepRun run, String base) throws InterruptedException {
        long until = System.currentTimeMillis() + 120_000L;
        String last = "no answer";
        while (System.currentTimeMillis() < until && !run.cancelled()) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/server/ping"))
                        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + r.statusCode();
            } catch (IOException e) {
                last = "no answer";
            }
            Thread.sleep(1000);
        }
        throw new StepFailedException("The target's API does not answer " + base + "/server/ping (" + last + ")");
    }

    private JsonNode get(StepRun run, String url, String token, String what) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(HTTP_TIMEOUT)
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new StepFailedException(what + ": " + answer(r) + (r.statusCode() == 403 ? " (the API answers 403 for "
                    + "a collection it does not know, or a token without admin access: is the structure promoted and "
                    + "the service restarted since, and is the token an admin's?)" : ""));
        }
        return JSON.readTree(r.body());
    }

    private void send(StepRun run, String method, String url, String token, Object body, String what)
            throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(HTTP_TIMEOUT)
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new StepFailedException(what + ": " + answer(r) + " (what was written before stays: restore the "
                    + "target's DB backup to undo it)");
        }
        run.out(what + ": HTTP " + r.statusCode());
    }

    /** The API's answer in one line: its first error's message, else the start of the body. */
    static String answer(HttpResponse<String> r) {
        String message = null;
        try {
            JsonNode errors = JSON.readTree(r.body()).get("errors");
            if (errors != null && errors.isArray() && !errors.isEmpty() && errors.get(0).get("message") != null) {
                message = errors.get(0).get("message").asText();
            }
        } catch (RuntimeException e) {
            // not JSON
        }
        String text = message != null ? message : r.body() == null ? "" : r.body().strip().replaceAll("\\s+", " ");
        return "HTTP " + r.statusCode() + (text.isEmpty() ? "" : " " + (text.length() > 160 ? text.substring(0, 159) + "…" : text));
    }
}
