package dev.migrationpanel.dreamfactory;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.util.List;

import org.springframework.stereotype.Component;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.product.HostFacts;
import dev.migrationpanel.product.ProductSteps;
import dev.migrationpanel.remote.CommandResult;
import dev.migrationpanel.remote.SshSession;
import dev.migrationpanel.web.InvalidInputException;

/**
 * What a DreamFactory plan needs to know of the instance before it is built (read over SSH, never changed): the
 * SSH user's home (where dumps are staged), the system DB, the version; and the shared steps
 * ({@link ProductSteps}) bound to DreamFactory's {@code .env} and name.
 */
@Component
class DreamFactorySteps {

    static final String ENV_FILE = ".env";

    private final InstanceConnections connections;

    DreamFactorySteps(InstanceConnections connections) {
        this.connections = connections;
    }

    /**
     * What a plan is built from; reading it changes nothing. {@code cipher}: the .env's APP_CIPHER, upper-cased, or
     * Laravel's default when it has none.
     */
    record Facts(String home, DbSettings db, String version, String cipher) {
        HostFacts host() {
            return new HostFacts(home, db);
        }

        String workDir() {
            return host().workDir();
        }
    }

    Facts read(Instance instance) {
        try (SshSession ssh = connections.openSsh(instance)) {
            HostFacts host = HostFacts.read(instance, ssh, connections);
            CommandResult version = ssh.run("cd " + quote(instance.getInstallPath()) + " && "
                    + DreamFactoryProfile.VERSION_COMMAND, ProductSteps.SHORT);
            String cipher = connections.readEnv(instance, ssh).flatMap(env -> env.get("APP_CIPHER"))
                    .filter(c -> !c.isBlank()).map(c -> c.strip().toUpperCase(java.util.Locale.ROOT))
                    .orElse(DreamFactoryProfile.DEFAULT_CIPHER);
            return new Facts(host.home(), host.db(), version.ok() && !version.stdout().isBlank()
                    ? version.stdout().strip() : null, cipher);
        }
    }

    /** The {@code .env} into the artifact store (encrypted, an ADMIN-only download). */
    static List<Step> captureEnv(Instance instance, Facts facts) {
        return ProductSteps.captureFile(instance, facts.host(), ENV_FILE, "ENV_FILE");
    }

    static Step workDir(Instance instance, Facts facts) {
        return ProductSteps.workDir(instance, facts.host());
    }

    /** Where {@link #dbBackup} leaves the dump on the SSH host until it is downloaded (and removed). */
    static String stagedDump(Instance instance, Facts facts, String label) {
        return ProductSteps.stagedDump(instance, facts.host(), DreamFactoryProfile.ID, label);
    }

    /** The vendor's DB backup of the system DB ({@link ProductSteps#dbBackup}). */
    static List<Step> dbBackup(Instance instance, Facts facts, String label) {
        return ProductSteps.dbBackup(instance, facts.host(), DreamFactoryProfile.ID, label);
    }
}
