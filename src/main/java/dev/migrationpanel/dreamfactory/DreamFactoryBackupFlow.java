package dev.migrationpanel.dreamfactory;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.database.DumpCommands;
import dev.migrationpanel.instance.DeploymentType;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.job.Flow;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.remote.CommandResult;
import dev.migrationpanel.remote.SshSession;
import dev.migrationpanel.web.InvalidInputException;

/**
 * "Back up now": the vendor guide's two backups — the {@code .env} file and a dump of the system DB with
 * the vendor's tool — streamed into the artifact store, encrypted at rest, each with its SHA-256. The
 * install and its DB are only read; the dump is staged in a private directory of the SSH user's home
 * and removed at the end.
 */
@Component
class DreamFactoryBackupFlow implements Flow {

    static final String ID = "dreamfactory.backup";
    static final String WORK_DIR = ".migration-panel";
    private static final Duration SHORT = Duration.ofMinutes(2);
    private static final Duration LONG = Duration.ofHours(2);

    private final InstanceConnections connections;

    DreamFactoryBackupFlow(InstanceConnections connections) {
        this.connections = connections;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Back up now";
    }

    @Override
    public String description() {
        return "Copies the .env file and a dump of the system DB into the panel's artifact store (encrypted, with "
                + "SHA-256, downloadable). Changes nothing on the instance. Plain-host installs only for now.";
    }

    @Override
    public boolean appliesTo(Instance instance) {
        return DreamFactoryProfile.ID.equals(instance.getProduct()) && instance.getDeploymentType() == DeploymentType.HOST;
    }

    @Override
    public Plan plan(Instance instance, Map<String, String> options) {
        String home;
        DbSettings db;
        try (SshSession ssh = connections.openSsh(instance)) {
            CommandResult r = ssh.run("printf %s \"$HOME\"", SHORT);
            home = r.stdout().trim();
            if (!r.ok() || !home.startsWith("/")) {
                throw InvalidInputException.of("instance", "Cannot tell the home directory of " + instance.getSshUser()
                        + " on " + instance.getName() + ": the backup is staged there");
            }
            db = connections.dbSettings(instance, ssh);
        }
        String work = home + "/" + WORK_DIR;
        String dumpFile = work + "/dreamfactory-" + instance.getId() + "-dump.sql";
        Long id = instance.getId();
        String name = instance.getName();
        String envFile = instance.getInstallPath() + "/.env";
        return new Plan(ID, "Back up " + name, id, name, List.of(
                new Step("Capture .env", id, name, false,
                        new StepSpec.Download(envFile, name + ".env", "ENV_FILE", true), SHORT, null),
                new Step("Prepare a private work directory", id, name, false,
                        new StepSpec.RemoteCommand("mkdir -p " + quote(work) + " && chmod 700 " + quote(work)), SHORT,
                        null),
                new Step("Dump the system DB (" + db.vendor().label() + ")", id, name, false,
                        new StepSpec.RemoteCommand("umask 077 && " + DumpCommands.dump(db, dumpFile,
                                db.vendor() == DbVendor.MYSQL)), LONG, "rm -f " + dumpFile),
                new Step("Download the dump", id, name, false,
                        new StepSpec.Download(dumpFile, name + "-" + db.vendor().code() + "-dump.sql", "DB_DUMP", true),
                        LONG, null),
                new Step("Remove the staged dump", id, name, false,
                        new StepSpec.RemoteCommand("rm -f " + quote(dumpFile)), SHORT, null)));
    }
}
