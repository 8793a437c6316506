package dev.migrationpanel.instance;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.stereotype.Service;

import dev.migrationpanel.settings.PanelProperties;
import dev.migrationpanel.database.DatabaseException;
import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.database.InstanceDbConnection;
import dev.migrationpanel.remote.CommandResult;
import dev.migrationpanel.remote.RemoteException;
import dev.migrationpanel.remote.SshConnector;
import dev.migrationpanel.remote.SshSession;

/**
 * How the panel reaches a registered instance: its SSH session with the pinned host key, its environment
 * file, and its system DB over JDBC (through the session's tunnel or directly, as the admin chose).
 */
@Service
public class InstanceConnections {

    private final SshConnector ssh;
    private final ProductProfiles products;
    private final Duration commandTimeout;
    private final int dbTimeoutSeconds;

    InstanceConnections(SshConnector ssh, ProductProfiles products, PanelProperties properties) {
        this.ssh = ssh;
        this.products = products;
        this.commandTimeout = properties.checkCommandTimeout();
        this.dbTimeoutSeconds = (int) Math.max(1, properties.sshConnectTimeout().toSeconds());
    }

    public SshSession openSsh(Instance instance) {
        return ssh.open(InstanceService.sshTarget(instance));
    }

    /**
     * The instance's environment file, or empty when there is none; for a product whose settings are a container's
     * environment ({@link ProductProfile#settingsInContainerEnvironment()}) in Docker, that environment.
     *
     * @throws RemoteException ({@code NOT_RUNNING}) when its container or pod is not running: that is not "no file"
     */
    public Optional<EnvFile> readEnv(Instance instance, SshSession session) {
        ProductProfile product = products.get(instance.getProduct());
        String file = instance.getInstallPath() + "/" + product.envFileName();
        Deployment deployment = Deployment.of(instance);
        if (product.settingsInContainerEnvironment() && deployment.environmentCommand() != null) {
            CommandResult env = session.run(deployment.environmentCommand(), commandTimeout);
            if (!env.ok()) {
                throw new RemoteException(RemoteException.Kind.NOT_RUNNING, "Cannot read the environment of the install "
                        + deployment.describe() + ": " + env.stderr().strip().lines().findFirst().orElse("exit code "
                        + env.exitCode()));
            }
            return Optional.of(EnvFile.parse(env.stdout()));
        }
        CommandResult r = session.run(deployment.wrap("cat " + quote(file)), commandTimeout);
        if (r.ok()) {
            return Optional.of(EnvFile.parse(r.stdout()));
        }
        if (deployment.statusCommand() != null) {
            CommandResult status = session.run(deployment.statusCommand(), commandTimeout);
            String state = status.stdout().strip();
            if (!status.ok() || !state.equalsIgnoreCase("running")) {
                String said = status.ok() ? state : status.stderr().strip().lines().findFirst().orElse("exit code "
                        + status.exitCode());
                throw new RemoteException(RemoteException.Kind.NOT_RUNNING, "Cannot read " + product.envFileName()
                        + ": the install is " + deployment.describe() + ", which is not running (" + said + ")");
            }
        }
        return Optional.empty();
    }

    /**
     * The DB settings in force: overrides set in the panel over what the environment file says.
     *
     * @throws DatabaseException when neither says enough to reach the DB
     */
    public DbSettings dbSettings(Instance instance, SshSession session) {
        ProductProfile product = products.get(instance.getProduct());
        DbSettings discovered = readEnv(instance, session)
                .map(env -> product.databaseFrom(env, instance.getInstallPath())).orElse(null);
        DbSettings settings = DbSettingsMerge.effective(instance, discovered);
        if (settings == null) {
            throw new DatabaseException("The DB of " + instance.getName() + " is neither set in "
                    + product.envFileName() + " nor overridden in the panel");
        }
        if (settings.vendor() != DbVendor.SQLITE) {
            DbSettingsMerge.incomplete(settings).ifPresent(problem -> {
                throw new DatabaseException("The DB of " + instance.getName() + ": " + problem);
            });
        }
        return settings;
    }

    /** A JDBC connection to a networked system DB, through the instance's SSH tunnel unless the admin chose direct. */
    public InstanceDbConnection openDb(Instance instance, SshSession session, DbSettings settings) {
        return InstanceDbConnection.open(settings, instance.getDbAccess() == DbAccess.TUNNEL ? session : null,
                dbTimeoutSeconds);
    }

    /** Every secret the panel holds for the instance, for masking what its jobs print. */
    public List<String> secretsOf(Instance instance) {
        List<String> secrets = new ArrayList<>();
        secrets.add(instance.getSshPassword());
        secrets.add(instance.getSshPassphrase());
        secrets.add(instance.getSshPrivateKey());
        secrets.add(instance.getDbPassword());
        return secrets;
    }
}
