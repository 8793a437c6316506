package dev.migrationpanel.dreamfactory;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.database.DumpCommands;
import dev.migrationpanel.instance.Deployment;
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

    /** The {@code .env} into the artifact store (encrypted): by SFTP, or copied out of the container or pod first. */
    static List<Step> captureEnv(Instance instance, Facts facts) {
        Deployment deployment = Deployment.of(instance);
        String env = instance.getInstallPath() + "/.env";
        String artifact = instance.getName() + ".env";
        if (!deployment.copiesThroughHost()) {
            return List.of(new Step("Capture .env", instance.getId(), instance.getName(), false,
                    new StepSpec.Download(env, artifact, "ENV_FILE", true), SHORT, null));
        }
        String staged = facts.workDir() + "/" + instance.getId() + ".env";
        return List.of(
                workDir(instance, facts),
                new Step("Copy .env out of the " + deployment.kindLabel(), instance.getId(), instance.getName(), false,
                        new StepSpec.RemoteCommand("umask 077 && " + deployment.copyOut(env, staged)), SHORT, null),
                new Step("Capture .env", instance.getId(), instance.getName(), false,
                        new StepSpec.Download(staged, artifact, "ENV_FILE", true), SHORT, null),
                new Step("Remove the staged .env", instance.getId(), instance.getName(), false,
                        new StepSpec.RemoteCommand("rm -f " + quote(staged)), SHORT, null));
    }

    static Step workDir(Instance instance, Facts facts) {
        return new Step("Prepare a private work directory", instance.getId(), instance.getName(), false,
                new StepSpec.RemoteCommand("mkdir -p " + quote(facts.workDir()) + " && chmod 700 " + quote(facts.workDir())),
                SHORT, null);
    }

    /** Where {@link #dbBackup} leaves the dump on the SSH host until it is downloaded (and removed). */
    static String stagedDump(Instance instance, Facts facts, String label) {
        return facts.workDir() + "/dreamfactory-" + instance.getId() + "-" + label + ".sql";
    }

    /**
     * The vendor's DB backup: dump with the vendor tool into a private staging dir, download it, remove it.
     * In a container or pod the dump is made there and copied out to the staging dir first.
     *
     * @return the steps; the download is the one whose artifact later steps refer to ({@link #DUMP_DOWNLOAD_TITLE})
     */
    static List<Step> dbBackup(Instance instance, Facts facts, String label) {
        Long id = instance.getId();
        String name = instance.getName();
        String dumpFile = stagedDump(instance, facts, label);
        DbSettings db = facts.db();
        Deployment deployment = Deployment.of(instance);
        boolean inside = deployment.copiesThroughHost();
        String dumpedAt = inside ? "/tmp/panel-dump-" + id + "-" + label + ".sql" : dumpFile;
        List<Step> steps = new ArrayList<>();
        steps.add(workDir(instance, facts));
        steps.add(new Step("Dump the system DB (" + db.vendor().label() + ")", id, name, false,
                new StepSpec.RemoteCommand(deployment.wrap("umask 077 && "
                        + DumpCommands.dump(db, dumpedAt, db.vendor() == DbVendor.MYSQL))), LONG, "rm -f " + dumpedAt));
        if (inside) {
            steps.add(new Step("Copy the dump out of the " + deployment.kindLabel(), id, name, false,
                    new StepSpec.RemoteCommand("umask 077 && " + deployment.copyOut(dumpedAt, dumpFile) + " && "
                            + deployment.wrap("rm -f " + quote(dumpedAt))), LONG, null));
        }
        steps.add(new Step(DUMP_DOWNLOAD_TITLE, id, name, false,
                new StepSpec.Download(dumpFile, name + "-" + label + "-" + db.vendor().code() + "-dump.sql",
                        "DB_DUMP", true), LONG, null));
        steps.add(new Step("Remove the staged dump", id, name, false,
                new StepSpec.RemoteCommand("rm -f " + quote(dumpFile)), SHORT, null));
        return steps;
    }

    static final String DUMP_DOWNLOAD_TITLE = "Download the dump";

    /** A step of the vendor procedure this plan does not run, shown with the reason. */
    static Step note(Instance instance, String title, String why) {
        return new Step(title, instance.getId(), instance.getName(), false, new StepSpec.Note(why), SHORT, null);
    }
}
