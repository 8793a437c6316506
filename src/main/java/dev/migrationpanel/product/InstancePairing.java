package dev.migrationpanel.product;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Component;

import dev.migrationpanel.artifact.ArtifactProperties;
import dev.migrationpanel.database.DatabaseException;
import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.instance.CheckItem;
import dev.migrationpanel.instance.CheckStatus;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.ProductProfiles;
import dev.migrationpanel.instance.SystemDbReader;
import dev.migrationpanel.remote.CommandResult;
import dev.migrationpanel.remote.RemoteException;
import dev.migrationpanel.remote.SshSession;
import dev.migrationpanel.web.InvalidInputException;
import dev.migrationpanel.web.NotFoundException;

/**
 * The source → target pairing every product's two-instance flow shares: which registered instances can be a
 * source's target, the refusals of a pair whatever the product (the same instance, another product, an instance
 * that is not registered), and each side's product-neutral pre-flight — connectivity, the vendor's DB tools, the DB
 * engine, how large the source's DB is and the room the target and the panel have for its copy. Reads only.
 */
@Component
public class InstancePairing {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final InstanceService instances;
    private final InstanceConnections connections;
    private final SystemDbReader reader;
    private final DumpRoom room;
    private final ProductProfiles profiles;
    private final ArtifactProperties artifactProperties;

    InstancePairing(InstanceService instances, InstanceConnections connections, SystemDbReader reader, DumpRoom room,
            ProductProfiles profiles, ArtifactProperties artifactProperties) {
        this.instances = instances;
        this.connections = connections;
        this.reader = reader;
        this.room = room;
        this.profiles = profiles;
        this.artifactProperties = artifactProperties;
    }

    /** The wizard's target list: the other registered instances of the source's product. */
    public List<Instance> candidates(Instance source) {
        return instances.list().stream().filter(i -> source.getProduct().equals(i.getProduct())
                && !i.getId().equals(source.getId())).toList();
    }

    /**
     * The target named by the option {@code target}: a registered instance of the source's product, not the source.
     *
     * @throws InvalidInputException on the field {@code target}, in one line, when it is not
     */
    public Instance target(Instance source, String targetId) {
        String id = targetId == null ? "" : targetId.trim();
        String product = profiles.find(source.getProduct()).map(p -> p.displayName()).orElse(source.getProduct());
        if (id.isEmpty()) {
            throw InvalidInputException.of("target", "Choose the target: another registered " + product + " instance");
        }
        if (!id.matches("\\d{1,18}")) {
            throw InvalidInputException.of("target", "Name the target instance by its id");
        }
        Instance target;
        try {
            target = instances.get(Long.parseLong(id));
        } catch (NotFoundException e) {
            throw InvalidInputException.of("target", "The target instance " + id + " is not registered");
        }
        if (target.getId().equals(source.getId())) {
            throw InvalidInputException.of("target", "Source and target are the same instance: a migration never "
                    + "writes to its source");
        }
        if (!source.getProduct().equals(target.getProduct())) {
            throw InvalidInputException.of("target", "The target " + target.getName() + " is not a " + product
                    + " instance");
        }
        return target;
    }

    /** What one side's product-neutral pre-flight found, and the facts the pair's checks weigh. */
    public record Side(List<CheckItem> items, HostFacts facts, String engine, long dbBytes, long workDirFree) {

        public boolean reachable() {
            return facts != null;
        }
    }

    /**
     * One side's product-neutral pre-flight: connectivity, the dump tool on a source and the import tool on a
     * target, the DB engine; the source's DB size, the target's free room in the panel's work directory.
     */
    public Side side(Instance instance, boolean isSource) {
        List<CheckItem> items = new ArrayList<>();
        Deployment deployment = Deployment.of(instance);
        HostFacts facts = null;
        String engine = null;
        long dbBytes = -1;
        long free = -1;
        try (SshSession ssh = connections.openSsh(instance)) {
            items.add(CheckItem.ok("Connectivity", instance.getSshUser() + "@" + instance.getSshHost() + " "
                    + deployment.describe()));
            facts = HostFacts.read(instance, ssh, connections);
            DbSettings db = facts.db();
            String tool = switch (db.vendor()) {
                case MYSQL -> isSource ? "mysqldump" : "mysql";
                case PGSQL -> isSource ? "pg_dump" : "psql";
                case SQLITE -> "sqlite3";
                case SQLSRV -> null;
            };
            if (tool == null) {
                items.add(CheckItem.blocking("DB tools", "SQL Server: the vendors' guides use SQL Server Management "
                        + "Studio; the panel cannot dump or import it yet"));
            } else {
                CommandResult r = ssh.run(deployment.wrap("command -v " + tool), TIMEOUT);
                items.add(r.ok() ? CheckItem.ok("DB tools", tool + " at " + r.stdout().trim())
                        : CheckItem.blocking("DB tools", tool + " is not installed " + deployment.describe()));
            }
            try {
                engine = reader.engineVersion(instance, ssh);
                items.add(CheckItem.ok("DB engine", db.vendor().label() + ": " + engine));
            } catch (DatabaseException e) {
                items.add(CheckItem.blocking("DB engine", e.getMessage()));
            }
            if (isSource) {
                try {
                    dbBytes = room.dbBytes(instance, ssh, db);
                } catch (DatabaseException | RemoteException e) {
                    dbBytes = -1; // said as "an unknown amount"; the room item then warns
                }
            } else {
                CommandResult df = ssh.run("mkdir -p " + quote(facts.workDir()) + " && df -Pk " + quote(facts.workDir())
                        + " | tail -n 1 | awk '{print $4}'", TIMEOUT);
                free = df.ok() && df.stdout().trim().matches("\\d+") ? Long.parseLong(df.stdout().trim()) * 1024 : -1;
            }
        } catch (RemoteException | DatabaseException | InvalidInputException e) {
            items.add(CheckItem.blocking("Connectivity", e.getMessage()));
        }
        return new Side(items, facts, engine, dbBytes, free);
    }

    /** Same DB vendor on both sides, else BLOCKING with {@code why} (the product guide's reason and way forward). */
    public static CheckItem sameVendor(Side source, Side target, String why) {
        DbVendor from = source.facts().db().vendor();
        DbVendor to = target.facts().db().vendor();
        return from == to ? CheckItem.ok("Same DB vendor", from.label() + " on both sides")
                : CheckItem.blocking("Same DB vendor", "Source " + from.label() + ", target " + to.label() + ": " + why);
    }

    /** The source's DB copy is stored by the panel and may be staged on the target: both need room for it. */
    public CheckItem roomForDump(Side source, Side target) {
        long panelFree = room.panelFree();
        String text = "the source DB holds " + DumpRoom.mib(source.dbBytes()) + "; " + DumpRoom.mib(target.workDirFree())
                + " free in the target's staging directory, " + DumpRoom.mib(panelFree) + " free in the panel's "
                + "artifact store (the dump is kept " + artifactProperties.keepDays() + " days there)";
        if (target.workDirFree() < 0 || source.dbBytes() < 0) {
            return CheckItem.warning("Room for the dump", text);
        }
        return source.dbBytes() > target.workDirFree() ? CheckItem.blocking("Room for the dump", "Target disk too small: " + text)
                : source.dbBytes() > panelFree ? CheckItem.blocking("Room for the dump", "Panel disk too small: " + text)
                : CheckItem.ok("Room for the dump", text);
    }

    /** A pair's pre-flight: one list of items per side, then the pair's own. */
    public record Report(List<CheckItem> source, List<CheckItem> target, List<CheckItem> pair) {

        public boolean blocked() {
            return all().stream().anyMatch(i -> i.getStatus() == CheckStatus.BLOCKING);
        }

        public boolean warned() {
            return all().stream().anyMatch(i -> i.getStatus() == CheckStatus.WARNING);
        }

        public List<CheckItem> all() {
            List<CheckItem> all = new ArrayList<>(source);
            all.addAll(target);
            all.addAll(pair);
            return all;
        }
    }
}
