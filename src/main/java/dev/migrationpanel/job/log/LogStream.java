package dev.migrationpanel.job.log;

/** Where a job log line came from. */
public enum LogStream {
    /** Standard output of a remote command. */
    OUT,
    /** Standard error of a remote command. */
    ERR,
    /** The panel's own lines: "step 3 started", "exit code 0", … */
    PANEL
}
