package dev.migrationpanel.dreamfactory;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.springframework.stereotype.Service;

import dev.migrationpanel.database.DatabaseException;
import dev.migrationpanel.instance.CheckItem;
import dev.migrationpanel.instance.CheckStatus;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.DeploymentType;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.product.DumpRoom;
import dev.migrationpanel.instance.InstanceCheck;
import dev.migrationpanel.instance.InstanceCheckService;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.remote.CommandResult;
import dev.migrationpanel.remote.RemoteException;
import dev.migrationpanel.remote.SshSession;

/**
 * The minor upgrade's pre-flight: a fresh instance check plus what this flow needs — the local changes
 * {@code git stash} will keep, the owners and modes of {@code storage/} and {@code bootstrap/cache/},
 * room beside the install for its file backup, and the refs the origin offers. Reads only.
 */
@Service
class UpgradePreflight {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final InstanceService instances;
    private final InstanceCheckService checks;
    private final InstanceConnections connections;
    private final DumpRoom room;

    UpgradePreflight(InstanceService instances, InstanceCheckService checks, InstanceConnections connections,
            DumpRoom room) {
        this.instances = instances;
        this.checks = checks;
        this.connections = connections;
        this.room = room;
    }

    record Report(InstanceCheck check, List<CheckItem> upgradeItems, List<String> refs) {
        public boolean blocked() {
            return check.getOutcome() == CheckStatus.BLOCKING
                    || upgradeItems.stream().anyMatch(i -> i.getStatus() == CheckStatus.BLOCKING);
        }

        public boolean warned() {
            return check.getOutcome() == CheckStatus.WARNING
                    || upgradeItems.stream().anyMatch(i -> i.getStatus() == CheckStatus.WARNING);
        }
    }

    Report run(long instanceId) {
        InstanceCheck check = checks.check(instanceId);
        Instance instance = instances.get(instanceId);
        List<CheckItem> items = new ArrayList<>();
        List<String> refs = new ArrayList<>();
        if (check.getItems().get(0).getStatus() == CheckStatus.BLOCKING) {
            items.add(CheckItem.blocking("Upgrade checks", "Not run: the instance could not be reached"));
            return new Report(check, items, refs);
        }
        if (instance.getDeploymentType() != DeploymentType.HOST) {
            items.add(CheckItem.blocking("Deployment", "No in-place upgrade " + Deployment.of(instance).describe()
                    + ": " + DreamFactoryMinorUpgradeFlow.NOT_IN_A_CONTAINER));
            return new Report(check, items, refs);
        }
        String path = instance.getInstallPath();
        String parent = path.substring(0, Math.max(1, path.lastIndexOf('/')));
        try (SshSession ssh = connections.openSsh(instance)) {
            CommandResult status = ssh.run("git -C " + quote(path) + " status --porcelain", TIMEOUT);
            List<String> changed = status.stdout().lines().filter(l -> !l.isBlank()).toList();
            items.add(!status.ok() ? CheckItem.blocking("Local changes", "git status failed: " + status.stderr().strip())
                    : changed.isEmpty() ? CheckItem.ok("Local changes", "None: git stash will have nothing to keep")
                    : CheckItem.warning("Local changes", changed.size() + " file(s) git stash will keep aside (and "
                            + "git stash pop can put back): " + String.join(", ", changed.stream().limit(10)
                            .map(l -> l.length() > 3 ? l.substring(3) : l).toList())));

            CommandResult perms = ssh.run("cd " + quote(path) + " && stat -c '%U:%G %a %n' storage bootstrap/cache", TIMEOUT);
            String want = WebSettings.of(instance).owner();
            boolean matches = perms.ok() && want != null
                    && perms.stdout().lines().allMatch(l -> l.startsWith(want + " "));
            items.add(!perms.ok() ? CheckItem.blocking("Permissions", "storage/ or bootstrap/cache/ is missing: " + perms.stderr().strip())
                    : matches ? CheckItem.ok("Permissions", String.join("; ", perms.stdout().lines().toList()))
                    : CheckItem.warning("Permissions", String.join("; ", perms.stdout().lines().toList())
                            + (want == null ? " (no web user set on the instance)" : "; the upgrade sets " + want + " 2775")));

            CommandResult sizes = ssh.run("du -sk " + quote(path) + " | cut -f1; df -Pk " + quote(parent)
                    + " | tail -n 1 | awk '{print $4}'; test -w " + quote(parent) + " && echo writable", TIMEOUT);
            List<String> lines = sizes.stdout().lines().toList();
            if (lines.size() >= 2 && lines.get(0).matches("\\d+") && lines.get(1).matches("\\d+")) {
                long need = Long.parseLong(lines.get(0));
                long free = Long.parseLong(lines.get(1));
                boolean writable = lines.contains("writable");
                String text = "the file backup needs " + need / 1024 + " MiB beside the install; " + free / 1024
                        + " MiB free in " + parent;
                items.add(!writable ? CheckItem.blocking("Room for the backup", parent + " is not writable by "
                        + instance.getSshUser() + ": the file backup goes beside the install")
                        : free < need * 11 / 10 ? CheckItem.blocking("Room for the backup", text)
                        : CheckItem.ok("Room for the backup", text));
            } else {
                items.add(CheckItem.warning("Room for the backup", "Could not measure the install or the free space"));
            }

            items.add(dumpRoom(instance, ssh));

            CommandResult remote = ssh.run("git -C " + quote(path) + " ls-remote --heads --tags origin", TIMEOUT);
            TreeSet<String> names = new TreeSet<>();
            remote.stdout().lines().map(l -> l.replaceFirst("^\\S+\\s+refs/(heads|tags)/", "").replace("^{}", ""))
                    .filter(n -> !n.isBlank()).forEach(names::add);
            refs.addAll(names);
            items.add(remote.ok() ? CheckItem.ok("Releases", names.size() + " branch(es) and tag(s) on origin")
                    : CheckItem.blocking("Releases", "git ls-remote origin failed: " + remote.stderr().strip()));
        } catch (RemoteException e) {
            items.add(CheckItem.blocking("Upgrade checks", e.getMessage()));
        }
        return new Report(check, items, refs);
    }

    /** The dump is staged in the SSH user's home, then stored by the panel: both need room for it. */
    private CheckItem dumpRoom(Instance instance, SshSession ssh) {
        long dbBytes;
        try {
            dbBytes = room.dbBytes(instance, ssh, connections.dbSettings(instance, ssh));
        } catch (DatabaseException | RemoteException e) {
            return CheckItem.warning("Room for the dump", "Could not measure the DB: " + e.getMessage());
        }
        CommandResult home = ssh.run("df -Pk \"$HOME\" | tail -n 1 | awk '{print $4}'", TIMEOUT);
        long homeFree = home.stdout().trim().matches("\\d+") ? Long.parseLong(home.stdout().trim()) * 1024 : -1;
        long panelFree = room.panelFree();
        String text = "the DB holds " + DumpRoom.mib(dbBytes) + "; " + DumpRoom.mib(homeFree) + " free in the SSH user's "
                + "home (staging), " + DumpRoom.mib(panelFree) + " free in the panel's artifact store";
        if (homeFree < 0) {
            return CheckItem.warning("Room for the dump", text);
        }
        return dbBytes > homeFree || dbBytes > panelFree ? CheckItem.blocking("Room for the dump", text)
                : CheckItem.ok("Room for the dump", text);
    }
}
