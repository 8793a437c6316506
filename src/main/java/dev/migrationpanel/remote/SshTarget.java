package dev.migrationpanel.remote;

import java.util.Objects;

/**
 * Where and how to connect.
 *
 * @param pinned the accepted host key, or null when none has been accepted yet
 *               (then every connection fails with {@link RemoteException.Kind#HOST_KEY_UNKNOWN})
 */
public record SshTarget(String host, int port, String username, SshAuth auth, HostKey pinned) {

    public SshTarget {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535");
        }
        if (username == null || username.isBlank()) {
            throw new IllegalArgumentException("username must not be blank");
        }
        Objects.requireNonNull(auth, "auth");
    }

    /** The same target with another pinned host key. */
    public SshTarget withPinned(HostKey hostKey) {
        return new SshTarget(host, port, username, auth, hostKey);
    }

    /** The same target with other credentials. */
    public SshTarget withAuth(SshAuth newAuth) {
        return new SshTarget(host, port, username, newAuth, pinned);
    }

    /** {@code host:port} */
    public String address() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return "SshTarget[" + username + "@" + address() + ", auth=" + auth
                + ", pinned=" + (pinned == null ? "none" : pinned.describe()) + "]";
    }
}
