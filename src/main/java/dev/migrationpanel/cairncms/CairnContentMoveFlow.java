package dev.migrationpanel.cairncms;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.stereotype.Component;

import dev.migrationpanel.database.DatabaseException;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.instance.CheckItem;
import dev.migrationpanel.instance.CheckStatus;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.EnvFile;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.SystemDbReader;
import dev.migrationpanel.job.JobView;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.product.BothSides;
import dev.migrationpanel.product.HostFacts;
import dev.migrationpanel.product.ProductSteps;
import dev.migrationpanel.remote.SshSession;
import dev.migrationpanel.web.InvalidInputException;

/**
 * The guide's content move: rows of chosen collections carried from a source to a target whose schema already matches
 * ("Selective table dump"), with what the guide says a table dump alone misses: the {@code directus_files} rows the
 * moved rows reference and their bytes. Options: {@code target} (instance id), {@code collections} (comma-separated
 * user collections, never CairnCMS's own {@code directus_*} tables), {@code conflict} = {@code refuse} (default) |
 * {@code skip} | {@code overwrite}, for rows whose key the target already has.
 *
 * <p>The plan, in the guide's sequencing: the source's state and the target's recorded (read only), the target's DB
 * backed up, the referenced files' bytes carried per storage location (tar through the panel into the location of the
 * same name: {@code filename_disk} kept verbatim, as the guide's "File bytes" asks), then the rows (see
 * {@link CairnMoveCommands}: one transaction, staged and merged under the conflict policy, PostgreSQL's sequences
 * advanced), the target's service restarted so its caches drop, and the proof ({@link CairnContentMoveProof}).
 * Many-to-many junctions of the chosen collections move with them when every side they join is moved (or is
 * directus_files); a move that would cut one (a side it joins not chosen) is refused, naming the side to add: a
 * junction row joins two rows, and a table dump carries no relation to rows the target may not have. Thumbnails ({@code <id>__*}) are
 * not carried: CairnCMS makes them again on the first request. A target on another DB vendor gets the guide's way
 * across vendors (a native dump is vendor-specific): the rows replayed through the target's items API with a static
 * token of its admin ({@link CairnContentReplay}), the proof comparing values type-tolerantly. The source is only read.
 *
 * <p>The source may be in a Docker container: its settings are the container's environment (docker inspect), a
 * networked DB is dumped and read on the SSH host at the DB_HOST the container names, a SQLite file inside
 * ({@code docker exec}), the referenced files' bytes copied out with {@code docker cp} (a stopped container too). The
 * target may be in a Docker container too, on a networked DB: its settings are the container's environment, its DB
 * backed up from the SSH host at the DB_HOST the container names, the rows merged there by the DB client (same vendor)
 * or replayed through its items API (across vendors, the API reached at its app URL), the bytes unpacked on its
 * volumes by a one-off container of its image (as the full clone unpacks them), the container restarted as the
 * promotion and the clone restart it, the proof's sums read through docker. A SQLite file inside a target container
 * and a pod on either side are refused.
 */
@Component
class CairnContentMoveFlow implements CairnPairFlow {

    static final String ID = "cairncms.content-move";
    static final String RECORD = "Record the source and the target before the move";
    static final String LOAD = "Carry the rows into the target (one transaction)";
    static final String REPLAY = "Replay the rows through the target's items API";
    static final String REPLAY_STOP = "Stop the target's service (its API then reads its current structure)";
    static final String REPLAY_START = "Start the target's service for the replay";
    static final String VERIFY = "Verify: the moved rows and files are the source's, nothing else changed";
    private static final Duration LONG = ProductSteps.LONG;

    private final InstanceService instances;
    private final InstanceConnections connections;
    private final SystemDbReader reader;
    private final CairnContentReplay replay;

    CairnContentMoveFlow(InstanceService instances, InstanceConnections connections, SystemDbReader reader,
            CairnContentReplay replay) {
        this.instances = instances;
        this.connections = connections;
        this.reader = reader;
        this.replay = replay;
    }

    /**
     * Keeps a static API token of an admin of the target encrypted (a CREDENTIALS artifact of the target), for a move
     * across DB vendors; returns the artifact id to give as {@code apiCredentials}. The token itself is never an option.
     */
    String storeApiToken(Instance target, String token) {
        return replay.storeToken(target, token);
    }

    String storeApiToken(long targetId, String token) {
        return storeApiToken(instances.get(targetId), token);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Content move (chosen collections' rows and their files to another instance)";
    }

    @Override
    public String description() {
        return "Carries the rows of the collections you choose, with the files they reference, to an instance whose "
                + "schema already matches (promote the structure first): a data-only dump of those tables, merged under "
                + "your conflict policy, then proved row for row. Users, roles and everything else stay as they are.";
    }

    @Override
    public String changes() {
        return "the target's rows of the chosen collections (merged under your conflict policy) and the files they "
                + "reference, after a backup of its DB; the source is only read";
    }

    @Override
    public String product() {
        return CairnCmsProfile.ID;
    }

    /** As a source: an install on its host or in a Docker container (a target: {@link #whyNotTarget}). */
    @Override
    public boolean appliesTo(Instance instance) {
        return CairnPairFlow.super.appliesTo(instance) && CairnCmsProfile.reachable(instance);
    }

    @Override
    public String whyNotApplicable(Instance instance) {
        return CairnCmsProfile.ID.equals(instance.getProduct()) && !CairnCmsProfile.reachable(instance)
                ? "it is " + Deployment.of(instance).describe() + ": " + SOURCE_IN_A_POD : null;
    }

    /** Why a pod is no source: the move reaches into a Docker container, not into a pod. */
    static final String SOURCE_IN_A_POD = "the panel's content move reads a source on its host or in a Docker container "
            + "(its environment with docker inspect, its files with docker cp), not in a Kubernetes pod yet: follow the "
            + "guide by hand with kubectl exec / kubectl cp";

    /**
     * Why this instance cannot be the move's target, or null: an install on its host or in a Docker container (what its
     * DB vendor allows there is checked once it is read: {@link #containerTarget}), not in a pod.
     */
    static String whyNotTarget(Instance target) {
        if (!CairnCmsProfile.ID.equals(target.getProduct())) {
            return target.getName() + " is not a CairnCMS instance";
        }
        return CairnCmsProfile.reachable(target) ? null : target.getName() + " is " + Deployment.of(target).describe()
                + ": a content move's target is a CairnCMS install on its host or in a Docker container (its DB loaded from "
                + "the SSH host, the file bytes unpacked on its volumes), not in a Kubernetes pod yet: follow the guide by "
                + "hand with kubectl exec / kubectl cp";
    }

    /**
     * What a target in a Docker container needs beyond a host target's, as check items (a value): a networked DB (a
     * SQLite file inside is not written by the panel, as the clone refuses it). The same vendor's rows are merged by the
     * DB client on the SSH host; another vendor's are replayed through its items API, as into a host target.
     */
    static List<CheckItem> containerTarget(Instance target, DbVendor sourceVendor, DbVendor targetVendor) {
        String container = target.getContainerName();
        if (targetVendor == DbVendor.SQLITE) {
            return List.of(CheckItem.blocking("Target in Docker", target.getName() + " keeps its SQLite file inside "
                    + "container " + container + ": the panel does not load rows into a SQLite file inside a container yet "
                    + "(as the clone, it writes a container target's DB from the SSH host). Move to a container on a "
                    + "networked DB (PostgreSQL, MySQL/MariaDB) or to an install on its host"));
        }
        String rows = sourceVendor == targetVendor
                ? "the rows merged from the SSH host at the DB_HOST the container names"
                : "the rows replayed through its items API at its app URL (" + sourceVendor.label() + " → "
                        + targetVendor.label() + ")";
        return List.of(CheckItem.ok("Target in Docker", target.getName() + " is " + Deployment.of(target).describe()
                + ": its settings read from the container's environment, its " + targetVendor.label() + " DB backed up "
                + "from the SSH host, " + rows + ", the referenced files' bytes unpacked on its volumes by a one-off "
                + "container of its image (docker run --volumes-from), the container restarted"));
    }

    /** The source's user collections that are tables (folders and aliases have none), for the wizard to offer. */
    List<String> collections(Instance source) {
        try (SshSession ssh = connections.openSsh(source)) {
            DbVendor vendor = connections.dbSettings(source, ssh).vendor();
            return CairnMoveSchema.choices(CairnMoveSchema.read(source, ssh, reader, vendor));
        }
    }

    // ------------------------------------------------------------------------------------------ options

    /**
     * The options as given, checked one by one (nothing is read here).
     *
     * @param credentials the artifact id of the target's API token ({@link #storeApiToken}), for a move across DB
     *                    vendors; null when not given
     */
    record Options(long target, List<String> collections, CairnMoveCommands.Conflict conflict, String credentials) {

        Options(long target, List<String> collections, CairnMoveCommands.Conflict conflict) {
            this(target, collections, conflict, null);
        }
    }

    static Options options(Map<String, String> given) {
        Map<String, String> errors = new LinkedHashMap<>();
        String target = given.getOrDefault("target", "").trim();
        if (!target.matches("\\d{1,18}")) {
            errors.put("target", "Name the target instance by its id");
        }
        String conflictOption = given.getOrDefault("conflict", "refuse").trim().toLowerCase(Locale.ROOT);
        CairnMoveCommands.Conflict conflict = CairnMoveCommands.Conflict.of(conflictOption);
        if (conflict == null) {
            errors.put("conflict", "'conflict' is refuse, skip or overwrite");
        }
        List<String> collections = new ArrayList<>();
        for (String raw : given.getOrDefault("collections", "").split(",")) {
            String name = raw.trim();
            if (name.isEmpty() || collections.contains(name)) {
                continue;
            }
            if (CairnMoveSchema.isSystem(name)) {
                errors.putIfAbsent("collections", name + " is one of CairnCMS's own tables: a content move carries user "
                        + "collections only (users, roles and settings stay each instance's own)");
            } else if (!CairnMoveSchema.NAME.matcher(name).matches()) {
                errors.putIfAbsent("collections", "'" + (name.length() > 40 ? name.substring(0, 40) + "…" : name)
                        + "': the panel moves collections named with letters, digits and _ only");
            }
            collections.add(name);
        }
        if (collections.isEmpty()) {
            errors.putIfAbsent("collections", "Choose at least one collection to move");
        }
        String credentials = given.getOrDefault("apiCredentials", "").trim();
        if (!credentials.isEmpty() && !credentials.matches("[A-Za-z0-9-]{8,64}")) {
            errors.put("apiCredentials", "The API token given for the target is not valid: enter it again");
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        return new Options(Long.parseLong(target), List.copyOf(collections), conflict,
                credentials.isEmpty() ? null : credentials);
    }

    // ------------------------------------------------------------------------------------------ the pair

    /** What the plan is built from, read from both sides (nothing changed). */
    record Facts(HostFacts source, HostFacts target, CairnMoveSchema.Shape sourceShape, CairnMoveSchema.Shape targetShape,
                 List<StorageLocation> sourceLocations, List<StorageLocation> targetLocations, List<String> targetMounts) {

        /** A target on its host: no container mounts. */
        Facts(HostFacts source, HostFacts target, CairnMoveSchema.Shape sourceShape, CairnMoveSchema.Shape targetShape,
                List<StorageLocation> sourceLocations, List<StorageLocation> targetLocations) {
            this(source, target, sourceShape, targetShape, sourceLocations, targetLocations, List.of());
        }
    }

    @Override
    public List<CheckItem> pairChecks(Instance source, Instance target, Map<String, String> given) {
        List<CheckItem> items = new ArrayList<>();
        Options options;
        try {
            options = options(given);
        } catch (InvalidInputException e) {
            e.fieldErrors().values().forEach(m -> items.add(CheckItem.blocking("Options", m)));
            return items;
        }
        String refusal = pairRefusal(source, target);
        if (refusal != null) {
            items.add(CheckItem.blocking("Target", refusal));
            return items;
        }
        Facts facts;
        try {
            facts = read(source, target);
        } catch (RuntimeException e) {
            items.add(CheckItem.blocking("Read", "Cannot read the pair: " + e.getMessage()));
            return items;
        }
        items.addAll(checks(source, target, facts, options));
        return items;
    }

    private String pairRefusal(Instance source, Instance target) {
        if (target.getId() != null && target.getId().equals(source.getId())) {
            return "The target must be another instance than the source";
        }
        if (!appliesTo(source)) {
            String why = whyNotApplicable(source);
            return source.getName() + (why == null ? " is not a CairnCMS instance" : " cannot be the source: " + why);
        }
        return whyNotTarget(target);
    }

    /** The pair's checks on what was read: the plan refuses what one of them blocks. */
    private List<CheckItem> checks(Instance source, Instance target, Facts facts, Options options) {
        List<CheckItem> items = new ArrayList<>();
        DbVendor sv = facts.source().db() == null ? null : facts.source().db().vendor();
        DbVendor tv = facts.target().db() == null ? null : facts.target().db().vendor();
        if (sv == null || tv == null) {
            items.add(CheckItem.blocking("DB vendor", "The DB of " + (sv == null ? source.getName() : target.getName())
                    + " cannot be told from its .env"));
            return items;
        }
        if (CairnCommands.inDocker(source)) {
            items.add(CheckItem.ok("Source in Docker", source.getName() + " is " + Deployment.of(source).describe()
                    + ": its settings read from the container's environment (docker inspect), "
                    + (sv == DbVendor.SQLITE ? "its SQLite file read inside (docker exec)"
                            : "its DB dumped and read on the SSH host at the DB_HOST the container names")
                    + ", the referenced files' bytes copied out with docker cp; nothing in it is changed"));
        }
        if (CairnCommands.inDocker(target)) {
            List<CheckItem> container = containerTarget(target, sv, tv);
            items.addAll(container);
            if (container.stream().anyMatch(i -> i.getStatus() == CheckStatus.BLOCKING)) {
                return items;
            }
        }
        boolean cross = sv != tv;
        if (cross) {
            if (options.credentials() == null) {
                items.add(CheckItem.blocking("DB vendor", source.getName() + " runs on " + sv.label() + ", "
                        + target.getName() + " on " + tv.label() + ": a native dump is vendor-specific (the guide's "
                        + "cross-vendor caveat), so the rows are replayed through the target's items API. Give a static API "
                        + "token of an admin of " + target.getName()));
                return items;
            }
            items.add(CheckItem.ok("DB vendor", sv.label() + " → " + tv.label() + ": the rows are replayed through "
                    + target.getName() + "'s items API (the guide's cross-vendor way), each value as its field's type"));
            CheckItem api = replay.check(target, options.credentials());
            items.add(api);
            if (api.getStatus() == CheckStatus.BLOCKING) {
                return items;
            }
        }
        CairnMoveSchema.Shape ss = facts.sourceShape();
        CairnMoveSchema.Shape ts = facts.targetShape();
        List<String> unknown = options.collections().stream().filter(c -> !ss.tables().containsKey(c)).toList();
        if (!unknown.isEmpty()) {
            items.add(CheckItem.blocking("Collections", String.join(", ", unknown) + ": no such table on " + source.getName()
                    + " (it has " + String.join(", ", ss.userTables()) + ")"));
            return items;
        }
        List<String> cut = CairnMoveSchema.junctionsCut(ss, options.collections());
        if (!cut.isEmpty()) {
            items.add(CheckItem.blocking("Junctions", "Many-to-many junction(s) the chosen collections would cut: "
                    + String.join(", ", cut) + ". A junction row joins a row of each side: it moves with both sides or not "
                    + "at all (carried alone it points at rows the target may not have; left, the moved rows lose their "
                    + "many-to-many values). Choose every side it joins, or none"));
            return items;
        }
        List<String> moved = CairnMoveSchema.moved(ss, options.collections());
        List<String> fileFields = CairnMoveSchema.fileFields(ss, moved);
        List<String> compared = new ArrayList<>(moved);
        if (!fileFields.isEmpty()) {
            compared.add(CairnMoveSchema.FILES);
        }
        List<String> diff = new ArrayList<>();
        for (String table : compared) {
            diff.addAll(cross ? CairnMoveSchema.crossVendorDifferences(ss.tables().get(table), ts.tables().get(table))
                    : CairnMoveSchema.differences(ss.tables().get(table), ts.tables().get(table)));
        }
        if (!diff.isEmpty()) {
            items.add(CheckItem.blocking("Schema", "The chosen collections' schema differs on " + target.getName() + ": "
                    + String.join("; ", diff.subList(0, Math.min(12, diff.size()))) + (diff.size() > 12 ? "; …" : "")
                    + ". Promote the structure first (" + CairnPromotionFlow.ID + "), then move the content"));
            return items;
        }
        items.add(CheckItem.ok("Schema", String.join(", ", compared) + (cross ? ": the same tables and columns on both "
                + "(types are each vendor's own: the proof compares values type-tolerantly)"
                : ": the same tables, columns and types on both")));
        List<String> keyless = moved.stream().filter(t -> ss.tables().get(t).key() == null).toList();
        if (!keyless.isEmpty()) {
            items.add(CheckItem.blocking("Keys", String.join(", ", keyless) + ": no single-column primary key, so "
                    + "rows cannot be matched between the instances"));
            return items;
        }
        if (moved.size() > options.collections().size()) {
            items.add(CheckItem.ok("Junctions", "moved with them: " + String.join(", ", moved.stream()
                    .filter(t -> !options.collections().contains(t)).toList())));
        }
        List<String> outside = CairnMoveSchema.referencesOutside(ss, moved);
        if (!outside.isEmpty()) {
            items.add(CheckItem.warning("References", String.join(", ", outside) + ": not moved; the target must hold "
                    + "the rows they point at, or the load fails and keeps nothing"));
        }
        List<String> system = CairnMoveSchema.systemReferences(ss, moved);
        if (!system.isEmpty()) {
            items.add(CheckItem.ok("System references", String.join(", ", system) + ": kept where the target has that "
                    + "row, else cleared (users and roles are each instance's own)"));
        }
        try (SshSession sssh = connections.openSsh(source); SshSession tssh = connections.openSsh(target)) {
            items.addAll(conflicts(source, sssh, target, tssh, facts, moved, fileFields, options.conflict()));
            if (!fileFields.isEmpty()) {
                items.add(fileLocations(source, sssh, target, facts, fileFields));
            }
        } catch (DatabaseException e) {
            items.add(CheckItem.blocking("Read", "Cannot read the rows' keys: " + e.getMessage()));
        }
        return items;
    }

    /** Keys of the moved rows (and the referenced files) the target already has. */
    private List<CheckItem> conflicts(Instance source, SshSession sssh, Instance target, SshSession tssh, Facts facts,
            List<String> moved, List<String> fileFields, CairnMoveCommands.Conflict conflict) {
        DbVendor v = facts.source().db().vendor();
        DbVendor tv = facts.target().db().vendor();
        List<String> lines = new ArrayList<>();
        List<String> tables = new ArrayList<>(moved);
        if (!fileFields.isEmpty()) {
            tables.add(0, CairnMoveSchema.FILES);
        }
        for (String table : tables) {
            String key = facts.sourceShape().tables().get(table).key();
            String where = table.equals(CairnMoveSchema.FILES)
                    ? " WHERE " + v.quoteName(key) + " IN (" + CairnMoveCommands.fileIdsQuery(v, fileFields) + ")" : "";
            Set<String> sourceKeys = keys(source, sssh, v, table, key, where);
            Set<String> targetKeys = keys(target, tssh, tv, table, key, "");
            sourceKeys.retainAll(targetKeys);
            if (!sourceKeys.isEmpty()) {
                lines.add(sourceKeys.size() + " in " + table + " (first: " + sourceKeys.stream().sorted().findFirst().orElseThrow() + ")");
            }
        }
        if (lines.isEmpty()) {
            return List.of(CheckItem.ok("Conflicts", "no moved row's key is on the target yet"));
        }
        String found = "row(s) whose key the target already has: " + String.join(", ", lines);
        return List.of(switch (conflict) {
            case REFUSE -> CheckItem.blocking("Conflicts", found + ". Choose skip (keep the target's) or overwrite "
                    + "(take the source's), or clear them on the target");
            case SKIP -> CheckItem.warning("Conflicts", found + ": kept as the target has them (skip)");
            case OVERWRITE -> CheckItem.warning("Conflicts", found + ": replaced by the source's values (overwrite)");
        });
    }

    private Set<String> keys(Instance instance, SshSession ssh, DbVendor v, String table, String key, String where) {
        Set<String> keys = new HashSet<>();
        for (Map<String, String> row : reader.query(instance, ssh, "SELECT " + v.quoteName(key) + " AS k FROM "
                + v.quoteName(table) + where)) {
            keys.add(String.valueOf(row.get("k")));
        }
        return keys;
    }

    /**
     * The referenced files' locations: each a local location on both sides (same name), in a target container on one
     * of its volumes or bind mounts (where the one-off container unpacks them, and a recreated container keeps them),
     * or refused.
     */
    private CheckItem fileLocations(Instance source, SshSession sssh, Instance target, Facts facts, List<String> fileFields) {
        DbVendor v = facts.source().db().vendor();
        List<String> problems = new ArrayList<>();
        long files = 0;
        for (Map<String, String> row : reader.query(source, sssh, "SELECT storage AS s, count(*) AS n FROM "
                + v.quoteName(CairnMoveSchema.FILES) + " WHERE " + v.quoteName("id") + " IN ("
                + CairnMoveCommands.fileIdsQuery(v, fileFields) + ") GROUP BY storage")) {
            String storage = row.get("s");
            files += Long.parseLong(row.get("n"));
            Optional<StorageLocation> s = facts.sourceLocations().stream().filter(l -> l.name().equals(storage)).findFirst();
            Optional<StorageLocation> t = facts.targetLocations().stream().filter(l -> l.name().equals(storage)).findFirst();
            if (s.isEmpty() || !s.get().local() || s.get().root() == null) {
                problems.add(storage + " is not a local location of the source (its files are the provider's to copy)");
            } else if (t.isEmpty() || !t.get().local() || t.get().root() == null) {
                problems.add(storage + " is not a local location of the target: declare it in its STORAGE_LOCATIONS (the "
                        + "guide: directus_files.storage must name a location the target has)");
            } else if (CairnCommands.inDocker(target) && Deployment.mountHolding(t.get().root(), facts.targetMounts()) == null) {
                problems.add(storage + "'s root " + t.get().root() + " is not on a volume or bind mount of container "
                        + target.getContainerName() + ": the bytes are unpacked on its mounts, and a file in the "
                        + "container's own layer is lost when it is recreated. Mount a volume there and recreate the container");
            }
        }
        if (!problems.isEmpty()) {
            return CheckItem.blocking("Files", String.join("; ", problems));
        }
        return CheckItem.ok("Files", files + " referenced file(s), each in a local location both have");
    }

    // ------------------------------------------------------------------------------------------ the plan

    @Override
    public Plan plan(Instance source, Map<String, String> given) {
        Options options = options(given);
        Instance target = instances.get(options.target());
        String refusal = pairRefusal(source, target);
        if (refusal != null) {
            throw InvalidInputException.of("target", refusal);
        }
        Facts facts = read(source, target);
        for (CheckItem item : checks(source, target, facts, options)) {
            if (item.getStatus() == CheckStatus.BLOCKING) {
                String field = switch (item.getName()) {
                    case "Collections", "Junctions", "Schema", "Keys" -> "collections";
                    case "Conflicts" -> "conflict";
                    case "API" -> "apiCredentials";
                    default -> "target";
                };
                throw InvalidInputException.of(field, item.getMessage());
            }
        }
        return build(source, target, facts, options.collections(), options.conflict(), options.credentials());
    }

    static Plan build(Instance source, Instance target, Facts facts, List<String> chosen, CairnMoveCommands.Conflict conflict) {
        return build(source, target, facts, chosen, conflict, null);
    }

    /**
     * The plan, as a value: no server is asked anything here. Across DB vendors the rows step is the replay through the
     * target's items API ({@link CairnContentReplay}, with {@code credentials}, the token's artifact id), else the
     * vendor's data-only dump in one transaction.
     */
    static Plan build(Instance source, Instance target, Facts facts, List<String> chosen, CairnMoveCommands.Conflict conflict,
            String credentials) {
        Long sid = source.getId();
        Long tid = target.getId();
        String sname = source.getName();
        String tname = target.getName();
        DbVendor v = facts.source().db().vendor();
        CairnMoveSchema.Shape ss = facts.sourceShape();
        CairnMoveSchema.Shape ts = facts.targetShape();
        List<String> moved = CairnMoveSchema.moved(ss, chosen);
        List<String> fileFields = CairnMoveSchema.fileFields(ss, moved);
        List<String> systemRefs = CairnMoveSchema.systemReferences(ss, moved);
        List<String> selfRefs = CairnMoveSchema.selfReferences(ss, moved);
        String fileIds = fileFields.isEmpty() ? null : CairnMoveCommands.fileIdsQuery(v, fileFields);

        List<CairnMoveCommands.MoveTable> tables = new ArrayList<>();
        for (String table : moved) {
            Map<String, String[]> refs = new LinkedHashMap<>();
            for (String ref : systemRefs) {
                String[] parts = ref.split("[.=]", 3);
                if (parts[0].equals(table) && ts.tables().containsKey(parts[2]) && ts.tables().get(parts[2]).key() != null) {
                    refs.put(parts[1], new String[] {parts[2], ts.tables().get(parts[2]).key()});
                }
            }
            tables.add(new CairnMoveCommands.MoveTable(ss.tables().get(table), refs, selfRefs.stream()
                    .filter(r -> r.startsWith(table + ".")).map(r -> r.substring(table.length() + 1)).toList()));
        }
        CairnMoveCommands.MoveTable files = null;
        if (fileIds != null) {
            CairnMoveSchema.Table filesTable = ss.tables().get(CairnMoveSchema.FILES);
            Map<String, String[]> refs = new LinkedHashMap<>();
            CairnMoveSchema.FILE_SYSTEM_REFERENCES.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
                if (filesTable.columnNames().contains(e.getKey()) && ts.tables().containsKey(e.getValue())) {
                    refs.put(e.getKey(), new String[] {e.getValue(), "id"});
                }
            });
            files = new CairnMoveCommands.MoveTable(filesTable, refs);
        }
        CairnMoveCommands.Load load = new CairnMoveCommands.Load(v, tables, files, fileIds, conflict);

        List<Step> plan = new ArrayList<>();
        plan.add(ProductSteps.workDir(target, facts.target()));
        Map<String, String> proofArgs = new LinkedHashMap<>();
        proofArgs.put("source", String.valueOf(sid));
        proofArgs.put("target", String.valueOf(tid));
        proofArgs.put("tables", String.join(",", moved));
        proofArgs.put("keys", String.join(",", moved.stream().map(t -> t + "=" + ss.tables().get(t).key()).toList()));
        proofArgs.put("fileFields", String.join(",", fileFields));
        proofArgs.put("systemRefs", String.join(",", systemRefs));
        proofArgs.put("conflict", conflict.option());
        if (!selfRefs.isEmpty()) {
            proofArgs.put("selfRefs", String.join(",", selfRefs));
        }
        // run on the source (the job then holds both instances' connections), reading both
        plan.add(new Step(RECORD, sid, sname, false, new StepSpec.Verify(CairnContentMoveProof.RECORD, "the source's "
                + "tables (rows and checksums) and the target's, to prove afterwards that only the moved ones changed",
                proofArgs), LONG, null));
        // a container target's networked DB is dumped from the SSH host (its image need not carry pg_dump)
        plan.addAll(ProductSteps.dbBackup(target, facts.target(), CairnCmsProfile.ID, "before-content-move",
                CairnCommands.dbClientAt(target, facts.target().db())));

        // the guide's file bytes: each referenced file verbatim under its location's root, before the rows name them
        if (fileIds == null) {
            plan.add(ProductSteps.note(target, "Carry the referenced files' bytes", "no moved collection has a file "
                    + "field: no file rows or bytes to carry"));
        } else {
            for (StorageLocation location : facts.sourceLocations()) {
                Optional<StorageLocation> there = facts.targetLocations().stream()
                        .filter(l -> l.name().equals(location.name()) && l.local() && l.root() != null).findFirst();
                if (!location.local() || location.root() == null || there.isEmpty()) {
                    plan.add(ProductSteps.note(target, "Carry the referenced files' bytes of location " + location.name(),
                            !location.local() ? "driver " + location.driver() + ": the provider's own tooling copies it "
                                    + "(the check refuses a move whose files are there)"
                                    : "the target has no local location " + location.name() + " (the check refuses a "
                                    + "move whose files are there)"));
                    continue;
                }
                plan.add(new Step("Carry the referenced files' bytes of location " + location.name()
                        + (CairnCommands.inDocker(source) ? " (copied out of its container with docker cp, stored on the way"
                                : " (stored on the way")
                        + (CairnCommands.inDocker(target) ? ", unpacked on the target container's volumes)" : ")"), tid, tname,
                        true, new StepSpec.Stream(sid, sname,
                        CairnMoveCommands.filesSender(v, facts.source().db(), fileIds, location.name(), location.root(),
                                Deployment.of(source)),
                        CairnMoveCommands.filesReceiver(there.get().root(), conflict, Deployment.of(target)),
                        sname + "-content-files-" + location.name() + ".tar", "FILE_ARCHIVE", false), LONG,
                        "restore the target's DB backup taken above; the carried files stay, unreferenced"));
            }
        }
        DbVendor tv = facts.target().db().vendor();
        if (tv != v) {
            // the API must serve the structure the target has now (promoted by the CLI while it ran: its schema cache
            // does not know the collections yet, and answers 403 for them)
            if (CairnCommands.hasServiceCommands(target)) {
                plan.add(CairnCommands.stopStep(target, REPLAY_STOP, null));
                plan.add(CairnCommands.startStep(target, REPLAY_START));
            } else if (CairnCommands.inDocker(target)) {
                plan.addAll(CairnCommands.restart(target)); // docker restart; the replay waits until the API answers
            } else {
                plan.add(ProductSteps.note(target, REPLAY_STOP, "no start and stop commands are set on the instance: "
                        + "restart it yourself before the move so its API serves its current structure"));
            }
            Map<String, String> replayArgs = new LinkedHashMap<>(proofArgs);
            replayArgs.put("credentials", credentials == null ? "" : credentials);
            plan.add(new Step(REPLAY, tid, tname, true, new StepSpec.Verify(CairnContentReplay.ID, "read "
                    + (fileIds == null ? "" : "the referenced directus_files rows, then ") + "the rows of "
                    + String.join(", ", moved) + " (in this order) from " + sname + "'s " + v.label() + " DB, each value "
                    + "as its field's type, and " + (fileIds == null ? "" : "POST /files one row at a time, then ")
                    + "POST /items/<collection> in batches of " + CairnContentReplay.BATCH + " to " + tname + " ("
                    + tv.label() + "), the target's keys " + switch (conflict) {
                        case REFUSE -> "checked first: none may be there (nothing is written otherwise)";
                        case SKIP -> "left as the target has them (skip)";
                        case OVERWRITE -> "sent by PATCH /items/<collection>/<key> (overwrite)";
                    } + (selfRefs.isEmpty() ? "" : "; " + String.join(", ", selfRefs) + " point(s) at its own table: "
                            + "its rows created parents first, a parent that cannot come first (a cycle) set by PATCH "
                            + "after") + "; the admin's static token in the Authorization header only, masked", replayArgs), LONG,
                    "restore the target's DB backup taken above (the API's writes are not one transaction)"));
            List<String> resets = tv == DbVendor.PGSQL ? CairnMoveCommands.sequenceResets(tables) : List.of();
            if (resets.isEmpty()) {
                plan.add(ProductSteps.note(target, "Advance the key sequences", tv.label() + " advances a table's "
                        + "counter itself when rows are inserted with their keys"));
            } else {
                plan.add(new Step("Advance the key sequences", tid, tname, true, new StepSpec.Sql(String.join("\n", resets),
                        false), LONG, "restore the target's DB backup taken above"));
            }
        } else {
            plan.add(new Step(LOAD, tid, tname, true, new StepSpec.Stream(sid, sname, CairnMoveCommands.sender(load,
                    facts.source().db(), Deployment.of(source)), CairnMoveCommands.receiver(load, facts.target().db()),
                    sname + "-content-" + v.code() + ".sql", "DB_DUMP", true), LONG, "restore the target's DB backup taken above"));
        }
        if (tv == v && v != DbVendor.PGSQL) {
            plan.add(ProductSteps.note(target, "Advance the key sequences", v.label() + " advances a table's counter "
                    + "itself when rows are inserted with their keys (PostgreSQL's are set in the load above)"));
        }
        plan.addAll(CairnCommands.restart(target));
        plan.add(new Step(VERIFY, tid, tname, false, new StepSpec.Verify(CairnContentMoveProof.PROVE, "each moved table "
                + "against the source over its columns (rows and checksum), every referenced file's row and bytes "
                + "(SHA-256), every other table of the target as recorded, the source as recorded", proofArgs), LONG, null));
        Map<String, String> options = new LinkedHashMap<>();
        options.put("target", String.valueOf(tid));
        options.put("collections", String.join(",", chosen));
        options.put("conflict", conflict.option());
        if (tv != v) {
            options.put("apiCredentials", credentials == null ? "" : credentials);
        }
        return new Plan(ID, "Move " + String.join(", ", chosen) + " from " + sname + " to " + tname, sid, sname, plan, options);
    }

    private Facts read(Instance source, Instance target) {
        BothSides.Read<Side, Side> sides = BothSides.read(() -> side(source, false), () -> side(target, true));
        Side s = sides.source();
        Side t = sides.target();
        return new Facts(s.host(), t.host(), s.shape(), t.shape(), s.locations(), t.locations(), t.mounts());
    }

    /** One side's part of {@link Facts}; the container mounts are read of the target only. */
    private record Side(HostFacts host, CairnMoveSchema.Shape shape, List<StorageLocation> locations, List<String> mounts) {
    }

    private Side side(Instance instance, boolean target) {
        try (SshSession ssh = connections.openSsh(instance)) {
            HostFacts host = HostFacts.read(instance, ssh, connections);
            EnvFile env = connections.readEnv(instance, ssh).orElseThrow(() -> InvalidInputException.of("target",
                    "The .env of " + instance.getName() + " cannot be read"));
            CairnMoveSchema.Shape shape = host.db() != null && host.db().vendor() != DbVendor.SQLSRV
                    ? CairnMoveSchema.read(instance, ssh, reader, host.db().vendor()) : null;
            return new Side(host, shape, StorageLocation.of(env, instance.getInstallPath()),
                    target ? CairnCommands.mounts(instance, ssh) : List.of());
        }
    }

    // ------------------------------------------------------------------------------------------ afterwards

    @Override
    public List<FollowUp> followUps(JobView job, Map<String, String> options) {
        if (job.status().isActive() || !options.getOrDefault("target", "").matches("\\d{1,18}")) {
            return List.of();
        }
        return List.of(new FollowUp(CairnMoveRollbackFlow.ID, "Restore the target",
                "Put the target's DB back as this move found it (from the backup it took before changing anything)",
                Map.of("job", String.valueOf(job.id())), Long.parseLong(options.get("target"))));
    }
}
