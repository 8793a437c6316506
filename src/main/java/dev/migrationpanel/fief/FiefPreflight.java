package dev.migrationpanel.fief;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.database.InstanceDbConnection;
import dev.migrationpanel.fief.FiefDatabase.Place;
import dev.migrationpanel.instance.CheckItem;
import dev.migrationpanel.instance.CheckStatus;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.EnvFile;
import dev.migrationpanel.instance.DeploymentType;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.product.HostFacts;
import dev.migrationpanel.remote.CommandResult;
import dev.migrationpanel.remote.SshSession;

/**
 * What a Fief 0.28 consolidation needs to know before it runs, read and never changed: the main database (reachable,
 * still in the pre-0.28 layout), its {@code workspaces} rows, for the workspace to consolidate where its tables are and
 * which {@code fief_*} tables really exist with their row counts (the guide's list is fixed; a workspace's set depends on
 * its revision), names that would clash in the main database, whether {@code ENCRYPTION_KEY} decrypts every
 * Fernet-encrypted value (the workspace's OAuth secrets and tokens, the workspaces row's connection settings), room for
 * the backups, whether the admin's e-mail is a user of the default tenant, and the ADMIN-set start and stop commands.
 */
@Component
class FiefPreflight {

    /** The workspace tree's last revision before 0.28, the one 0.28's main tree starts from. */
    static final String WORKSPACE_REVISION = "6c06c7d908a7";
    /** The main DB's tables before 0.28 (the guide's list), dropped by the cleanup once all works. */
    static final List<String> OLD_MAIN_TABLES = List.of("admin_api_key", "admin_session_tokens", "alembic_version",
            "workspace_users", "workspaces");
    /** Fernet-encrypted columns of a workspace (Fief's StringEncryptedType), by table without its prefix. */
    static final Map<String, List<String>> ENCRYPTED = new LinkedHashMap<>(Map.of(
            "oauth_providers", List.of("client_id", "client_secret"),
            "oauth_accounts", List.of("access_token", "refresh_token")));
    static final List<String> WORKSPACE_ROW_ENCRYPTED = List.of("database_host", "database_port", "database_username",
            "database_password", "database_name", "database_ssl_mode");
    static final Pattern EMAIL = Pattern.compile("[^@\\s\"'`\\\\]{1,64}@[A-Za-z0-9.-]{1,253}\\.[A-Za-z]{2,63}");
    static final Pattern WORKSPACE_ID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final InstanceConnections connections;
    private final FiefDatabase db;

    FiefPreflight(InstanceConnections connections, FiefDatabase db) {
        this.connections = connections;
        this.db = db;
    }

    /** A workspaces row, its encrypted connection settings kept as stored (tokens). */
    record Workspace(String id, String name, String domain, String databaseType, String alembicRevision, long usersCount,
            boolean useSchema, String tablePrefix) {
    }

    /**
     * What the pre-flight found. {@code tables} are the workspace's tables at {@code place} that will move (every one
     * with the prefix), with their row counts.
     */
    record Survey(String home, DbSettings main, String prefix, List<Workspace> workspaces, Workspace chosen, Place place,
            Map<String, Long> tables, List<String> pgTypes, List<String> pgSequences, List<String> apiKeyNames,
            List<CheckItem> items) {

        public boolean blocked() {
            return items.stream().anyMatch(i -> i.getStatus() == CheckStatus.BLOCKING);
        }

        public String firstBlocking() {
            return items.stream().filter(i -> i.getStatus() == CheckStatus.BLOCKING).map(i -> i.getName() + ": " + i.getMessage())
                    .findFirst().orElse(null);
        }
    }

    /**
     * Fief in Docker: its settings were read from the container's environment; the consolidation writes ENCRYPTION_KEY
     * to the file the container is created from (it must be a writable file on the SSH host) and moves the tables with
     * the DB's clients on the SSH host. On SQLite inside the container the files are reached while it is stopped through
     * copies on the SSH host and a one-off container with its volumes ({@link FiefContainerFiles}): the database
     * directory must be on a volume or bind mount, sqlite3 must be on the SSH host, and (to read the running Fief's files
     * before and after, through snapshots: {@link FiefSnapshot}) Python with its sqlite3 module in the container.
     *
     * @return false when that is BLOCKING (the item added says why)
     */
    private boolean docker(Instance instance, SshSession ssh, DbSettings main, List<CheckItem> items) {
        String container = instance.getContainerName();
        if (main.vendor() == DbVendor.SQLITE && !dockerSqlite(instance, ssh, main, items)) {
            return false;
        }
        String file = FiefSteps.envFileOf(instance);
        if (!ssh.run("test -f " + quote(file) + " && test -w " + quote(file), TIMEOUT).ok()) {
            items.add(CheckItem.blocking("Environment file (Docker)", file + " is not a file the SSH user may write: the "
                    + "consolidation sets ENCRYPTION_KEY there, for the start command to recreate container " + container
                    + " from it"));
            return false;
        }
        items.add(CheckItem.ok("Deployment", "Docker container " + container + ": settings read from its environment; "
                + "ENCRYPTION_KEY is written to " + file + ", which the start command recreates the container from; "
                + (main.vendor() == DbVendor.SQLITE ? "with the container stopped, " + main.sqlitePath() + " and the "
                        + "workspace's file are copied out (docker cp) for the backups and the record, and swapped on its "
                        + "volume by a one-off container of its image (docker run --volumes-from)"
                        : "tables move with " + main.vendor().label() + "'s client on the SSH host")
                + ", fief grant-admin-role runs in the container"));
        return true;
    }

    /** SQLite inside the container: what reaching its files while it is stopped needs (see {@link #docker}). */
    private boolean dockerSqlite(Instance instance, SshSession ssh, DbSettings main, List<CheckItem> items) {
        String container = instance.getContainerName();
        Deployment deployment = Deployment.of(instance);
        String dir = FiefDatabase.directory(main.sqlitePath());
        CommandResult mounts = ssh.run(deployment.mountsCommand(), TIMEOUT);
        if (!mounts.ok()) {
            items.add(CheckItem.blocking("Database directory (Docker)", "cannot read the mounts of container " + container
                    + ": " + FiefDatabase.firstLine(mounts.stderr())));
            return false;
        }
        String mount = Deployment.mountHolding(dir, mounts.stdout().lines().toList());
        if (mount == null) {
            items.add(CheckItem.blocking("Database directory (Docker)", dir + " is not on a volume or bind mount of container "
                    + container + ": the start command recreates the container, which would lose a file in its own layer "
                    + "(Fief's image keeps its SQLite files in /data/db; mount a named volume there, e.g. -v fief-db:/data/db, "
                    + "copying the files in first)"));
            return false;
        }
        items.add(CheckItem.ok("Database directory (Docker)", dir + " is on the container's mount " + mount + ": a one-off "
                + "container of its image with its volumes swaps the files while it is stopped"));
        if (!ssh.run("command -v sqlite3 >/dev/null", TIMEOUT).ok()) {
            items.add(CheckItem.blocking("sqlite3 on the SSH host", "not found: the backups, the record and the check after "
                    + "the swap read copies of the stopped container's files with it, the other reads snapshots of the running "
                    + "one's (install the sqlite3 package)"));
            return false;
        }
        // Fief's image has no sqlite3 command: the running Fief's files are read through snapshots its Python takes
        CommandResult python = ssh.run(deployment.wrap(FiefSnapshot.PROBE), TIMEOUT);
        if (!python.ok()) {
            items.add(CheckItem.blocking("Python's sqlite3 in the container", FiefSnapshot.PYTHON + " with its sqlite3 module "
                    + "is not usable in container " + container + " (" + FiefDatabase.firstLine(python.stderr()) + "): the "
                    + "panel reads the running Fief's SQLite files through snapshots it takes there (SQLite's online backup, "
                    + "copied out with docker cp), in this pre-flight, the wait for 0.28's upgrade and the proof"));
            return false;
        }
        items.add(CheckItem.ok("Python's sqlite3 in the container", "Python and SQLite " + python.stdout().strip() + ": the "
                + "running Fief's files are read through snapshots taken with it (no sqlite3 command needed inside)"));
        return true;
    }

    /**
     * @param workspaceId the workspace to consolidate, or null for the only one
     * @param adminEmail  the account to make admin, or null (not checked then)
     */
    Survey run(Instance instance, String workspaceId, String adminEmail) {
        return run(instance, workspaceId, adminEmail, null);
    }

    /**
     * Whose settings Fief 0.28's admin dashboard will sign in with once the workspace is in place: the instance's own
     * .env when it consolidates, a move's target's .env when the workspace goes there.
     */
    record SignIn(String owner, EnvFile env) {
    }

    /** As {@link #run(Instance, String, String)}, checking the admin client against {@code signIn} (null: the instance's own). */
    Survey run(Instance instance, String workspaceId, String adminEmail, SignIn signIn) {
        List<CheckItem> items = new ArrayList<>();
        try (SshSession ssh = connections.openSsh(instance)) {
            EnvFile env = connections.readEnv(instance, ssh).orElse(null);
            if (env == null) {
                items.add(CheckItem.blocking("Environment", "no " + FiefProfile.ENV_FILE + " in " + instance.getInstallPath()
                        + ": Fief's settings (DATABASE_*, ENCRYPTION_KEY) are unknown"));
                return empty(items);
            }
            String prefix = FiefProfile.tablePrefix(env);
            String key = env.get("ENCRYPTION_KEY").filter(k -> !k.isBlank()).orElse(null);
            HostFacts host;
            try {
                host = HostFacts.read(instance, ssh, connections);
            } catch (dev.migrationpanel.web.InvalidInputException e) {
                items.add(CheckItem.blocking("Home directory", e.getMessage()));
                return empty(items);
            } catch (RuntimeException e) {
                items.add(CheckItem.blocking("Main database", e.getMessage()));
                return empty(items);
            }
            DbSettings main = host.db();
            String home = host.home();
            if (instance.getDeploymentType() == DeploymentType.DOCKER && !docker(instance, ssh, main, items)) {
                return empty(items);
            }
            // SQLite in a running container: read through snapshots staged on the SSH host (FiefSnapshot), removed at the end
            try (FiefSnapshot snap = FiefSnapshot.open(instance, ssh, main, host.workDir())) {
                Place mainPlace;
                List<String> mainTables;
                try {
                    mainPlace = snap.read(Place.main(main));
                    mainTables = db.tables(instance, ssh, mainPlace);
                    items.add(CheckItem.ok("Main database", main.describe() + " reachable" + version(instance, ssh, main)));
                } catch (RuntimeException e) {
                    items.add(CheckItem.blocking("Main database", main.describe() + " cannot be read: " + e.getMessage()));
                    return empty(items);
                }
                if (!mainTables.contains("workspaces")) {
                    items.add(CheckItem.blocking("Fief version", mainTables.contains(prefix + "alembic_version")
                            ? "the main database already has the 0.28 layout (" + prefix + "alembic_version, no workspaces table): "
                                    + "nothing to consolidate"
                            : "no workspaces table in the main database: not a Fief instance from before 0.28"));
                    return empty(items);
                }
                List<Map<String, String>> versionRows = db.query(instance, ssh, mainPlace, "SELECT version_num FROM alembic_version");
                items.add(CheckItem.ok("Fief version", "before 0.28: the main database has workspaces, its alembic revision "
                        + (versionRows.isEmpty() ? "(none)" : versionRows.get(0).get("version_num"))));
                List<Workspace> workspaces = workspaces(instance, ssh, mainPlace);
                for (Workspace w : workspaces) {
                    items.add(CheckItem.ok("Workspace " + w.name(), "id " + w.id() + ", domain " + w.domain() + ", database_type "
                            + (w.databaseType() == null ? "NULL (the main server)" : w.databaseType()) + ", alembic_revision "
                            + w.alembicRevision() + ", users_count " + w.usersCount() + ", database_use_schema " + w.useSchema()
                            + ", database_table_prefix " + w.tablePrefix()));
                }
                List<String> apiKeys = mainTables.contains("admin_api_key") ? db.query(instance, ssh, mainPlace,
                        "SELECT name FROM admin_api_key ORDER BY name").stream().map(r -> r.get("name")).toList() : List.of();
                Workspace chosen = choose(workspaces, workspaceId, items);
                if (chosen == null) {
                    return new Survey(home, main, prefix, workspaces, null, null, Map.of(), List.of(), List.of(),
                            apiKeys, items);
                }
                Place wsPlace = Place.workspace(main, chosen.id());
                Place place;
                try {
                    place = snap.read(wsPlace);
                } catch (RuntimeException e) {
                    items.add(CheckItem.blocking("Workspace tables", wsPlace.describe() + " cannot be read: " + e.getMessage()));
                    return new Survey(home, main, prefix, workspaces, chosen, wsPlace, Map.of(), List.of(), List.of(), apiKeys, items);
                }
                Map<String, Long> tables = new TreeMap<>();
                List<String> types = List.of();
                List<String> sequences = List.of();
                if (chosen.databaseType() != null) {
                    items.add(CheckItem.blocking("Workspace tables", chosen.name() + " keeps its data on its own " + chosen.databaseType()
                            + " server (its connection settings are in the workspaces row): the guide's moves work inside one "
                            + "server only; dump it there and import it into the main database first"));
                } else if (!db.exists(instance, ssh, place)) {
                    items.add(CheckItem.blocking("Workspace tables", place.describe() + " does not exist: the workspace's tables are "
                            + "not where Fief 0.27 keeps them"));
                } else {
                    List<String> all = db.tables(instance, ssh, place);
                    List<String> moving = all.stream().filter(t -> t.startsWith(prefix)).toList();
                    try {
                        tables.putAll(db.counts(instance, ssh, place, moving));
                    } catch (RuntimeException e) {
                        items.add(CheckItem.blocking("Workspace tables", "the tables of " + place.describe() + " cannot all be read "
                                + "as " + main.username() + ": " + e.getMessage()));
                        commands(instance, items);
                        return new Survey(home, main, prefix, workspaces, chosen, wsPlace, tables, types, sequences,
                                apiKeys, items);
                    }
                    if (moving.isEmpty()) {
                        items.add(CheckItem.blocking("Workspace tables", place.describe() + " holds no " + prefix + "* table"));
                    } else {
                        long rows = tables.values().stream().mapToLong(Long::longValue).sum();
                        items.add(CheckItem.ok("Workspace tables", place.describe() + ": " + moving.size() + " " + prefix + "* tables, "
                                + rows + " rows (" + String.join(", ", tables.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                                        .toList()) + ")"));
                    }
                    List<String> others = all.stream().filter(t -> !t.startsWith(prefix)).toList();
                    if (!others.isEmpty()) {
                        items.add(CheckItem.warning("Other tables", place.describe() + " also holds " + String.join(", ", others)
                                + ": not Fief's, they stay where they are"));
                    }
                    revision(instance, ssh, place, prefix, items);
                    if (main.vendor() == DbVendor.PGSQL) {
                        types = db.pgTypes(instance, ssh, place);
                        sequences = db.pgFreeSequences(instance, ssh, place);
                    }
                    clashes(instance, ssh, mainPlace, mainTables, moving, types, main, items);
                    movingNames(instance, ssh, place, mainPlace, items);
                    encrypted(instance, ssh, place, mainPlace, prefix, key, tables, items);
                    adminClient(instance, ssh, place, prefix, signIn != null ? signIn : new SignIn(instance.getName(), env),
                            chosen, items);
                    oauthAccounts(instance, ssh, place, prefix, tables, items);
                    if (adminEmail != null) {
                        adminEmail(instance, ssh, place, prefix, adminEmail, items);
                    }
                    room(instance, ssh, mainPlace, place, home, items);
                }
                commands(instance, items);
                return new Survey(home, main, prefix, workspaces, chosen, wsPlace, tables, types, sequences, apiKeys, items);
            }
        }
    }

    private static Survey empty(List<CheckItem> items) {
        return new Survey(null, null, "fief_", List.of(), null, null, Map.of(), List.of(), List.of(), List.of(), items);
    }

    private String version(Instance instance, SshSession ssh, DbSettings main) {
        if (main.vendor() == DbVendor.SQLITE) {
            return "";
        }
        try (InstanceDbConnection c = connections.openDb(instance, ssh, main)) {
            return " (" + c.serverVersion() + ")";
        } catch (RuntimeException e) {
            return "";
        }
    }

    List<Workspace> workspaces(Instance instance, SshSession ssh, Place mainPlace) {
        List<Workspace> list = new ArrayList<>();
        for (Map<String, String> r : db.query(instance, ssh, mainPlace, "SELECT id, name, domain, database_type, alembic_revision, "
                + "users_count, database_use_schema, database_table_prefix FROM workspaces ORDER BY created_at, id")) {
            list.add(new Workspace(r.get("id"), r.get("name"), r.get("domain"), r.get("database_type"), r.get("alembic_revision"),
                    r.get("users_count") == null ? 0 : Long.parseLong(r.get("users_count")), truthy(r.get("database_use_schema")),
                    r.get("database_table_prefix")));
        }
        return list;
    }

    static boolean truthy(String value) {
        return value != null && (value.equals("1") || value.equalsIgnoreCase("t") || value.equalsIgnoreCase("true"));
    }

    private static Workspace choose(List<Workspace> workspaces, String workspaceId, List<CheckItem> items) {
        if (workspaces.isEmpty()) {
            items.add(CheckItem.blocking("Workspaces", "the workspaces table is empty: nothing to consolidate"));
            return null;
        }
        Workspace chosen;
        if (workspaceId == null || workspaceId.isBlank()) {
            if (workspaces.size() > 1) {
                items.add(CheckItem.blocking("Workspaces", workspaces.size() + " workspaces: Fief 0.28 runs one workspace per "
                        + "instance. Choose the one this instance keeps; each other one needs an instance and a main database "
                        + "of its own (the guide: \"What if I had multiple workspaces?\")"));
                return null;
            }
            chosen = workspaces.get(0);
        } else {
            chosen = workspaces.stream().filter(w -> w.id().equalsIgnoreCase(workspaceId.trim())).findFirst().orElse(null);
            if (chosen == null) {
                items.add(CheckItem.blocking("Workspaces", "no workspace has the id " + workspaceId));
                return null;
            }
        }
        if (workspaces.size() > 1) {
            items.add(CheckItem.warning("Workspaces", "this instance keeps " + chosen.name() + " only; "
                    + String.join(", ", workspaces.stream().filter(w -> w != chosen).map(w -> w.name() + " (" + w.id() + ")").toList())
                    + " stay where they are and need an instance and a main database each"));
        }
        return chosen;
    }

    private void revision(Instance instance, SshSession ssh, Place place, String prefix, List<CheckItem> items) {
        String table = prefix + "alembic_version";
        List<Map<String, String>> rows;
        try {
            rows = db.query(instance, ssh, place, "SELECT version_num FROM " + FiefDatabase.quoteName(place.vendor(), table));
        } catch (RuntimeException e) {
            items.add(CheckItem.blocking("Workspace revision", "no " + table + " in " + place.describe()));
            return;
        }
        String revision = rows.isEmpty() ? null : rows.get(0).get("version_num");
        if (WORKSPACE_REVISION.equals(revision)) {
            items.add(CheckItem.ok("Workspace revision", revision + ", the last before 0.28: 0.28's upgrade starts from it"));
        } else {
            items.add(CheckItem.blocking("Workspace revision", revision + ", not " + WORKSPACE_REVISION + ": 0.28 cannot upgrade "
                    + "from it; run the workspace migrations of Fief 0.27 first"));
        }
    }

    private void clashes(Instance instance, SshSession ssh, Place mainPlace, List<String> mainTables, List<String> moving,
            List<String> types, DbSettings main, List<CheckItem> items) {
        if (main.vendor() == DbVendor.SQLITE) {
            String bak = main.sqlitePath() + ".bak";
            boolean exists = ssh.run(Deployment.of(instance).wrap("test -e " + quote(bak)), TIMEOUT).ok();
            items.add(exists ? CheckItem.blocking("Name clashes", bak + " exists already: the guide's swap keeps the old main "
                    + "database under that name; move it away first")
                    : CheckItem.ok("Name clashes", "none: the main file becomes " + bak + ", the workspace's file the main one"));
            return;
        }
        List<String> clashing = moving.stream().filter(mainTables::contains).toList();
        List<String> typeClashes = List.of();
        if (main.vendor() == DbVendor.PGSQL && !types.isEmpty()) {
            typeClashes = db.pgTypes(instance, ssh, mainPlace).stream().filter(types::contains).toList();
        }
        if (clashing.isEmpty() && typeClashes.isEmpty()) {
            items.add(CheckItem.ok("Name clashes", "none of the " + moving.size() + " tables" + (types.isEmpty() ? "" : " and "
                    + types.size() + " enum types") + " exists in the main database"));
        } else {
            items.add(CheckItem.blocking("Name clashes", "the main database already has " + String.join(", ", clashing)
                    + (typeClashes.isEmpty() ? "" : " (types " + String.join(", ", typeClashes) + ")") + ": an earlier attempt's? "
                    + "Move or drop them first (compare them with the workspace's)"));
        }
    }

    /** The names that move with the tables (PostgreSQL indexes and sequences, MySQL foreign keys) and are taken in main. */
    private void movingNames(Instance instance, SshSession ssh, Place place, Place mainPlace, List<CheckItem> items) {
        if (place.vendor() == DbVendor.SQLITE) {
            return; // the file swap merges nothing: index names are per database file
        }
        List<String> taken = db.movingNameClashes(instance, ssh, place, mainPlace);
        String what = place.vendor() == DbVendor.PGSQL ? "indexes, constraints' indexes and sequences" : "foreign keys";
        items.add(taken.isEmpty() ? CheckItem.ok("Index and constraint names", "none of the " + what + " that move with the "
                + "tables is named like something in " + mainPlace.describe())
                : CheckItem.blocking("Index and constraint names", mainPlace.describe() + " already has " + String.join(", ", taken)
                        + ": " + (place.vendor() == DbVendor.PGSQL ? "an index or sequence name is a name of its schema"
                                : "a foreign key name is a name of its database") + ", so the move would fail on it. Rename "
                        + "or drop those in the main database first"));
    }

    /** Every Fernet value of the workspace and of its workspaces row, decrypted with the .env's key. */
    private void encrypted(Instance instance, SshSession ssh, Place place, Place mainPlace, String prefix, String key,
            Map<String, Long> tables, List<CheckItem> items) {
        if (key == null) {
            items.add(CheckItem.blocking("ENCRYPTION_KEY", "not set in " + FiefProfile.ENV_FILE + ": Fief 0.28 needs the key "
                    + "the workspace's secrets were encrypted with"));
            return;
        }
        Fernet fernet;
        try {
            fernet = new Fernet(key);
        } catch (IllegalArgumentException e) {
            items.add(CheckItem.blocking("ENCRYPTION_KEY", "not a Fernet key (" + e.getMessage() + "): Fief refuses to start with it"));
            return;
        }
        Map<String, int[]> counts = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : ENCRYPTED.entrySet()) {
            String table = prefix + e.getKey();
            if (!tables.containsKey(table)) {
                continue;
            }
            for (String column : e.getValue()) {
                counts.put(table + "." + column, decrypt(fernet, db.query(instance, ssh, place, "SELECT " + column + " AS v FROM "
                        + FiefDatabase.quoteName(place.vendor(), table) + " WHERE " + column + " IS NOT NULL")));
            }
        }
        // the workspaces rows' own connection settings (set for a workspace on its own server) are Fernet values too
        for (String column : WORKSPACE_ROW_ENCRYPTED) {
            int[] n = decrypt(fernet, db.query(instance, ssh, mainPlace, "SELECT " + column + " AS v FROM workspaces WHERE "
                    + column + " IS NOT NULL"));
            if (n[0] > 0) {
                counts.put("workspaces." + column, n);
            }
        }
        int total = 0;
        List<String> failing = new ArrayList<>();
        for (Map.Entry<String, int[]> c : counts.entrySet()) {
            total += c.getValue()[0];
            if (c.getValue()[1] > 0) {
                failing.add(c.getKey() + " " + c.getValue()[1] + " of " + c.getValue()[0]);
            }
        }
        if (!failing.isEmpty()) {
            items.add(CheckItem.blocking("ENCRYPTION_KEY", "does not decrypt the workspace's Fernet values (" + String.join(", ", failing)
                    + "): with it, Fief 0.28 would fail on each of them when used. Set the key they were encrypted with"));
        } else {
            items.add(CheckItem.ok("ENCRYPTION_KEY", "decrypts all " + total + " Fernet value(s) of the workspace (" + String.join(", ",
                    counts.entrySet().stream().map(c -> c.getKey() + " " + c.getValue()[0]).toList()) + ")"));
        }
    }

    /** [values, failures] */
    static int[] decrypt(Fernet fernet, List<Map<String, String>> rows) {
        int[] n = {0, 0};
        for (Map<String, String> row : rows) {
            n[0]++;
            try {
                fernet.decrypt(row.get("v"));
            } catch (GeneralSecurityException e) {
                n[1]++;
            }
        }
        return n;
    }

    /**
     * Fief 0.28's admin dashboard signs in through the client FIEF_CLIENT_ID names, looked up in the one workspace's
     * clients. 0.27 made that client in its main workspace (the one whose domain is FIEF_DOMAIN), so consolidating
     * another workspace leaves an instance whose dashboard cannot sign in. The client ids are compared here, never shown.
     */
    private void adminClient(Instance instance, SshSession ssh, Place place, String prefix, SignIn signIn, Workspace chosen,
            List<CheckItem> items) {
        EnvFile env = signIn.env();
        String settings = "the " + FiefProfile.ENV_FILE + " of " + signIn.owner();
        String clientId = env.get("FIEF_CLIENT_ID").map(String::strip).filter(v -> !v.isEmpty()).orElse(null);
        if (clientId == null) {
            items.add(CheckItem.warning("Admin client", "FIEF_CLIENT_ID is not set in " + settings + ": Fief 0.28's "
                    + "admin dashboard signs in through the client it names"));
            return;
        }
        boolean found = db.query(instance, ssh, place, "SELECT client_id FROM " + FiefDatabase.quoteName(place.vendor(),
                prefix + "clients"))
                .stream().anyMatch(r -> clientId.equals(r.get("client_id")));
        String domain = env.get("FIEF_DOMAIN").map(String::strip).orElse("");
        items.add(found ? CheckItem.ok("Admin client", chosen.name() + " holds the client FIEF_CLIENT_ID of " + settings
                + " names: Fief 0.28's admin dashboard signs in through it")
                : CheckItem.warning("Admin client", "no client of " + chosen.name() + " has the FIEF_CLIENT_ID of " + settings
                        + ": after the move Fief 0.28's admin dashboard cannot sign in (0.27 made that "
                        + "client in its main workspace, the one whose domain is FIEF_DOMAIN" + (domain.isEmpty() ? "" : ", "
                        + domain) + "; this one's is " + chosen.domain() + "). Choose the main workspace, or set FIEF_CLIENT_ID "
                        + "and FIEF_CLIENT_SECRET to one of this workspace's clients"));
    }

    /**
     * Fief's releases after 0.28 change {@code oauth_accounts} when they first start (migration a736fe95ec4f): they
     * delete the accounts no user holds (an OAuth sign-up left half way), then make (oauth_provider_id, account_id)
     * unique. 0.28 itself keeps the table as it is; a later release changes the table the proof compares, or fails to
     * start on a provider account held twice.
     */
    private void oauthAccounts(Instance instance, SshSession ssh, Place place, String prefix, Map<String, Long> tables,
            List<CheckItem> items) {
        String table = prefix + "oauth_accounts";
        if (!tables.containsKey(table)) {
            return;
        }
        String name = FiefDatabase.quoteName(place.vendor(), table);
        long orphans = Long.parseLong(db.query(instance, ssh, place, "SELECT count(*) AS n FROM " + name
                + " WHERE user_id IS NULL").get(0).get("n"));
        long twice = Long.parseLong(db.query(instance, ssh, place, "SELECT count(*) AS n FROM (SELECT oauth_provider_id, "
                + "account_id FROM " + name + " WHERE user_id IS NOT NULL GROUP BY oauth_provider_id, account_id "
                + "HAVING count(*) > 1) held_twice").get(0).get("n"));
        if (orphans == 0 && twice == 0) {
            items.add(CheckItem.ok("OAuth accounts", "each belongs to a user, none held twice: Fief's releases after 0.28 keep "
                    + "them all (their first start deletes accounts without a user and makes each provider account unique)"));
            return;
        }
        List<String> found = new ArrayList<>();
        if (orphans > 0) {
            found.add(orphans + " OAuth account(s) belong to no user (a sign-up left half way): a later release deletes them, and the "
                    + "proof then finds " + table + " changed");
        }
        if (twice > 0) {
            found.add(twice + " provider account(s) are held twice: a later release fails to start on them");
        }
        items.add(CheckItem.warning("OAuth accounts", String.join("; ", found) + ". Fief 0.28 keeps the table as it is; its "
                + "later releases change it when they first start (migration a736fe95ec4f): start 0.28 itself here"));
    }

    private void adminEmail(Instance instance, SshSession ssh, Place place, String prefix, String email, List<CheckItem> items) {
        if (!EMAIL.matcher(email).matches()) {
            items.add(CheckItem.blocking("Admin e-mail", "'" + email + "' is not an e-mail address"));
            return;
        }
        DbVendor v = place.vendor();
        String sql = "SELECT u.email AS e FROM " + v.quoteName(prefix + "users") + " u JOIN " + v.quoteName(prefix + "tenants")
                + " t ON t.id = u.tenant_id WHERE t." + v.quoteName("default") + " = " + (v == DbVendor.PGSQL ? "true" : "1")
                + " AND u.email_lower = " + FiefDatabase.literal(email.toLowerCase(java.util.Locale.ROOT));
        boolean found = !db.query(instance, ssh, place, sql).isEmpty();
        items.add(found ? CheckItem.ok("Admin e-mail", email + " is a user of the default tenant: grant-admin-role can give it the "
                + "admin role") : CheckItem.blocking("Admin e-mail", email + " is no user of the workspace's default tenant: "
                + "fief grant-admin-role would answer \"User does not exist\""));
    }

    private void room(Instance instance, SshSession ssh, Place mainPlace, Place place, String home, List<CheckItem> items) {
        long needed = db.size(instance, ssh, mainPlace) + db.size(instance, ssh, place);
        CommandResult df = ssh.run("df -Pk " + quote(home) + " | tail -n 1 | awk '{print $4}'", TIMEOUT);
        String free = df.stdout().trim();
        if (!df.ok() || !free.matches("\\d+")) {
            items.add(CheckItem.warning("Room for the backups", "cannot tell the free space in " + home));
            return;
        }
        long freeBytes = Long.parseLong(free) * 1024;
        // a plain-SQL dump takes about as much as the tables; twice that leaves room for the cleanup's backup
        items.add(freeBytes >= 2 * needed ? CheckItem.ok("Room for the backups", freeBytes / 1024 / 1024 + " MiB free in " + home
                + " for dumps of about " + Math.max(1, needed / 1024 / 1024) + " MiB")
                : CheckItem.blocking("Room for the backups", "only " + freeBytes / 1024 / 1024 + " MiB free in " + home
                        + " for dumps of about " + needed / 1024 / 1024 + " MiB (twice that is needed)"));
    }

    private static void commands(Instance instance, List<CheckItem> items) {
        String start = instance.productSetting(FiefProfile.START, null);
        String stop = instance.productSetting(FiefProfile.STOP, null);
        if (start == null || stop == null) {
            items.add(CheckItem.blocking("Start and stop commands", "not set on the instance (an ADMIN sets them): the "
                    + "consolidation stops Fief before the move and starts 0.28 after it"));
        } else {
            items.add(CheckItem.ok("Start and stop commands", "stop: " + stop + "; start: " + start + " (must start Fief 0.28 or later)"));
        }
    }
}
