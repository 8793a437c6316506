package dev.migrationpanel.remote;

import java.util.Objects;

/**
 * Anything that went wrong talking to a remote host. The message is one line meant for an
 * admin; it never contains passwords, passphrases or key material.
 */
public class RemoteException extends RuntimeException {

    public enum Kind {
        UNKNOWN_HOST,
        CONNECTION_REFUSED,
        CONNECT_TIMEOUT,
        AUTH_FAILED,
        BAD_PRIVATE_KEY,
        BAD_PASSPHRASE,
        HOST_KEY_UNKNOWN,
        HOST_KEY_CHANGED,
        COMMAND_TIMEOUT,
        CHANNEL_FAILED,
        /** The container or pod the command was to run in is not running (or not there). */
        NOT_RUNNING,
        DISCONNECTED,
        /** An admin cancelled; the remote command's whole process group was stopped. */
        CANCELLED,
        /** An SFTP transfer failed on the remote side (missing file, no permission, full remote disk). */
        TRANSFER_FAILED,
        /** An SFTP transfer failed on the panel's side: the stream it wrote to or read from failed. */
        LOCAL_FAILED
    }

    private final Kind kind;
    private final transient HostKey presentedHostKey;

    public RemoteException(Kind kind, String message) {
        this(kind, message, null, null);
    }

    public RemoteException(Kind kind, String message, Throwable cause) {
        this(kind, message, null, cause);
    }

    public RemoteException(Kind kind, String message, HostKey presentedHostKey, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.HOST_KEY_UNKNOWN || kind == Kind.HOST_KEY_CHANGED) && presentedHostKey == null) {
            throw new IllegalArgumentException(kind + " needs the presented host key");
        }
        this.presentedHostKey = presentedHostKey;
    }

    public Kind kind() {
        return kind;
    }

    /** The key the server presented; non-null for HOST_KEY_UNKNOWN and HOST_KEY_CHANGED. */
    public HostKey presentedHostKey() {
        return presentedHostKey;
    }
}
