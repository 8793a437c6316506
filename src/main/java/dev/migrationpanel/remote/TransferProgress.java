package dev.migrationpanel.remote;

/** Told how many bytes an SFTP transfer has moved so far; answering false stops the transfer. */
@FunctionalInterface
public interface TransferProgress {

    boolean transferred(long bytesSoFar);

    TransferProgress NONE = bytes -> true;
}
