package dev.migrationpanel.dreamfactory;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.stereotype.Service;

import dev.migrationpanel.artifact.ArtifactProperties;
import dev.migrationpanel.database.DatabaseException;
import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.instance.CheckItem;
import dev.migrationpanel.instance.CheckStatus;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.product.BothSides;
import dev.migrationpanel.product.InstancePairing;
import dev.migrationpanel.product.DumpRoom;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.SystemDbReader;
import dev.migrationpanel.remote.CommandResult;
import dev.migrationpanel.remote.RemoteException;
import dev.migrationpanel.remote.SshSession;

/**
 * What the migration needs to know of both sides before a plan is made, and the wizard's pre-flight:
 * connectivity, the vendor tools, PHP on the target, DB engines and versions (the guide's MySQL 5.6 → 5.7+
 * strict-mode warning), the UI architecture change between majors, room for the dump, same DB vendor, and
 * whether the target is a fresh install. Reads only.
 */
@Service
class MigrationPreflight {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern MYSQL_VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");

    private final InstanceConnections connections;
    private final DreamFactorySteps steps;
    private final SystemDbReader reader;
    private final InstancePairing pairing;

    MigrationPreflight(InstanceConnections connections, DreamFactorySteps steps, SystemDbReader reader,
            InstancePairing pairing) {
        this.connections = connections;
        this.steps = steps;
        this.reader = reader;
        this.pairing = pairing;
    }

    /** Facts of both sides, and what makes the target not a fresh install (empty when it is one). */
    record Pair(DreamFactorySteps.Facts source, DreamFactorySteps.Facts target, List<String> targetContent) {
    }

    Pair facts(Instance source, Instance target) {
        BothSides.Read<DreamFactorySteps.Facts, DreamFactorySteps.Facts> sides = BothSides.read(() -> steps.read(source),
                () -> steps.read(target));
        DreamFactorySteps.Facts s = sides.source();
        DreamFactorySteps.Facts t = sides.target();
        List<String> content = List.of();
        if (s.db().vendor() != DbVendor.SQLSRV && t.db().vendor() != DbVendor.SQLSRV) {
            try (SshSession ssh = connections.openSsh(target)) {
                content = installedContent(target, ssh, t.db().vendor());
            }
        }
        return new Pair(s, t, content);
    }

    /** Why this pair cannot be migrated as asked; empty when it can. */
    static List<String> refusals(Instance source, Pair pair, Instance target, boolean wipeConfirmed) {
        List<String> refusals = new ArrayList<>();
        if (source.getId() != null && source.getId().equals(target.getId())) {
            refusals.add("Source and target are the same instance: a migration never writes to its source");
        }
        if (!DreamFactoryProfile.ID.equals(target.getProduct())) {
            refusals.add("The target " + target.getName() + " is not a DreamFactory instance");
        }
        DbVendor from = pair.source().db().vendor();
        DbVendor to = pair.target().db().vendor();
        if (from == DbVendor.SQLSRV || to == DbVendor.SQLSRV) {
            refusals.add("SQL Server system DBs are not supported yet: the guide exports and imports them with SQL Server "
                    + "Management Studio, which the panel cannot run (it can read them over JDBC for the checks only)");
        } else if (from != to) {
            refusals.add("The source's system DB is " + from.label() + ", the target's is " + to.label()
                    + ": a native dump does not cross vendors; install the target on " + from.label());
        }
        if (!pair.source().cipher().equals(pair.target().cipher())) {
            refusals.add("The source encrypts with APP_CIPHER=" + pair.source().cipher() + ", the target with "
                    + pair.target().cipher() + ": with the source's APP_KEY the target could neither start nor decrypt "
                    + "the source's values; set APP_CIPHER=" + pair.source().cipher() + " in the target's .env and plan again");
        }
        if (!pair.targetContent().isEmpty() && !wipeConfirmed) {
            refusals.add("The target is not a fresh install (" + String.join(", ", pair.targetContent())
                    + "): confirm that its system DB may be wiped");
        }
        return refusals;
    }

    /**
     * What the target's system DB holds beyond a fresh install's: the installer creates the default services
     * and apps and the one admin of the setup wizard; users, roles, lookups or other services are the admin's.
     */
    List<String> installedContent(Instance target, SshSession ssh, DbVendor vendor) {
        List<String> found = new ArrayList<>();
        long users = count(target, ssh, vendor, "user", null);
        if (users > 1) {
            found.add(users + " users");
        }
        long roles = count(target, ssh, vendor, "role", null);
        if (roles > 0) {
            found.add(roles + " role(s)");
        }
        long lookups = count(target, ssh, vendor, "lookup", null);
        if (lookups > 0) {
            found.add(lookups + " lookup(s)");
        }
        long services = count(target, ssh, vendor, "service", DreamFactoryProfile.INSTALLER_SERVICES);
        if (services > 0) {
            found.add(services + " service(s) of its own");
        }
        return found;
    }

    /** Rows of a table (0 when it does not exist); with {@code except}, rows whose name is not one of them. */
    private long count(Instance instance, SshSession ssh, DbVendor vendor, String table, List<String> except) {
        String name = vendor.quoteName(table);
        String where = except == null ? "" : " WHERE name NOT IN (" + String.join(", ",
                except.stream().map(n -> "'" + n + "'").toList()) + ")";
        try {
            List<Map<String, String>> rows = reader.query(instance, ssh, "SELECT count(*) AS n FROM " + name + where);
            return rows.isEmpty() ? 0 : Long.parseLong(rows.get(0).values().iterator().next());
        } catch (DatabaseException e) {
            if (e.getMessage() != null && e.getMessage().toLowerCase().matches(".*(no such table|doesn't exist|does not exist).*")) {
                return 0;
            }
            throw e;
        }
    }

    /** The wizard's pre-flight of a pair: one list of items per side, then the pair's. */
    record Report(List<CheckItem> source, List<CheckItem> target, List<CheckItem> pair, List<String> refusals,
            boolean strictModeAdvised, boolean targetFresh) {

        public boolean blocked() {
            return !refusals.isEmpty() || all().stream().anyMatch(i -> i.getStatus() == CheckStatus.BLOCKING);
        }

        public boolean warned() {
            return all().stream().anyMatch(i -> i.getStatus() == CheckStatus.WARNING);
        }

        List<CheckItem> all() {
            List<CheckItem> all = new ArrayList<>(source);
            all.addAll(target);
            all.addAll(pair);
            return all;
        }
    }

    Report run(Instance source, Instance target) {
        List<CheckItem> s = new ArrayList<>();
        List<CheckItem> t = new ArrayList<>();
        List<CheckItem> p = new ArrayList<>();
        BothSides.Read<Side, Side> sides = BothSides.read(() -> side(source, s, true), () -> side(target, t, false));
        Side from = sides.source();
        Side to = sides.target();
        boolean strict = false;
        boolean fresh = true;
        List<String> refusals = new ArrayList<>();
        if (from.facts != null && to.facts != null) {
            DbVendor fv = from.facts.db().vendor();
            DbVendor tv = to.facts.db().vendor();
            p.add(InstancePairing.sameVendor(from.common, to.common, "a native dump does not cross vendors"));
            strict = fv == DbVendor.MYSQL && isMySql56(from.engine) && tv == DbVendor.MYSQL && !isMySql56(to.engine)
                    && to.engine != null && !to.engine.toLowerCase().contains("mariadb");
            if (strict) {
                p.add(CheckItem.warning("MySQL strict mode", "Source runs MySQL " + from.engine + ", target " + to.engine
                        + ": the guide turns strict mode off on the target ('strict' => false in config/database.php); "
                        + "the option below does it"));
            }
            p.add(uiArchitecture(from.facts.version(), to.facts.version()));
            List<String> content = List.of();
            if (fv != DbVendor.SQLSRV && tv != DbVendor.SQLSRV) {
                try (SshSession ssh = connections.openSsh(target)) {
                    content = installedContent(target, ssh, tv);
                } catch (RuntimeException e) {
                    p.add(CheckItem.warning("Fresh target", "Could not read the target's system DB: " + e.getMessage()));
                }
            }
            fresh = content.isEmpty();
            p.add(fresh ? CheckItem.ok("Fresh target", "The target's system DB holds no more than a fresh install's")
                    : CheckItem.warning("Fresh target", "The target holds " + String.join(", ", content)
                            + ": migrate:fresh wipes it; confirm below to go on"));
            // a target that is not fresh is a warning here: the wizard asks for the confirmation the plan needs
            refusals.addAll(refusals(source, new Pair(from.facts, to.facts, content), target, true));
            p.add(pairing.roomForDump(from.common, to.common));
        } else {
            refusals.add("Both instances must be reachable to plan the migration");
        }
        return new Report(s, t, p, refusals, strict, fresh);
    }

    /** Facts of one side, and what the pair checks need from it. */
    private static final class Side {
        InstancePairing.Side common;
        DreamFactorySteps.Facts facts;
        String engine;
    }

    /** The shared kit's side (connectivity, DB tools and engine, sizes), then DreamFactory's version and PHP. */
    private Side side(Instance instance, List<CheckItem> items, boolean isSource) {
        Side side = new Side();
        side.common = pairing.side(instance, isSource);
        items.addAll(side.common.items());
        if (!side.common.reachable()) {
            return side;
        }
        side.engine = side.common.engine();
        Deployment deployment = Deployment.of(instance);
        try (SshSession ssh = connections.openSsh(instance)) {
            side.facts = steps.read(instance);
            items.add(1, CheckItem.ok("Version", "DreamFactory " + (side.facts.version() == null ? "(unknown)" : side.facts.version())));
            if (!isSource) {
                CommandResult php = ssh.run(deployment.wrap("php -r 'echo PHP_VERSION;'"), TIMEOUT);
                String v = php.stdout().trim();
                items.add(!php.ok() ? CheckItem.blocking("PHP", "php is not installed " + deployment.describe())
                        : atLeast(v, DreamFactoryProfile.MIN_PHP) ? CheckItem.ok("PHP", v + " (DreamFactory needs 8.1 or later)")
                        : CheckItem.blocking("PHP", v + ": DreamFactory needs PHP 8.1 or later"));
            }
        } catch (RemoteException | DatabaseException e) {
            items.add(CheckItem.blocking("Connectivity", e.getMessage()));
        }
        return side;
    }

    /** The guide: from a release with the bundled admin UI to one with the separate admin interface package. */
    static CheckItem uiArchitecture(String from, String to) {
        int a = major(from);
        int b = major(to);
        if (a < 0 || b < 0) {
            return CheckItem.warning("Admin UI", "Cannot tell the versions apart (" + from + " → " + to + "): if the "
                    + "source bundles the admin UI, the target needs the separate df-admin-interface package built");
        }
        return a < b ? CheckItem.warning("Admin UI", "From " + from + " to " + to + " crosses a major version: older "
                + "releases bundle the admin UI, newer ones use the separate df-admin-interface package (Node.js, npm) — "
                + "make sure the target has it built and deployed")
                : CheckItem.ok("Admin UI", "Same major version (" + from + " → " + to + "): same admin UI architecture");
    }

    static boolean isMySql56(String engine) {
        if (engine == null || engine.toLowerCase().contains("mariadb")) {
            return false;
        }
        Matcher m = MYSQL_VERSION.matcher(engine);
        return m.find() && (Integer.parseInt(m.group(1)) < 5 || m.group(1).equals("5") && Integer.parseInt(m.group(2)) <= 6);
    }

    private static int major(String version) {
        return version != null && version.matches("\\d+(\\..*)?") ? Integer.parseInt(version.split("\\.")[0]) : -1;
    }

    private static boolean atLeast(String version, int[] min) {
        Matcher m = MYSQL_VERSION.matcher(version);
        if (!m.find()) {
            return false;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        return major > min[0] || major == min[0] && minor >= min[1];
    }

    /** For the wizard's target list: the other registered DreamFactory instances. */
    List<Instance> candidates(Instance source) {
        return pairing.candidates(source);
    }
}
