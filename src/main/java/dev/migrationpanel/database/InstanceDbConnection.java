package dev.migrationpanel.database;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import dev.migrationpanel.remote.RemoteException;
import dev.migrationpanel.remote.SshSession;
import dev.migrationpanel.remote.Tunnel;

/**
 * A JDBC connection to an instance's system database, opened either directly from the panel or through
 * a local port forward over the instance's SSH session. Closing it closes the tunnel too.
 */
public final class InstanceDbConnection implements AutoCloseable {

    private final Connection connection;
    private final Tunnel tunnel;

    private InstanceDbConnection(Connection connection, Tunnel tunnel) {
        this.connection = connection;
        this.tunnel = tunnel;
    }

    /**
     * @param viaSsh the instance's open SSH session to tunnel through, or null to connect directly
     */
    public static InstanceDbConnection open(DbSettings settings, SshSession viaSsh, int timeoutSeconds) {
        if (!settings.vendor().networked()) {
            throw new DatabaseException("SQLite is a file on the instance's host, not reached over JDBC");
        }
        Tunnel tunnel = null;
        String host = settings.host();
        int port = settings.port();
        if (viaSsh != null) {
            tunnel = viaSsh.forward(settings.host(), settings.port());
            host = "127.0.0.1";
            port = tunnel.localPort();
        }
        String where = viaSsh != null
                ? settings.host() + ":" + settings.port() + " (through the SSH tunnel)"
                : settings.host() + ":" + settings.port();
        Properties props = new Properties();
        props.setProperty("user", settings.username() == null ? "" : settings.username());
        props.setProperty("password", settings.password() == null ? "" : settings.password());
        try {
            Connection connection = DriverManager.getConnection(
                    JdbcUrls.of(settings.vendor(), host, port, settings.database(), timeoutSeconds), props);
            return new InstanceDbConnection(connection, tunnel);
        } catch (SQLException e) {
            closeQuietly(tunnel);
            throw new DatabaseException(describeFailure(settings, where, e));
        } catch (RuntimeException e) {
            closeQuietly(tunnel);
            throw e;
        }
    }

    public Connection connection() {
        return connection;
    }

    /** Product name and version as the server reports them, e.g. {@code MariaDB 10.11.6-MariaDB-0+deb12u1}. */
    public String serverVersion() {
        try {
            DatabaseMetaData meta = connection.getMetaData();
            return meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion();
        } catch (SQLException e) {
            throw new DatabaseException("The database answered but did not report its version: " + firstLine(e));
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing a connection that already failed
        } finally {
            closeQuietly(tunnel);
        }
    }

    private static void closeQuietly(Tunnel tunnel) {
        if (tunnel != null) {
            try {
                tunnel.close();
            } catch (RemoteException ignored) {
                // the session may already be gone
            }
        }
    }

    /**
     * One line an admin can act on. Driver messages name users and hosts but never the password; the
     * password is still scrubbed in case a driver ever echoes it.
     */
    static String describeFailure(DbSettings settings, String where, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String reason;
        if (state.startsWith("28") || e.getErrorCode() == 1045) {
            reason = "login refused for user '" + settings.username() + "' (wrong password or no access)";
        } else if (state.startsWith("08")) {
            reason = "no connection: " + firstLine(e);
        } else if (e.getErrorCode() == 1049 || "3D000".equals(state)) {
            reason = "database '" + settings.database() + "' does not exist";
        } else {
            reason = firstLine(e);
        }
        String line = "Database " + settings.vendor().label() + " at " + where + ": " + reason;
        return settings.hasPassword() ? line.replace(settings.password(), "****") : line;
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).trim();
    }
}
