package dev.migrationpanel.instance;

/** How the panel reaches the instance's DB over JDBC. */
public enum DbAccess {
    /** Port forwarding over the instance's own SSH session: the DB needs no port open to the panel. */
    TUNNEL,
    /** Straight from the panel to the DB host and port. */
    DIRECT
}
