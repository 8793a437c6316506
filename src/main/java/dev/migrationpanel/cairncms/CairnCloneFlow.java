package dev.migrationpanel.cairncms;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.database.DumpCommands;
import dev.migrationpanel.database.RestoreCommands;
import dev.migrationpanel.instance.CheckItem;
import dev.migrationpanel.instance.CheckStatus;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.EnvFile;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceCheckService;
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
import dev.migrationpanel.remote.CommandResult;
import dev.migrationpanel.remote.SecretRefs;
import dev.migrationpanel.remote.SshSession;
import dev.migrationpanel.web.InvalidInputException;
import dev.migrationpanel.web.NotFoundException;

/**
 * The guide's full instance clone: the source's database, its file bytes and the configuration that must match
 * ({@code KEY}, {@code SECRET}, {@code STORAGE_*}) carried to a fresh target of the same vendor and version, which is
 * then bootstrapped, started and proven. The source is only read (its service optionally stopped for the copy and
 * started again: the guide's "pause writes"); the target's DB and {@code .env} are backed up before anything changes,
 * and a failed clone offers their restore. Either side may be in a Docker container (a pod is refused); a target
 * there must already carry the source's KEY, SECRET and STORAGE_* in its environment, which the panel does not edit.
 *
 * <p>Options: {@code target} (instance id); {@code pause} {@code stop-source} or {@code accept-inconsistency} (no
 * default: the guide leaves the choice to the admin); {@code sessions} {@code keep} (default: the guide keeps
 * {@code SECRET} so sessions and refresh tokens stay valid) or {@code purge} ({@code directus_sessions} emptied on the
 * target); {@code adminCredentials} (optional: the id of a CREDENTIALS artifact made by {@link #storeCredentials},
 * for the proof's sign-in on the target).
 */
@Component
class CairnCloneFlow implements CairnPairFlow {

    static final String ID = "cairncms.clone";
    static final String STOP_SOURCE = "stop-source";
    static final String ACCEPT_INCONSISTENCY = "accept-inconsistency";
    static final String KEEP = "keep";
    static final String PURGE = "purge";
    static final String PROOF_TITLE = "Prove the clone: tables, migrations, file bytes, KEY and SECRET, the API, source unchanged";
    static final String RECORD_TITLE = "Record the source's state for the proof (every table's rows and checksum)";
    static final String DB_STREAM_TITLE = "Dump the source's DB straight into the target's (stored on the way)";
    /** How the target's DB backup is labelled; the rollback finds it by its artifact kind. */
    static final String BACKUP_LABEL = "before-clone";
    /** The plan's option naming, per local location, the target root its bytes were copied into (for the rollback). */
    static final String STORAGE_ROOT_OPTION = "storageRoot.";

    private static final Duration SHORT = ProductSteps.SHORT;
    private static final Duration LONG = ProductSteps.LONG;
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern LOCATION_NAME = Pattern.compile("[A-Za-z0-9_]+");

    private final InstanceService instances;
    private final InstanceConnections connections;
    private final SystemDbReader reader;
    private final CairnPreflight preflight;
    private final CairnCmsProfile profile;
    private final CairnCloneProof proof;

    CairnCloneFlow(InstanceService instances, InstanceConnections connections, SystemDbReader reader,
            CairnPreflight preflight, CairnCmsProfile profile, CairnCloneProof proof) {
        this.instances = instances;
        this.connections = connections;
        this.reader = reader;
        this.preflight = preflight;
        this.profile = profile;
        this.proof = proof;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Full clone (database, files and secrets to a fresh instance)";
    }

    @Override
    public String description() {
        return "Copies everything — schema, content, users, roles, files, KEY and SECRET — to a fresh instance of the same "
                + "vendor and version, bootstraps and starts it, and proves it holds what the source held. The source is "
                + "only read; the target is backed up first.";
    }

    @Override
    public Purpose purpose() {
        return Purpose.MIGRATE;
    }

    @Override
    public String changes() {
        return "the target only: its DB replaced by the source's, the file bytes copied, KEY, SECRET and STORAGE_* set in "
                + "its .env (a target in a Docker container: its environment must already hold them, it is not edited), "
                + "after a backup of its DB and .env; the source is only read (its service stopped for the copy if you "
                + "choose)";
    }

    @Override
    public String product() {
        return CairnCmsProfile.ID;
    }

    @Override
    public boolean appliesTo(Instance instance) {
        return CairnPairFlow.super.appliesTo(instance) && CairnCmsProfile.reachable(instance);
    }

    @Override
    public String whyNotApplicable(Instance instance) {
        return CairnCmsProfile.whyNotReachable(instance);
    }

    /** Keeps the source admin's sign-in encrypted in the artifact store; returns the artifact id for {@code adminCredentials}. */
    String storeCredentials(Instance source, String email, String password) {
        return proof.storeCredentials(source, email, password);
    }

    /** The options as the plan uses them, defaults filled in; every refusal named with its reason. */
    static Map<String, String> options(Instance source, Map<String, String> given) {
        Map<String, String> errors = new LinkedHashMap<>();
        Map<String, String> o = new LinkedHashMap<>();
        String target = given.getOrDefault("target", "").trim();
        if (!target.matches("\\d{1,18}")) {
            errors.put("target", "Choose the target: a registered CairnCMS instance (a fresh bootstrap)");
        } else if (source.getId() != null && Long.parseLong(target) == source.getId()) {
            errors.put("target", "The target must be another instance than the source: a clone never writes to its source");
        }
        o.put("target", target);
        String pause = given.getOrDefault("pause", "").trim();
        if (!pause.equals(STOP_SOURCE) && !pause.equals(ACCEPT_INCONSISTENCY)) {
            errors.put("pause", "Choose how writes are paused for the copy: 'stop-source' (the source's service is stopped "
                    + "during the dump and the file copy, then started again) or 'accept-inconsistency' (it keeps serving: "
                    + "files added meanwhile show up as missing bytes, as the guide says)");
        }
        o.put("pause", pause);
        String sessions = given.getOrDefault("sessions", KEEP).trim();
        if (sessions.isEmpty()) {
            sessions = KEEP;
        }
        if (!sessions.equals(KEEP) && !sessions.equals(PURGE)) {
            errors.put("sessions", "'sessions' is keep (the guide's default: the source's sessions stay valid on the target) "
                    + "or purge (directus_sessions emptied on the target)");
        }
        o.put("sessions", sessions);
        String credentials = given.getOrDefault("adminCredentials", "").trim();
        if (!credentials.isEmpty() && !credentials.matches("[A-Za-z0-9-]{8,64}")) {
            errors.put("adminCredentials", "The admin sign-in given for this clone is not valid: enter it again");
        }
        if (!credentials.isEmpty()) {
            o.put("adminCredentials", credentials);
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        return o;
    }

    @Override
    public List<CheckItem> pairChecks(Instance source, Instance target, Map<String, String> given) {
        Map<String, String> o = new LinkedHashMap<>(given);
        o.put("target", String.valueOf(target.getId()));
        o.putIfAbsent("pause", ACCEPT_INCONSISTENCY); // the pair is checked before the pause is chosen
        Map<String, String> checked = options(source, o);
        List<CheckItem> identity = identity(source, target);
        if (identity.stream().anyMatch(i -> i.getStatus() == CheckStatus.BLOCKING)) {
            return identity;
        }
        BothSides.Read<CairnCloneSide, CairnCloneSide> sides;
        try {
            sides = BothSides.read(() -> readCheck(source, true), () -> readCheck(target, false));
        } catch (UnreadableSide e) {
            return List.of(CheckItem.blocking(e.side, e.getMessage()));
        }
        try {
            return checks(source, sides.source(), target, sides.target(), checked);
        } catch (RuntimeException e) {
            return List.of(CheckItem.blocking("Target", "Cannot read " + target.getName() + ": " + e.getMessage()));
        }
    }

    /** A side the pair's checks could not read, named as the check item that says so. */
    private static final class UnreadableSide extends RuntimeException {
        final String side;

        UnreadableSide(String side, String message) {
            super(message);
            this.side = side;
        }
    }

    private CairnCloneSide readCheck(Instance instance, boolean source) {
        try {
            return read(instance, source);
        } catch (RuntimeException e) {
            throw new UnreadableSide(source ? "Source" : "Target", "Cannot read " + instance.getName() + ": " + e.getMessage());
        }
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
        refuse(identity(source, target));
        BothSides.Read<CairnCloneSide, CairnCloneSide> sides = BothSides.read(() -> read(source, true),
                () -> read(target, false));
        refuse(checks(source, sides.source(), target, sides.target(), o));
        return build(source, sides.source(), target, sides.target(), o);
    }

    private static void refuse(List<CheckItem> items) {
        List<String> blocking = items.stream().filter(i -> i.getStatus() == CheckStatus.BLOCKING)
                .map(i -> i.getName() + ": " + i.getMessage()).toList();
        if (!blocking.isEmpty()) {
            throw InvalidInputException.of("target", String.join("; ", blocking));
        }
    }

    /** Refusals that need nothing read: the same instance, another product, not a plain host. */
    static List<CheckItem> identity(Instance source, Instance target) {
        if (target.getId().equals(source.getId())) {
            return List.of(CheckItem.blocking("Target", "The target must be another instance than the source: a clone "
                    + "never writes to its source"));
        }
        if (!CairnCmsProfile.ID.equals(target.getProduct())) {
            return List.of(CheckItem.blocking("Target", target.getName() + " is not a CairnCMS instance"));
        }
        if (!CairnCmsProfile.reachable(source)) {
            return List.of(CheckItem.blocking("Source", source.getName() + " " + CairnCmsProfile.whyNotReachable(source)));
        }
        if (!CairnCmsProfile.reachable(target)) {
            return List.of(CheckItem.blocking("Target", target.getName() + " " + CairnCmsProfile.whyNotReachable(target)));
        }
        List<CheckItem> items = new ArrayList<>();
        items.add(CheckItem.ok("Target", target.getName() + " is another CairnCMS install"));
        if (CairnCommands.inDocker(source)) {
            items.add(CheckItem.ok("Source in Docker", source.getName() + " is " + Deployment.of(source).describe()
                    + ": its settings read from the container's environment (docker inspect), its CLI run inside "
                    + "(docker exec), its local storage copied out with docker cp, a networked DB dumped on the SSH "
                    + "host at the DB_HOST the container names (the host the panel reads it through), a SQLite "
                    + "file dumped inside"));
        }
        if (CairnCommands.inDocker(target)) {
            items.add(CheckItem.ok("Target in Docker", target.getName() + " is " + Deployment.of(target).describe()
                    + ": its settings are the container's environment, which the panel does not edit (KEY, SECRET and "
                    + "STORAGE_* must already be the source's); its networked DB restored from the SSH host, the file bytes "
                    + "unpacked on its volumes by a one-off container of its image (docker run --volumes-from, as the "
                    + "image's user), cairncms bootstrap run inside once it is started"));
        }
        return items;
    }

    /**
     * What the guide asks of the pair, as check items (a value: no server asked). BLOCKING: another vendor, another
     * version, a target that is not fresh, what the plan cannot do without (service commands, KEY and SECRET, a
     * usable storage location). WARNING: cloud storage (the guide's own tooling) and bytes missing on the source.
     */
    static List<CheckItem> checks(Instance source, CairnCloneSide s, Instance target, CairnCloneSide t,
            Map<String, String> o) {
        List<CheckItem> items = new ArrayList<>(identity(source, target));
        DbVendor sv = s.host().db() == null ? null : s.host().db().vendor();
        DbVendor tv = t.host().db() == null ? null : t.host().db().vendor();
        if (sv == null || tv == null) {
            items.add(CheckItem.blocking("DB vendor", "The DB of " + (sv == null ? source.getName() : target.getName())
                    + " cannot be told from its .env (DB_CLIENT)"));
        } else if (sv != tv) {
            items.add(CheckItem.blocking("DB vendor", "The source runs on " + sv.label() + ", the target on " + tv.label()
                    + ": a native dump is vendor-specific and column types are not portable (the guide's cross-vendor "
                    + "caveat). The way forward: a target on " + sv.label() + ", or the guide's cross-vendor path "
                    + "(the schema snapshot applied natively on the target, config applied, content replayed over the "
                    + "HTTP API, file bytes moved): the structure promotion, then the content move"));
        } else {
            items.add(CheckItem.ok("DB vendor", "both on " + sv.label()));
        }
        items.add(version(s, t));
        items.add(t.beyondFresh().isEmpty()
                ? CheckItem.ok("Fresh target", target.getName() + " holds nothing beyond a bootstrap")
                : CheckItem.blocking("Fresh target", target.getName() + " is not fresh: " + String.join(", ", t.beyondFresh())
                        + ". A clone replaces its whole DB (the guide restores into a fresh database): bootstrap a new "
                        + "instance as the target, or empty this one first"));
        if (!s.hasKeyAndSecret()) {
            items.add(CheckItem.blocking("KEY and SECRET", "The source's .env lacks KEY or SECRET, which the clone carries"));
        }
        if (CairnCommands.inDocker(target)) {
            items.addAll(containerTarget(source, s, target, t));
        }
        if (!CairnCommands.hasServiceCommands(target)) {
            items.add(CheckItem.blocking("Target service", "No start and stop commands are set on " + target.getName()
                    + ": the clone stops it while its DB is replaced and starts it on the clone (an ADMIN sets them)"));
        }
        if (STOP_SOURCE.equals(o.get("pause")) && CairnCommands.inDocker(source) && sv == DbVendor.SQLITE) {
            items.add(CheckItem.blocking("Pause", source.getName() + " keeps its SQLite file inside its container, where "
                    + "the dump runs (docker exec), which a stopped container refuses: accept the inconsistency, or pause "
                    + "writes another way"));
        }
        if (STOP_SOURCE.equals(o.get("pause")) && !CairnCommands.hasServiceCommands(source)) {
            items.add(CheckItem.blocking("Pause", "No start and stop commands are set on " + source.getName()
                    + ": its service cannot be stopped for the copy (an ADMIN sets them), or accept the inconsistency"));
        }
        if (target.getAppUrl() == null || target.getAppUrl().isBlank()) {
            items.add(CheckItem.blocking("Target URL", "No app URL is set on " + target.getName() + ": the proof asks its "
                    + "API (/server/ping, /server/health, sign-in, an item, an asset)"));
        }
        if (o.containsKey("adminCredentials")) {
            items.add(CheckItem.ok("Sign-in", "the proof signs in on the target as the source's admin"));
        } else {
            items.add(CheckItem.warning("Sign-in", "no admin sign-in given: the proof does not sign in on the target nor "
                    + "fetch an item and an asset (the guide's validation)"));
        }
        items.addAll(storage(source, s, target, t));
        items.addAll(s.fileChecks());
        return items;
    }

    /**
     * What a target in a Docker container needs beyond a host target's: a networked DB (a SQLite file inside would be
     * replaced while the container is stopped, which docker exec refuses), its environment already carrying the
     * source's KEY, SECRET and STORAGE_* (the panel does not own the compose file or the docker run line it comes from),
     * and each local storage root on a volume or bind mount (what the one-off container unpacks reaches the target there,
     * and a recreated container keeps it).
     */
    static List<CheckItem> containerTarget(Instance source, CairnCloneSide s, Instance target, CairnCloneSide t) {
        List<CheckItem> items = new ArrayList<>();
        String container = target.getContainerName();
        if (t.host().db() != null && t.host().db().vendor() == DbVendor.SQLITE) {
            items.add(CheckItem.blocking("Target in Docker", target.getName() + " keeps its SQLite file inside container "
                    + container + ", which the clone would replace while the container is stopped (docker exec refuses a "
                    + "stopped container): not done by the panel yet. Clone to a container on a networked DB (PostgreSQL, "
                    + "MySQL/MariaDB) or to an install on its host"));
        }
        items.add(containerSettings(source, s, target, t));
        for (StorageLocation location : s.locations()) {
            if (!location.local() || location.root() == null || !LOCATION_NAME.matcher(location.name()).matches()) {
                continue;
            }
            String root = place(location, source, s, target, t).targetRoot();
            String mount = Deployment.mountHolding(root, t.mounts());
            items.add(mount == null
                    ? CheckItem.blocking("Storage " + location.name() + " in the container", root + " is not on a volume or "
                            + "bind mount of container " + container + ": the bytes are unpacked on its mounts (it is "
                            + "stopped meanwhile), and a file in the container's own layer is lost when it is recreated. "
                            + "Mount a volume there (e.g. -v uploads:" + root + ") and recreate the container")
                    : CheckItem.ok("Storage " + location.name() + " in the container", root + " is on its mount " + mount));
        }
        return items;
    }

    /**
     * Whether the target container's environment already holds what the guide's step 3 sets (KEY, SECRET,
     * STORAGE_LOCATIONS and each location's STORAGE_* but a local root the target declares itself), compared by short
     * hashes: a secret is never shown, only its hash; a plain storage setting is shown as it is.
     */
    static CheckItem containerSettings(Instance source, CairnCloneSide s, Instance target, CairnCloneSide t) {
        // a local root the target does not declare itself: the value the clone writes into a host target's .env
        Map<String, String> placedRoots = new TreeMap<>();
        for (StorageLocation location : s.locations()) {
            if (location.local() && location.root() != null) {
                String value = place(location, source, s, target, t).rootValue();
                if (value != null) {
                    placedRoots.put("STORAGE_" + upper(location.name()) + "_ROOT", value);
                }
            }
        }
        Map<String, String> wanted = new LinkedHashMap<>();
        Map<String, String> shownAs = new LinkedHashMap<>();
        for (EnvLine line : envLines(source, s, target, t)) {
            String key = line.key();
            String value = placedRoots.containsKey(key) ? placedRoots.get(key) : s.storage().get(key);
            wanted.put(key, placedRoots.containsKey(key) ? InstanceCheckService.shortHash(value) : s.settingHashes().get(key));
            shownAs.put(key, line.secret() || value == null ? hashOrUnset(wanted.get(key)) : "\"" + value + "\"");
        }
        List<String> differ = new ArrayList<>();
        wanted.forEach((key, hash) -> {
            String has = t.settingHashes().get(key);
            if (!Objects.equals(hash, has)) {
                String theirs = t.storage().get(key);
                differ.add(key + " (the source's " + shownAs.get(key) + ", the target's "
                        + (theirs == null || key.equals("KEY") || key.equals("SECRET") ? hashOrUnset(has) : "\"" + theirs
                                + "\"") + ")");
            }
        });
        if (differ.isEmpty()) {
            return CheckItem.ok("Container environment", "KEY, SECRET and the STORAGE_* settings of " + target.getName()
                    + "'s environment equal the source's (" + String.join(", ", wanted.keySet()) + "; compared by hash, never "
                    + "shown); PUBLIC_URL and DB_* are its own");
        }
        return CheckItem.blocking("Container environment", "The environment of container " + target.getContainerName()
                + " differs from the source's where a clone needs them equal: " + String.join("; ", differ) + ". The panel "
                + "does not edit a container's environment (its compose file or docker run line is yours): set these "
                + "variables to the source's values there (KEY and SECRET as the source's environment or .env holds them), "
                + "recreate the container (docker compose up -d, or docker rm and docker run again) and check again. "
                + "PUBLIC_URL and DB_* stay the target's own");
    }

    private static String hashOrUnset(String hash) {
        return hash == null ? "unset" : "sha256:" + hash;
    }

    /** KEY, SECRET and every STORAGE_* setting with a value, each as a short hash of it (never the value). */
    static Map<String, String> settingHashes(EnvFile env) {
        Map<String, String> hashes = new TreeMap<>();
        for (String key : env.keys()) {
            if (key.equals("KEY") || key.equals("SECRET") || key.startsWith("STORAGE_")) {
                env.get(key).filter(v -> !v.isEmpty())
                        .ifPresent(v -> hashes.put(key, InstanceCheckService.shortHash(v)));
            }
        }
        return hashes;
    }

    private static CheckItem version(CairnCloneSide s, CairnCloneSide t) {
        String way = ". A cross-version clone is an upgrade and a move stacked: align the versions first (upgrade the "
                + "source to the target's release and clone again, or clone to a target on the source's release and "
                + "upgrade it in place), as the guide advises";
        if (s.version() == null || t.version() == null) {
            return CheckItem.blocking("Version", "The CairnCMS version of the " + (s.version() == null ? "source" : "target")
                    + " cannot be told (cairncms --version: " + (s.version() == null ? s.versionError() : t.versionError())
                    + ")");
        }
        if (!s.version().equals(t.version())) {
            return CheckItem.blocking("Version", "The source runs CairnCMS " + s.version() + ", the target " + t.version() + way);
        }
        Set<String> onlySource = new TreeSet<>(s.migrations());
        onlySource.removeAll(t.migrations());
        Set<String> onlyTarget = new TreeSet<>(t.migrations());
        onlyTarget.removeAll(s.migrations());
        if (!onlySource.isEmpty() || !onlyTarget.isEmpty()) {
            return CheckItem.blocking("Version", "Both run " + s.version() + " but their directus_migrations differ ("
                    + (onlySource.isEmpty() ? "" : "only on the source: " + first(onlySource))
                    + (!onlySource.isEmpty() && !onlyTarget.isEmpty() ? "; " : "")
                    + (onlyTarget.isEmpty() ? "" : "only on the target: " + first(onlyTarget)) + ")" + way);
        }
        return CheckItem.ok("Version", "both CairnCMS " + s.version() + ", " + s.migrations().size()
                + " directus_migrations each, the same");
    }

    private static String first(Set<String> values) {
        List<String> list = new ArrayList<>(values);
        return String.join(", ", list.subList(0, Math.min(5, list.size()))) + (list.size() > 5 ? ", …" : "");
    }

    /** Each of the source's storage locations: where its bytes go, or the guide's advice for a cloud driver. */
    private static List<CheckItem> storage(Instance source, CairnCloneSide s, Instance target, CairnCloneSide t) {
        List<CheckItem> items = new ArrayList<>();
        if (s.locations().isEmpty()) {
            items.add(CheckItem.warning("Storage", "The source's STORAGE_LOCATIONS names no location: no file bytes to copy"));
        }
        for (StorageLocation location : s.locations()) {
            String title = "Storage " + location.name();
            if (!LOCATION_NAME.matcher(location.name()).matches()) {
                items.add(CheckItem.blocking(title, "a location name the panel cannot carry into an .env key safely"));
            } else if (!location.local()) {
                items.add(CheckItem.warning(title, cloudAdvice(location)));
            } else if (location.root() == null) {
                items.add(CheckItem.blocking(title, "local driver without STORAGE_" + upper(location.name()) + "_ROOT on the source"));
            } else {
                Placement placement = place(location, source, s, target, t);
                if (placement.targetRoot().equals(location.root()) && sameHost(source, target)
                        && !CairnCommands.inDocker(source) && !CairnCommands.inDocker(target)) {
                    items.add(CheckItem.blocking(title, "its bytes would land in the source's own directory " + location.root()
                            + " (same host): declare STORAGE_" + upper(location.name()) + "_ROOT on the target first"));
                } else {
                    items.add(CheckItem.ok(title, "local: " + location.root() + " → " + placement.targetRoot() + " on "
                            + target.getName() + ", file names kept"));
                }
            }
        }
        for (Map.Entry<String, String> e : s.storage().entrySet()) {
            if (!ENV_NAME.matcher(e.getKey()).matches()) {
                items.add(CheckItem.blocking("Storage", "the .env key " + e.getKey() + " cannot be carried safely"));
            }
        }
        return items;
    }

    /** The guide's way for each kind of cloud storage: the panel does not copy them, and says so. */
    static String cloudAdvice(StorageLocation location) {
        String driver = location.driver().isEmpty() ? "(none)" : location.driver();
        String how = switch (location.driver().toLowerCase(Locale.ROOT)) {
            case "s3", "gcs", "azure" -> "copy the bucket to the target's with the cloud provider's tooling "
                    + "(a bucket-to-bucket copy), as the guide says";
            case "cloudinary" -> "export the assets from Cloudinary into the target's account, as the guide says";
            default -> "copy its bytes with that backend's own tooling";
        };
        return "driver " + driver + ": not copied by the panel — " + how + ". Its STORAGE_" + upper(location.name())
                + "_* settings are carried to the target's .env so the same files are named the same way";
    }

    private static boolean sameHost(Instance a, Instance b) {
        return a.getSshHost() != null && a.getSshHost().equalsIgnoreCase(b.getSshHost());
    }

    private static String upper(String name) {
        return name.toUpperCase(Locale.ROOT);
    }

    /**
     * Where a local location's bytes go on the target, and the {@code _ROOT} the target's .env gets. A local root is
     * a path of the host, like {@code DB_HOST}: a location the target declares keeps the target's own root; for one
     * only the source declares, a root relative to the install stays relative, one inside the source's install goes
     * to the same place inside the target's, any other path is taken as it is.
     *
     * @param rootValue the value written to the target's .env, or null when the target's own is kept
     */
    record Placement(String targetRoot, String rootValue) {
    }

    static Placement place(StorageLocation location, Instance source, CairnCloneSide s, Instance target, CairnCloneSide t) {
        for (StorageLocation own : t.locations()) {
            if (own.name().equals(location.name()) && own.local() && own.root() != null) {
                return new Placement(own.root(), null);
            }
        }
        String raw = s.rawRoots().getOrDefault(location.name(), location.root());
        if (!raw.startsWith("/")) {
            String relative = raw.startsWith("./") ? raw.substring(2) : raw;
            return new Placement(target.getInstallPath() + "/" + relative, raw);
        }
        String sourceInstall = source.getInstallPath().replaceAll("/+$", "");
        if (raw.startsWith(sourceInstall + "/")) {
            String inside = target.getInstallPath().replaceAll("/+$", "") + raw.substring(sourceInstall.length());
            return new Placement(inside, inside);
        }
        return new Placement(raw, raw);
    }

    /** The plan, as a value: no server is asked anything here. */
    static Plan build(Instance source, CairnCloneSide s, Instance target, CairnCloneSide t, Map<String, String> o) {
        Long sid = source.getId();
        Long tid = target.getId();
        String sname = source.getName();
        String tname = target.getName();
        DbSettings sdb = s.host().db();
        DbSettings tdb = t.host().db();
        boolean stopSource = STOP_SOURCE.equals(o.get("pause"));
        String tcd = "cd " + quote(target.getInstallPath()) + " && ";
        // in a Docker container the target's settings are its environment (checked equal where they must be, not edited),
        // its networked DB is reached from the SSH host, its storage on its mounts through a one-off container of its image
        boolean targetInDocker = CairnCommands.inDocker(target);
        List<Step> plan = new ArrayList<>();

        // the target, backed up before anything changes: its DB (downloadable) and its .env
        plan.addAll(ProductSteps.dbBackup(target, t.host(), CairnCmsProfile.ID, BACKUP_LABEL,
                CairnCommands.dbClientAt(target, tdb)));
        if (targetInDocker) {
            plan.add(ProductSteps.note(target, "The target's settings", "its container's environment, which the clone does "
                    + "not change: KEY, SECRET and STORAGE_* were checked equal to the source's before planning"));
        } else {
            plan.addAll(ProductSteps.captureFile(target, t.host(), ".env", "ENV_FILE"));
        }
        Map<String, String> roots = new TreeMap<>();
        for (StorageLocation location : s.locations()) {
            if (location.local()) {
                roots.put(location.name(), place(location, source, s, target, t).targetRoot());
            }
        }
        // what the copies below overwrite or add to, so that a rollback puts the storage back as it was
        roots.forEach((name, root) -> plan.addAll(storageBackup(target, t.host(), name, root)));
        plan.add(CairnCommands.stopStep(target, "Stop the target's service (its DB is replaced)",
                "start it: " + CairnCommands.start(target)));

        // the guide's step 1: a coordinated snapshot
        plan.add(stopSource
                ? CairnCommands.stopStep(source, "Pause writes: stop the source's service for the copy",
                        "start it: " + CairnCommands.start(source))
                : ProductSteps.note(source, "Pause writes on the source", "not paused (option: accept the inconsistency): "
                        + "the source keeps serving; what changes during the copy may be missing on the target or show up "
                        + "as missing file bytes, as the guide says"));
        int recordStep = plan.size();
        plan.add(new Step(RECORD_TITLE, sid, sname, false, new StepSpec.Verify(CairnCloneProof.RECORD_SOURCE,
                "row count and content checksum of every table of " + sname + " over its columns, and its "
                        + "directus_migrations, stored as an artifact", Map.of()), LONG, null));
        plan.add(dbStream(source, sdb, target, tdb));
        for (StorageLocation location : s.locations()) {
            if (!location.local()) {
                plan.add(ProductSteps.note(source, "Copy the file bytes of location " + location.name(), cloudAdvice(location)));
                continue;
            }
            Placement placement = place(location, source, s, target, t);
            plan.add(new Step("Copy the file bytes of location " + location.name() + " (" + location.root() + " → "
                    + placement.targetRoot() + ", stored on the way)", tid, tname, true, new StepSpec.Stream(sid, sname,
                    CairnCommands.tarOf(source, location.root()),
                    // tar stops at the archive's end marker: the padding after it is read too, so the stream ends whole;
                    // the root directory's own mode and owner stay the target's
                    unpackInto(target, placement.targetRoot()),
                    sname + "-files-" + location.name() + ".tar", "FILE_ARCHIVE", true), LONG,
                    "the clone's rollback puts " + placement.targetRoot() + " back from its archive captured above"));
        }
        if (stopSource) {
            plan.add(CairnCommands.startStep(source, "Start the source's service again"));
        }

        // the guide's step 3: the target's .env matches the source where it must
        plan.add(targetInDocker ? ProductSteps.note(target, "KEY, SECRET, STORAGE_LOCATIONS and the STORAGE_* settings of "
                + "the target", "already the source's in its container's environment (checked before planning): nothing "
                + "to set") : new Step("Set KEY, SECRET, STORAGE_LOCATIONS and the STORAGE_* settings in the target's .env to the "
                + "source's (those lines only; the .env kept beside it)", tid, tname, true,
                new StepSpec.RemoteCommand(tcd + setEnv(envLines(source, s, target, t))), SHORT,
                "the target's .env captured above, or .env.before-clone-* beside it"));
        plan.add(ProductSteps.note(target, "PUBLIC_URL and DB_* of the target", "kept as the target's own: PUBLIC_URL is "
                + "its new home (asset links and e-mails), DB_* point at the DB the dump was restored into"));
        plan.add(PURGE.equals(o.get("sessions"))
                ? new Step("End the source's sessions on the target (directus_sessions emptied)", tid, tname, true,
                        new StepSpec.Sql("DELETE FROM directus_sessions", false), SHORT, null)
                : ProductSteps.note(target, "Sessions", "kept (option, the guide's default): with the source's SECRET, its "
                        + "sessions and refresh tokens stay valid on the target"));
        plan.add(ProductSteps.note(target, "Apply config-as-code", "not needed: roles and permissions came with the dump"));
        // bootstrap takes no -y (it asks nothing): on a restored DB it installs nothing and runs pending migrations
        String bootstrap = "out=$(" + CairnCommands.cli(target) + " bootstrap 2>&1); rc=$?; printf '%s\\n' \"$out\"; "
                + "[ $rc -eq 0 ] && printf '%s\\n' \"$out\" | grep -q " + quote("Database already initialized");
        if (targetInDocker) {
            // the CLI runs inside the container (docker exec), which needs it started
            plan.add(CairnCommands.startStep(target, "Start the target's service"));
            plan.add(new Step("Verify the migrations are at the expected version (cairncms bootstrap, in container "
                    + target.getContainerName() + ")", tid, tname, true, new StepSpec.RemoteCommand(
                            CairnCommands.inInstall(target, bootstrap)), LONG, "restore the target's DB backup taken above"));
        } else {
            plan.add(new Step("Verify the migrations are at the expected version (cairncms bootstrap)", tid, tname, true,
                    new StepSpec.RemoteCommand(tcd + bootstrap), LONG, "restore the target's DB backup taken above"));
            plan.add(CairnCommands.startStep(target, "Start the target's service"));
        }

        // the guide's validation (sequencing step 7), with the source's record
        Map<String, String> args = new TreeMap<>();
        args.put("source", String.valueOf(sid));
        args.put("recordStep", String.valueOf(recordStep));
        args.put("sessions", o.get("sessions"));
        if (o.containsKey("adminCredentials")) {
            args.put("credentials", o.get("adminCredentials"));
        }
        plan.add(new Step(PROOF_TITLE, tid, tname, false, new StepSpec.Verify(CairnCloneProof.PROVE,
                "every table of " + tname + " against the source's record (rows and checksums over the source's columns), "
                        + "directus_migrations equal, every file's bytes on the target with the source's SHA-256, KEY and "
                        + "SECRET equal, /server/ping and /server/health, "
                        + (o.containsKey("adminCredentials") ? "the source's admin signs in and fetches an item and an asset, "
                                : "")
                        + "the source's tables unchanged since the record", args), LONG, null));
        plan.add(ProductSteps.note(target, "Run a flow and check the activity log", "not done by the panel: running a "
                + "flow would change the target; the proof signs in and fetches what the guide names"));
        plan.add(ProductSteps.note(target, "Switch traffic", "yours to do (DNS or load balancer) once you trust the proof; "
                + "keep " + sname + " running as the fallback, as the guide says"));

        Map<String, String> options = new LinkedHashMap<>(o);
        roots.forEach((name, root) -> options.put(STORAGE_ROOT_OPTION + name, root));
        options.put("targetName", tname);
        options.put("version", s.version() == null ? "" : s.version());
        return new Plan(ID, "Clone " + sname + " to " + tname, sid, sname, plan, options);
    }

    /** The artifact holding a target storage root as the clone found it (the rollback finds it by this name). */
    static String storageBackupName(String targetName, String location) {
        return targetName + "-storage-" + location + "-" + BACKUP_LABEL + ".tar";
    }

    /**
     * A target storage root as the clone finds it, into the artifact store (a root that does not exist yet: an empty
     * archive), before the source's bytes are copied into it.
     */
    static List<Step> storageBackup(Instance target, HostFacts facts, String location, String root) {
        String staged = facts.workDir() + "/" + target.getId() + "-storage-" + location + "-" + BACKUP_LABEL + ".tar";
        // the work directory is made by the DB backup before it; in a container the root is read on its mounts by a
        // one-off container of its image, writing the archive to standard output
        String archive = CairnCommands.inDocker(target)
                ? Deployment.of(target).withVolumesOf("if [ -d " + quote(root) + " ]; then tar -C " + quote(root)
                        + " -cf - .; else tar -cf - -T /dev/null; fi", false) + " > " + quote(staged)
                : "if [ -d " + quote(root) + " ]; then tar -C " + quote(root) + " -cf " + quote(staged) + " .; else tar -cf "
                        + quote(staged) + " -T /dev/null; fi";
        return List.of(
                new Step("Archive the target's storage root of location " + location + " (" + root + ")", target.getId(),
                        target.getName(), false, new StepSpec.RemoteCommand("umask 077 && " + archive), LONG, "rm -f " + staged),
                new Step("Capture the target's storage root of location " + location, target.getId(), target.getName(),
                        false, new StepSpec.Download(staged, storageBackupName(target.getName(), location), "FILE_ARCHIVE",
                                true), LONG, null),
                new Step("Remove the staged archive of location " + location, target.getId(), target.getName(), false,
                        new StepSpec.RemoteCommand("rm -f " + quote(staged)), SHORT, null));
    }

    /**
     * A command on the target's SSH host unpacking a tar from standard input into a storage root, the root's own mode and
     * owner kept, then reading the padding after the archive's end marker so the stream ends whole. In a Docker container
     * (stopped meanwhile) it runs in a one-off container of its image with its volumes, as the image's user: the files
     * are owned as the container's own process would own them.
     */
    static String unpackInto(Instance target, String root) {
        String unpack = "mkdir -p " + quote(root) + " && tar -C " + quote(root) + " --no-overwrite-dir -xf - && cat > /dev/null";
        // the one-off container's tar may run as root, which would keep the source host's owner ids: the image's user owns them
        return CairnCommands.inDocker(target) ? Deployment.of(target).withVolumesOf(unpack.replace(" --no-overwrite-dir",
                " --no-same-owner --no-overwrite-dir"), true) : unpack;
    }

    /**
     * The source's dump carried straight into the target's DB, which is emptied first so nothing of its fresh
     * bootstrap stays: PostgreSQL in one transaction (the stream's {@code BEGIN;} gets the drop of the target's
     * {@code public} schema added, so a stream cut short changes nothing), MySQL/MariaDB with every table of the
     * target dropped first, SQLite into a new file moved over the target's (the guide's {@code sqlite3 .dump}: a
     * {@code .backup} writes a file, not a stream).
     */
    static Step dbStream(Instance source, DbSettings sdb, Instance target, DbSettings tdb) {
        String dump = DumpCommands.dumpToStdout(sdb, sdb.vendor() == DbVendor.MYSQL);
        String from = CairnCommands.dbClientAt(source, sdb).wrap(dump);
        String to = switch (tdb.vendor()) {
            case PGSQL -> "sed -e " + quote("1s/^BEGIN;$/BEGIN; SET LOCAL client_min_messages = warning; "
                    + "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;/") + " | " + RestoreCommands.importStream(tdb);
            case MYSQL -> {
                String client = "MYSQL_PWD=" + DumpCommands.DB_PASSWORD + " mysql -h " + quote(tdb.host()) + " -P "
                        + tdb.port() + " -u " + quote(tdb.username());
                String listDrops = "SELECT CONCAT('DROP TABLE IF EXISTS `', table_name, '`;') FROM information_schema.tables "
                        + "WHERE table_schema = DATABASE()";
                yield "drops=$(" + client + " -N -B " + quote(tdb.database()) + " -e " + quote(listDrops) + " < /dev/null) && "
                        + "{ printf 'SET FOREIGN_KEY_CHECKS=0;\\n%s\\n' \"$drops\"; sed -e " + quote("/^USE `[^`]*`;$/d")
                        + " -e " + quote("s/DEFINER=`[^`]*`@`[^`]*`//g") + "; } | " + client + " " + quote(tdb.database());
            }
            case SQLITE -> {
                String file = tdb.sqlitePath();
                String fresh = file + ".clone";
                yield "rm -f " + quote(fresh) + " && sqlite3 -bail " + quote(fresh) + " && { chmod --reference="
                        + quote(file) + " " + quote(fresh) + " 2>/dev/null || true; } && mv -f " + quote(fresh) + " "
                        + quote(file) + " && rm -f " + quote(file + "-wal") + " " + quote(file + "-shm") + " "
                        + quote(file + "-journal");
            }
            case SQLSRV -> throw new IllegalArgumentException("CairnCMS does not run on SQL Server");
        };
        return new Step(DB_STREAM_TITLE + " (" + sdb.vendor().label() + ")", target.getId(), target.getName(), true,
                new StepSpec.Stream(source.getId(), source.getName(), from, to,
                        source.getName() + "-clone-" + sdb.vendor().code() + "-dump.sql", "DB_DUMP", true),
                LONG, "restore the target's DB backup taken above");
    }

    /** One line of the target's .env to set: its value as written in the plan (a literal or a secret reference). */
    record EnvLine(String key, String valueExpression, boolean secret) {
    }

    /** KEY and SECRET (by reference), STORAGE_LOCATIONS and each location's settings, as the target gets them. */
    static List<EnvLine> envLines(Instance source, CairnCloneSide s, Instance target, CairnCloneSide t) {
        long sid = source.getId();
        List<EnvLine> lines = new ArrayList<>();
        lines.add(new EnvLine("KEY", SecretRefs.ref(sid, "env.KEY"), true));
        lines.add(new EnvLine("SECRET", SecretRefs.ref(sid, "env.SECRET"), true));
        lines.add(new EnvLine("STORAGE_LOCATIONS", quote(s.storage().getOrDefault("STORAGE_LOCATIONS", "")), false));
        for (StorageLocation location : s.locations()) {
            String prefix = "STORAGE_" + upper(location.name()) + "_";
            String rootKey = prefix + "ROOT";
            for (Map.Entry<String, String> e : s.storage().entrySet()) {
                String key = e.getKey();
                if (!key.startsWith(prefix) || (location.local() && key.equals(rootKey))) {
                    continue;
                }
                if (!ENV_NAME.matcher(key).matches()) {
                    throw new IllegalArgumentException("Not an .env key the panel carries: " + key);
                }
                lines.add(e.getValue() == null
                        ? new EnvLine(key, SecretRefs.ref(sid, "env." + key), true)
                        : new EnvLine(key, quote(e.getValue()), false));
            }
            if (location.local() && location.root() != null) {
                Placement placement = place(location, source, s, target, t);
                if (placement.rootValue() != null) {
                    lines.add(new EnvLine(rootKey, quote(placement.rootValue()), false));
                }
            }
        }
        return lines;
    }

    /**
     * Rewrites the named lines of {@code .env} (or adds them), every other line kept, the file's owner and mode kept
     * (the new content is written back into the same file), a copy of it as it was beside it. Each value travels in
     * an environment variable of awk, a secret one read from standard input first: never on a command line.
     */
    static String setEnv(List<EnvLine> lines) {
        StringBuilder vars = new StringBuilder("PANEL_ENV_KEYS=" + quote(String.join(" ",
                lines.stream().map(EnvLine::key).toList())));
        for (EnvLine line : lines) {
            vars.append(' ').append("PANEL_ENV_").append(line.key()).append('=').append(line.valueExpression());
        }
        String awk = "function q(v) { if (v ~ /[#\"'\\\\]|^[ \\t]|[ \\t]$/) { gsub(/\\\\/, \"\\\\\\\\\", v); "
                + "gsub(/\"/, \"\\\\\\\"\", v); return \"\\\"\" v \"\\\"\" } return v } "
                + "BEGIN { n = split(ENVIRON[\"PANEL_ENV_KEYS\"], keys, \" \"); "
                + "for (i = 1; i <= n; i++) want[keys[i]] = ENVIRON[\"PANEL_ENV_\" keys[i]] } "
                + "{ line = $0; sub(/^[ \\t]*(export[ \\t]+)?/, \"\", line); k = line; sub(/[ \\t]*=.*$/, \"\", k) } "
                + "(k in want) && line ~ /=/ { if (!(k in done)) print k \"=\" q(want[k]); done[k] = 1; next } "
                + "{ print } "
                + "END { for (i = 1; i <= n; i++) if (!(keys[i] in done)) print keys[i] \"=\" q(want[keys[i]]) }";
        return "umask 077 && cp -p .env \".env.before-clone-$(date +%Y%m%d-%H%M%S)\" && " + vars + " awk " + quote(awk)
                + " .env > .env.panel-new && cat .env.panel-new > .env && rm -f .env.panel-new && echo "
                + quote(".env: " + String.join(", ", lines.stream().map(EnvLine::key).toList()) + " set");
    }

    /** Both sides as the checks and the plan need them, read and never changed. */
    CairnCloneSide read(Instance instance, boolean source) {
        CairnCloneSide side;
        try (SshSession ssh = connections.openSsh(instance)) {
            CommandResult home = ssh.run("printf %s \"$HOME\"", SHORT);
            if (!home.ok() || !home.stdout().trim().startsWith("/")) {
                throw new IllegalStateException("cannot tell the home directory of " + instance.getSshUser());
            }
            EnvFile env = connections.readEnv(instance, ssh).orElseThrow(() -> new IllegalStateException(
                    "its .env cannot be read in " + instance.getInstallPath()));
            HostFacts host = new HostFacts(home.stdout().trim(), connections.dbSettings(instance, ssh));
            List<StorageLocation> locations = StorageLocation.of(env, instance.getInstallPath());
            Map<String, String> storage = new TreeMap<>();
            Map<String, String> rawRoots = new TreeMap<>();
            for (String key : env.keys()) {
                if (!key.startsWith("STORAGE_")) {
                    continue;
                }
                String value = env.get(key).orElse("");
                storage.put(key, profile.isSecretEnvKey(key) && !value.isEmpty() ? null : value);
            }
            for (StorageLocation location : locations) {
                env.get("STORAGE_" + upper(location.name()) + "_ROOT").map(String::trim).filter(r -> !r.isEmpty())
                        .ifPresent(r -> rawRoots.put(location.name(), r));
            }
            boolean keys = env.get("KEY").filter(v -> !v.isBlank()).isPresent()
                    && env.get("SECRET").filter(v -> !v.isBlank()).isPresent();
            CairnCommands.Version v = CairnCommands.version(instance, ssh);
            String version = v.value();
            String versionError = v.error();
            Set<String> migrations = new TreeSet<>();
            reader.query(instance, ssh, "SELECT version FROM directus_migrations").forEach(r -> migrations.add(r.get("version")));
            List<String> mounts = CairnCommands.mounts(instance, ssh);
            side = new CairnCloneSide(host, version, versionError, migrations, locations, storage, rawRoots, keys,
                    source ? List.of() : beyondFresh(instance, ssh), List.of(), settingHashes(env), mounts);
        }
        if (!source) {
            return side;
        }
        List<CheckItem> files = preflight.run(instance).stream()
                .filter(i -> i.getName().equals("File bytes") && i.getStatus() != CheckStatus.OK).toList();
        return new CairnCloneSide(side.host(), side.version(), side.versionError(), side.migrations(), side.locations(),
                side.storage(), side.rawRoots(), side.hasKeyAndSecret(), side.beyondFresh(), files, side.settingHashes(),
                side.mounts());
    }

    /** What a target holds beyond what {@code cairncms bootstrap} makes: tables, collections, files, folders, users… */
    private List<String> beyondFresh(Instance instance, SshSession ssh) {
        List<String> found = new ArrayList<>();
        List<String> userTables = reader.columns(instance, ssh).keySet().stream()
                .filter(t -> !t.toLowerCase(Locale.ROOT).startsWith("directus_")).sorted().toList();
        if (!userTables.isEmpty()) {
            found.add(userTables.size() + " table(s) of its own (" + String.join(", ", userTables.subList(0,
                    Math.min(5, userTables.size()))) + (userTables.size() > 5 ? ", …" : "") + ")");
        }
        Map<String, String> counts = reader.query(instance, ssh, "SELECT "
                + "(SELECT count(*) FROM directus_collections) AS collections, "
                + "(SELECT count(*) FROM directus_files) AS files, "
                + "(SELECT count(*) FROM directus_folders) AS folders, "
                + "(SELECT count(*) FROM directus_users) AS users, "
                + "(SELECT count(*) FROM directus_flows) AS flows, "
                + "(SELECT count(*) FROM directus_dashboards) AS dashboards").get(0);
        counts.forEach((what, count) -> {
            long n = Long.parseLong(count.trim());
            long fresh = what.equalsIgnoreCase("users") ? 1 : 0; // bootstrap makes the first admin
            if (n > fresh) {
                found.add(n + " " + what.toLowerCase(Locale.ROOT) + (fresh > 0 ? " (a bootstrap makes " + fresh + ")" : ""));
            }
        });
        return found;
    }

    @Override
    public String resultSummary(JobView job, Map<String, String> options) {
        String proofStatus = job.steps().stream().filter(s -> s.title().equals(PROOF_TITLE)).map(s -> s.status().name()
                + (s.message() == null ? "" : ": " + s.message())).findFirst().orElse("not run");
        return "Clone of " + job.instanceName() + " to " + options.getOrDefault("targetName", "?") + " (CairnCMS "
                + options.getOrDefault("version", "?") + ") · proof " + proofStatus;
    }

    @Override
    public List<FollowUp> followUps(JobView job, Map<String, String> options) {
        if (job.status().isActive() || !options.getOrDefault("target", "").matches("\\d{1,18}")) {
            return List.of();
        }
        return List.of(new FollowUp(CairnCloneRollbackFlow.ID, "Roll back the clone",
                "Put the target's DB and .env back as this clone found them (from its backups)"
                        + (STOP_SOURCE.equals(options.get("pause")) ? ", and start the source's service if it is still stopped" : ""),
                Map.of("job", String.valueOf(job.id())), Long.parseLong(options.get("target"))));
    }
}
