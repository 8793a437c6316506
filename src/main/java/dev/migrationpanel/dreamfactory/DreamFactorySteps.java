package dev.migrationpanel.dreamfactory;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.database.DumpCommands;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.remote.CommandResult;
import dev.migrationpanel.remote.SshSession;
import dev.migrationpanel.web.InvalidInputException;

/**
 * Steps the DreamFactory flows share, and what a plan needs to know of the instance before it is built
 * (read over SSH, never changed): the SSH user's home (where dumps are staged), the system DB, the version.
 */
@Component
class DreamFactorySteps {

    static final String WORK_DIR = ".migration-panel";
    static final Duration SHORT = Duration.ofMinutes(2);
    static final Duration LONG = Duration.ofHours(2);
    private static final Pattern VERSION = Pattern.compile("'version'\\s*=>\\s*'([^']+)'");

    private final InstanceConnections connections;

    DreamFactorySteps(InstanceConnections connections) {
        this.connections = connections;
    }

    /** What a plan is built from; reading it changes nothing. */
    record Facts(String home, DbSettings db, String version) {
        String workDir() {
            return home + "/" + WORK_DIR;
        }
    }

    Facts read(Instance instance) {
        try (SshSession ssh = connections.openSsh(instance)) {
            CommandResult r = ssh.run("printf %s \"$HOME\"", SHORT);
            String home = r.stdout().trim();
            if (!r.ok() || !home.startsWith("/")) {
                throw InvalidInputException.of("instance", "Cannot tell the home directory of " + instance.getSshUser()
                        + " on " + instance.getName() + ": dumps are staged there");
            }
            DbSettings db = connections.dbSettings(instance, ssh);
            CommandResult config = ssh.run("cat " + quote(instance.getInstallPath() + "/config/df.php"), SHORT);
            Matcher m = VERSION.matcher(config.stdout());
            return new Facts(home, db, config.ok() && m.find() ? m.group(1) : null);
        }
    }

    static Step captureEnv(Instance instance) {
        return new Step("Capture .env", instance.getId(), instance.getName(), false,
                new StepSpec.Download(instance.getInstallPath() + "/.env", instance.getName() + ".env", "ENV_FILE", true),
                SHORT, null);
    }

    /** The vendor's DB backup: dump with the vendor tool into a private staging dir, download it, remove it. */
    static List<Step> dbBackup(Instance instance, Facts facts, String label) {
        Long id = instance.getId();
        String name = instance.getName();
        String work = facts.workDir();
        String dumpFile = work + "/dreamfactory-" + id + "-" + label + ".sql";
        DbSettings db = facts.db();
        return List.of(
                new Step("Prepare a private work directory", id, name, false,
                        new StepSpec.RemoteCommand("mkdir -p " + quote(work) + " && chmod 700 " + quote(work)), SHORT, null),
                new Step("Dump the system DB (" + db.vendor().label() + ")", id, name, false,
                        new StepSpec.RemoteCommand("umask 077 && " + DumpCommands.dump(db, dumpFile, db.vendor() == DbVendor.MYSQL)),
                        LONG, "rm -f " + dumpFile),
                new Step("Download the dump", id, name, false,
                        new StepSpec.Download(dumpFile, name + "-" + label + "-" + db.vendor().code() + "-dump.sql",
                                "DB_DUMP", true), LONG, null),
                new Step("Remove the staged dump", id, name, false,
                        new StepSpec.RemoteCommand("rm -f " + quote(dumpFile)), SHORT, null));
    }
}
