package dev.migrationpanel.instance;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Service;

import dev.migrationpanel.settings.PanelProperties;
import dev.migrationpanel.database.DatabaseException;
import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.database.InstanceDbConnection;
import dev.migrationpanel.remote.CommandResult;
import dev.migrationpanel.remote.RemoteException;
import dev.migrationpanel.remote.SshSession;
import dev.migrationpanel.security.AuditService;
import dev.migrationpanel.security.SecretMasker;

/**
 * The pre-flight check of an instance over SSH and JDBC. Every item is reported, also the ones that
 * could not be looked at (with the reason), so a report never hides a gap. Nothing on the instance is
 * changed: every command here only reads.
 */
@Service
public class InstanceCheckService {

    /** Tools later flows call on the instance: dumps, imports, transfers, container access. */
    static final List<String> TOOLS = List.of("mysqldump", "mariadb-dump", "mysql", "pg_dump", "psql", "sqlite3",
            "rsync", "docker", "kubectl");
    private static final long LOW_DISK_KIB = 1024 * 1024;
    private static final long NO_DISK_KIB = 100 * 1024;

    private final InstanceService instances;
    private final InstanceCheckRepository checks;
    private final ProductProfiles products;
    private final InstanceConnections connections;
    private final AuditService audit;
    private final Clock clock;
    private final Duration commandTimeout;

    InstanceCheckService(InstanceService instances, InstanceCheckRepository checks, ProductProfiles products,
            InstanceConnections connections, AuditService audit, Clock clock, PanelProperties properties) {
        this.instances = instances;
        this.checks = checks;
        this.products = products;
        this.connections = connections;
        this.audit = audit;
        this.clock = clock;
        this.commandTimeout = properties.checkCommandTimeout();
    }

    public InstanceCheck check(long instanceId) {
        Instance instance = instances.get(instanceId);
        Instant started = Instant.now(clock);
        Run run = new Run(instance, products.get(instance.getProduct()));
        run.execute();
        List<CheckItem> masked = run.items.stream()
                .map(item -> new CheckItem(item.getName(), item.getStatus(), run.masker().mask(item.getMessage())))
                .toList();
        InstanceCheck saved = checks.save(new InstanceCheck(instanceId, started, Instant.now(clock),
                AuditService.currentActor(), masked));
        audit.record("instance.checked", "instance", instanceId, instance.getName(), "outcome " + saved.getOutcome());
        return saved;
    }

    /** One check in progress: the items so far and the secrets met on the way, to mask them. */
    private final class Run {
        final Instance instance;
        final ProductProfile product;
        final Deployment deployment;
        final List<CheckItem> items = new ArrayList<>();
        final List<String> secrets = new ArrayList<>();
        DbVendor vendor;

        Run(Instance instance, ProductProfile product) {
            this.instance = instance;
            this.product = product;
            this.deployment = Deployment.of(instance);
            secrets.add(instance.getSshPassword());
            secrets.add(instance.getSshPassphrase());
            secrets.add(instance.getDbPassword());
        }

        SecretMasker masker() {
            return new SecretMasker(secrets);
        }

        void execute() {
            long t0 = System.nanoTime();
            try (SshSession session = connections.openSsh(instance)) {
                items.add(CheckItem.ok("SSH", "Logged in as " + instance.getSshUser() + " on " + instance.getSshHost()
                        + ":" + instance.getSshPort() + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms; host key "
                        + session.hostKey().type() + " " + session.hostKey().fingerprint() + " (pinned)"));
                onSession(session);
            } catch (RemoteException e) {
                if (e.presentedHostKey() != null) {
                    instances.rememberSeenHostKey(instance.getId(), e.presentedHostKey());
                }
                items.add(CheckItem.blocking("SSH", e.getMessage()));
                skipRest("SSH login failed");
            }
        }

        private void onSession(SshSession session) {
            items.add(os(session));
            if (deployment.type() != DeploymentType.HOST) {
                CommandResult status = run(session, deployment.statusCommand());
                String state = status.stdout().trim();
                boolean running = status.ok() && (state.equals("running") || state.equals("Running"));
                items.add(new CheckItem("Deployment", running ? CheckStatus.OK : CheckStatus.BLOCKING,
                        running ? "Reached " + deployment.describe() + " (" + state + ")"
                                : "Cannot reach " + deployment.describe() + ": " + firstLine(status)));
                if (!running) {
                    skipRest("the " + deployment.type().label().toLowerCase() + " is not reachable");
                    return;
                }
            }
            String path = instance.getInstallPath();
            CommandResult exists = inside(session, "test -d " + quote(path));
            if (!exists.ok()) {
                items.add(CheckItem.blocking("Install path", path + " does not exist " + deployment.describe()));
                skipRest("the install path does not exist");
                return;
            }
            items.add(CheckItem.ok("Install path", path + " exists " + deployment.describe()));
            items.add(disk(session, path));
            Optional<EnvFile> env = env(session, path);
            for (RemoteProbe probe : product.probes(instance)) {
                items.add(probe.interpret().apply(inside(session, probe.command())));
            }
            database(session, env);
            tools(session);
        }

        private CheckItem os(SshSession session) {
            CommandResult r = run(session, "uname -srm; (. /etc/os-release 2>/dev/null && echo \"$PRETTY_NAME\")");
            String[] lines = r.stdout().strip().split("\\R");
            return r.ok() && lines.length > 0 && !lines[0].isBlank()
                    ? CheckItem.ok("OS", String.join(" · ", lines))
                    : CheckItem.warning("OS", "Could not tell the operating system: " + firstLine(r));
        }

        private CheckItem disk(SshSession session, String path) {
            CommandResult r = inside(session, "df -Pk " + quote(path) + " | tail -n 1");
            String[] cols = r.stdout().trim().split("\\s+");
            if (!r.ok() || cols.length < 4 || !cols[3].matches("\\d+")) {
                return CheckItem.warning("Free disk", "Could not read free space at " + path + ": " + firstLine(r));
            }
            long freeKib = Long.parseLong(cols[3]);
            String text = humanKib(freeKib) + " free at " + path + " (" + cols[cols.length - 1] + ")";
            if (freeKib < NO_DISK_KIB) {
                return CheckItem.blocking("Free disk", text + ": too little for a backup");
            }
            return freeKib < LOW_DISK_KIB ? CheckItem.warning("Free disk", text + ": backups may not fit")
                    : CheckItem.ok("Free disk", text);
        }

        private Optional<EnvFile> env(SshSession session, String path) {
            Optional<EnvFile> read = connections.readEnv(instance, session);
            if (read.isEmpty()) {
                items.add(CheckItem.blocking(product.envFileName(), "No " + product.envFileName() + " at " + path + "/"
                        + product.envFileName() + ": the instance's settings and " + product.appKeyName() + " cannot be read"));
                return Optional.empty();
            }
            EnvFile env = read.get();
            env.keys().stream().filter(product::isSecretEnvKey).forEach(k -> env.get(k).ifPresent(secrets::add));
            List<String> missing = product.requiredEnvKeys().stream().filter(k -> !env.has(k)).toList();
            String keyHash = env.get(product.appKeyName()).filter(v -> !v.isEmpty())
                    .map(v -> product.appKeyName() + " sha256:" + shortHash(v)).orElse(product.appKeyName() + " missing");
            String text = env.keys().size() + " keys (" + String.join(", ", env.keys()) + "); " + keyHash;
            items.add(missing.isEmpty() ? CheckItem.ok(product.envFileName(), text)
                    : CheckItem.blocking(product.envFileName(), text + "; missing: " + String.join(", ", missing)));
            return Optional.of(env);
        }

        private void database(SshSession session, Optional<EnvFile> env) {
            DbSettings discovered = env.map(e -> product.databaseFrom(e, instance.getInstallPath())).orElse(null);
            DbSettings settings = DbSettingsMerge.effective(instance, discovered);
            if (settings == null || settings.vendor() == null) {
                items.add(CheckItem.blocking("Database", env.isPresent()
                        ? "The DB connection is neither set in " + product.envFileName() + " nor overridden"
                        : "No " + product.envFileName() + " to discover the DB from, and no override set"));
                return;
            }
            secrets.add(settings.password());
            vendor = settings.vendor();
            String source = DbSettingsMerge.describeSource(instance, discovered);
            if (settings.vendor() == DbVendor.SQLITE) {
                items.add(CheckItem.ok("Database", settings.describe() + " (" + source + ")"));
                CommandResult file = inside(session, "test -f " + quote(settings.sqlitePath()) + " && { command -v sqlite3"
                        + " >/dev/null || echo no-sqlite3; }");
                if (!file.ok()) {
                    items.add(CheckItem.blocking("DB reachable", "No file " + settings.sqlitePath() + " "
                            + deployment.describe()));
                } else if (file.stdout().contains("no-sqlite3") && deployment.type() != DeploymentType.HOST) {
                    // an image need not carry the sqlite3 command (Fief's has Python only): a product's flows may read
                    // the file through a copy, and say in their own pre-flight what they need
                    items.add(CheckItem.warning("DB reachable", settings.sqlitePath() + " is there; the "
                            + deployment.kindLabel() + " has no sqlite3 command to open it with"));
                } else {
                    CommandResult r = inside(session, "sqlite3 " + quote(settings.sqlitePath()) + " 'select sqlite_version();'");
                    items.add(r.ok() ? CheckItem.ok("DB reachable", "SQLite " + r.stdout().trim())
                            : CheckItem.blocking("DB reachable", "Cannot open " + settings.sqlitePath()
                                    + " with sqlite3: " + firstLine(r)));
                }
                return;
            }
            Optional<String> incomplete = DbSettingsMerge.incomplete(settings);
            if (incomplete.isPresent()) {
                items.add(CheckItem.blocking("Database", settings.vendor().label() + ": " + incomplete.get()));
                return;
            }
            items.add(CheckItem.ok("Database", settings.describe() + " (" + source + ")"));
            boolean tunnel = instance.getDbAccess() == DbAccess.TUNNEL;
            try (InstanceDbConnection db = connections.openDb(instance, session, settings)) {
                items.add(CheckItem.ok("DB reachable", db.serverVersion() + (tunnel ? " (through the SSH tunnel)" : " (direct)")));
            } catch (DatabaseException | RemoteException e) {
                items.add(CheckItem.blocking("DB reachable", e.getMessage()));
            }
        }

        private void tools(SshSession session) {
            StringBuilder script = new StringBuilder();
            for (String tool : TOOLS) {
                script.append("printf '%s ' ").append(quote(tool)).append("; command -v ").append(quote(tool))
                        .append(" || echo -; ");
            }
            CommandResult inside = inside(session, script.toString());
            Map<String, String> found = parseTools(inside.stdout());
            // docker and kubectl are needed on the SSH host, not inside the container
            Map<String, String> onHost = deployment.type() == DeploymentType.HOST ? found
                    : parseTools(run(session, script.toString()).stdout());
            List<String> present = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String tool : TOOLS) {
                boolean hostTool = tool.equals("docker") || tool.equals("kubectl");
                ((hostTool ? onHost : found).containsKey(tool) ? present : missing).add(tool);
            }
            List<String> lacking = neededTools().stream()
                    .filter(alternatives -> alternatives.stream().noneMatch(present::contains))
                    .map(alternatives -> String.join(" or ", alternatives)).toList();
            String text = "present: " + (present.isEmpty() ? "none" : String.join(", ", present)) + "; missing: "
                    + (missing.isEmpty() ? "none" : String.join(", ", missing));
            items.add(lacking.isEmpty() ? CheckItem.ok("Tools", text)
                    : CheckItem.warning("Tools", text + "; this instance's flows need " + String.join(", ", lacking)));
        }

        /** Each entry lists tools of which one is enough. */
        private List<List<String>> neededTools() {
            List<List<String>> needed = new ArrayList<>();
            if (vendor != null) {
                needed.addAll(switch (vendor) {
                    case MYSQL -> List.of(List.of("mysqldump", "mariadb-dump"), List.of("mysql"));
                    case PGSQL -> List.of(List.of("pg_dump"), List.of("psql"));
                    case SQLITE -> List.of(List.of("sqlite3"));
                    case SQLSRV -> List.<List<String>>of();
                });
            }
            if (deployment.type() == DeploymentType.DOCKER) {
                needed.add(List.of("docker"));
            } else if (deployment.type() == DeploymentType.KUBERNETES) {
                needed.add(List.of("kubectl"));
            }
            return needed;
        }

        private CommandResult inside(SshSession session, String command) {
            return run(session, deployment.wrap(command));
        }

        private CommandResult run(SshSession session, String command) {
            return session.run(command, commandTimeout);
        }

        private void skipRest(String reason) {
            items.add(CheckItem.blocking("Not checked", "Install path, disk, " + product.envFileName()
                    + ", runtime, app version, database and tools were not checked: " + reason));
        }
    }

    private static Map<String, String> parseTools(String out) {
        Map<String, String> found = new LinkedHashMap<>();
        for (String line : out.split("\\R")) {
            String[] parts = line.trim().split("\\s+", 2);
            if (parts.length == 2 && !parts[1].equals("-")) {
                found.put(parts[0], parts[1]);
            }
        }
        return found;
    }

    static String firstLine(CommandResult r) {
        String text = !r.stderr().isBlank() ? r.stderr() : r.stdout();
        String line = text.strip().lines().findFirst().orElse("");
        return line.isEmpty() ? "exit code " + r.exitCode() : line;
    }

    static String humanKib(long kib) {
        if (kib >= 1024L * 1024) {
            return String.format("%.1f GiB", kib / (1024.0 * 1024));
        }
        return kib >= 1024 ? String.format("%.1f MiB", kib / 1024.0) : kib + " KiB";
    }

    /** Enough to tell two keys apart, nothing to recover one from. */
    public static String shortHash(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
