package dev.migrationpanel.remote;

/** A local port forwarding: 127.0.0.1:{@link #localPort()} reaches the remote host:port through SSH. */
public interface Tunnel extends AutoCloseable {

    int localPort();

    String remoteHost();

    int remotePort();

    /** Stops listening on the local port. Idempotent. */
    @Override
    void close();
}
