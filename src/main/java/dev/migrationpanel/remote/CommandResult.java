package dev.migrationpanel.remote;

/**
 * The outcome of a remote command. stdout and stderr are UTF-8 decoded and each capped
 * (see {@link SshSession#OUTPUT_CAP_BYTES}); a capped stream ends with {@link SshSession#TRUNCATION_MARKER}.
 */
public record CommandResult(int exitCode, String stdout, String stderr) {

    public boolean ok() {
        return exitCode == 0;
    }
}
