package dev.migrationpanel.product;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.remote.CommandResult;
import dev.migrationpanel.remote.SshSession;
import dev.migrationpanel.web.InvalidInputException;

/**
 * What a plan needs to know of an instance's host before it is built, whatever the product (read over SSH,
 * never changed): the SSH user's home, where the panel's private work directory is, and the system DB.
 */
public record HostFacts(String home, DbSettings db) {

    /** The panel's private directory in the SSH user's home: dumps and copies are staged there. */
    public String workDir() {
        return home + "/" + ProductSteps.WORK_DIR;
    }

    /** The facts of the instance behind this session. */
    public static HostFacts read(Instance instance, SshSession ssh, InstanceConnections connections) {
        CommandResult r = ssh.run("printf %s \"$HOME\"", ProductSteps.SHORT);
        String home = r.stdout().trim();
        if (!r.ok() || !home.startsWith("/")) {
            throw InvalidInputException.of("instance", "Cannot tell the home directory of " + instance.getSshUser()
                    + " on " + instance.getName() + ": the panel stages its copies there");
        }
        return new HostFacts(home, connections.dbSettings(instance, ssh));
    }

    /** The facts of the instance, over a session of their own. */
    public static HostFacts read(Instance instance, InstanceConnections connections) {
        try (SshSession ssh = connections.openSsh(instance)) {
            return read(instance, ssh, connections);
        }
    }
}
