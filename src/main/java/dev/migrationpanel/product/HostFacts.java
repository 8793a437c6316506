package dev.migrationpanel.product;

import dev.migrationpanel.database.DbSettings;

/**
 * What a plan needs to know of an instance's host before it is built, whatever the product (read over SSH,
 * never changed): the SSH user's home, where the panel's private work directory is, and the system DB.
 */
public record HostFacts(String home, DbSettings db) {

    /** The panel's private directory in the SSH user's home: dumps and copies are staged there. */
    public String workDir() {
        return home + "/" + ProductSteps.WORK_DIR;
    }
}
