package dev.migrationpanel.cairncms;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.DeploymentType;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.product.ProductSteps;
import dev.migrationpanel.remote.CommandResult;
import dev.migrationpanel.remote.SshSession;

/**
 * How CairnCMS flows run an install's commands: the CLI and the service's start and stop, each as the instance's
 * ADMIN set it (never user text), as steps of a plan.
 */
final class CairnCommands {

    private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+\\S*");

    private CairnCommands() {
    }

    /**
     * What {@code cairncms --version} printed in the install.
     *
     * @param value the version, or null when it could not be told ({@code error} says why)
     */
    record Version(String value, String error) {
    }

    /** The install's CairnCMS version as its CLI reports it (the CLI as the ADMIN set it), read and never changed. */
    static Version version(Instance instance, SshSession ssh) {
        CommandResult v = ssh.run(inInstall(instance, cli(instance) + " --version"), Duration.ofMinutes(2));
        String version = null;
        for (String line : v.stdout().split("\n")) {
            if (VERSION.matcher(line.trim()).matches()) {
                version = line.trim();
            }
        }
        if (v.ok() && version != null) {
            return new Version(version, null);
        }
        String err = v.stderr().strip();
        return new Version(null, "exit " + v.exitCode() + (err.isEmpty() ? "" : ": " + err.lines().reduce((a, b) -> b).orElse("")));
    }

    /**
     * A command run in the install directory where the install lives: on the SSH host, or inside its container
     * ({@code docker exec}; secrets it refers to travel on standard input, see {@link Deployment#wrap}).
     */
    static String inInstall(Instance instance, String command) {
        return Deployment.of(instance).wrap("cd " + quote(instance.getInstallPath()) + " && " + command);
    }

    /**
     * Where a Docker container's volumes and bind mounts are inside it, one path each (what a one-off container of its
     * image with {@code --volumes-from} reaches); none for an install on its host.
     */
    static List<String> mounts(Instance instance, SshSession ssh) {
        if (!inDocker(instance)) {
            return List.of();
        }
        CommandResult m = ssh.run(Deployment.of(instance).mountsCommand(), ProductSteps.SHORT);
        if (!m.ok()) {
            throw new IllegalStateException("cannot read the mounts of container " + instance.getContainerName() + ": "
                    + m.stderr().strip());
        }
        return m.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** Whether the install lives in a Docker container (its files reached with docker exec and docker cp). */
    static boolean inDocker(Instance instance) {
        return instance.getDeploymentType() == DeploymentType.DOCKER;
    }

    /**
     * Where the DB client runs for this install's DB: a SQLite file is where the install is (inside its container); a
     * networked DB is reached from the SSH host, at the DB_HOST the settings name (the host the panel reads it through,
     * and the container's image need not carry a DB client).
     */
    static Deployment dbClientAt(Instance instance, DbSettings db) {
        return db.vendor() == DbVendor.SQLITE ? Deployment.of(instance) : Deployment.ON_HOST;
    }

    /**
     * A command on the SSH host writing a tar of a directory of the install to standard output, entries {@code ./NAME}
     * as {@code tar -C ROOT -cf - .} writes them: in a Docker container {@code docker cp CONTAINER:ROOT/. -}, which also
     * works while the container is stopped (a clone that pauses the source stops it).
     */
    static String tarOf(Instance instance, String root) {
        if (inDocker(instance)) {
            return "docker cp " + quote(instance.getContainerName() + ":" + root.replaceAll("/+$", "") + "/.") + " -";
        }
        if (instance.getDeploymentType() != DeploymentType.HOST) {
            throw new IllegalArgumentException("CairnCMS flows do not reach into " + Deployment.of(instance).describe());
        }
        return "tar -C " + quote(root) + " -cf - .";
    }

    /** The CLI as the instance's ADMIN set it (default the guide's {@code npx cairncms}). */
    static String cli(Instance instance) {
        return instance.productSetting(CairnCmsProfile.CLI, "npx cairncms");
    }

    static String start(Instance instance) {
        return instance.productSetting(CairnCmsProfile.START, null);
    }

    static String stop(Instance instance) {
        return instance.productSetting(CairnCmsProfile.STOP, null);
    }

    /** Whether the instance's service can be stopped and started by the panel: both commands are set. */
    static boolean hasServiceCommands(Instance instance) {
        return start(instance) != null && stop(instance) != null;
    }

    static Step stopStep(Instance instance, String title, String undo) {
        return new Step(title, instance.getId(), instance.getName(), true, new StepSpec.RemoteCommand(stop(instance)),
                ProductSteps.SHORT, undo);
    }

    static Step startStep(Instance instance, String title) {
        return new Step(title, instance.getId(), instance.getName(), true, new StepSpec.RemoteCommand(start(instance)),
                ProductSteps.SHORT, null);
    }

    /**
     * The target's service restarted so it reads the new schema: with its ADMIN-set commands; without them, a target in a
     * Docker container is restarted as a container ({@code docker restart}, its environment kept); else said.
     */
    static List<Step> restart(Instance target) {
        if (!hasServiceCommands(target) && inDocker(target)) {
            return List.of(new Step("Restart the target's container (docker restart)", target.getId(), target.getName(),
                    true, new StepSpec.RemoteCommand("docker restart " + quote(target.getContainerName())),
                    ProductSteps.SHORT, null));
        }
        if (!hasServiceCommands(target)) {
            return List.of(ProductSteps.note(target, "Restart the target's service", "no start and stop commands are "
                    + "set on the instance: restart it yourself so it serves the new schema"));
        }
        return List.of(stopStep(target, "Stop the target's service", null), startStep(target, "Start the target's service"));
    }
}
