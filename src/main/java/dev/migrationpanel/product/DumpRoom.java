package dev.migrationpanel.product;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;

import org.springframework.stereotype.Component;

import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.database.DatabaseException;
import dev.migrationpanel.database.DatabaseSize;
import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.database.InstanceDbConnection;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.remote.RemoteException;
import dev.migrationpanel.remote.SshSession;

/**
 * What the pre-flights weigh a DB dump against: how large the system DB is, and how much room the panel's
 * artifact store has. A plain-text dump is about as large as the data; compressed in the store it is smaller.
 */
@Component
public class DumpRoom {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final InstanceConnections connections;
    private final ArtifactStore artifacts;

    public DumpRoom(InstanceConnections connections, ArtifactStore artifacts) {
        this.connections = connections;
        this.artifacts = artifacts;
    }

    /**
     * The DB's size in bytes: the SQLite file, or what the server reports.
     *
     * @throws DatabaseException or {@link RemoteException} when it cannot be measured
     */
    public long dbBytes(Instance instance, SshSession ssh, DbSettings db) {
        if (db.vendor() == DbVendor.SQLITE) {
            String size = ssh.run(Deployment.of(instance).wrap("stat -c %s " + quote(db.sqlitePath())), TIMEOUT).stdout().trim();
            if (!size.matches("\\d+")) {
                throw new DatabaseException("Cannot read the size of " + db.sqlitePath());
            }
            return Long.parseLong(size);
        }
        try (InstanceDbConnection c = connections.openDb(instance, ssh, db)) {
            return DatabaseSize.bytes(c, db.vendor());
        } catch (SQLException e) {
            throw new DatabaseException("Cannot measure the DB of " + instance.getName() + ": " + e.getMessage());
        }
    }

    /** Free bytes where the artifact store writes (its nearest existing directory: it is created on first use). */
    public long panelFree() {
        Path store = artifacts.directory().toAbsolutePath();
        while (store.getParent() != null && !Files.exists(store)) {
            store = store.getParent();
        }
        return store.toFile().getUsableSpace();
    }

    public static String mib(long bytes) {
        return bytes < 0 ? "an unknown amount" : Math.max(1, bytes / (1024 * 1024)) + " MiB";
    }
}
