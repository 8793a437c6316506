package dev.migrationpanel.security;

/**
 * What a user may do. Each role includes the ones below it: ADMIN manages users, instances, host keys
 * and everything else; OPERATOR runs checks and jobs; VIEWER reads.
 */
public enum Role {
    VIEWER, OPERATOR, ADMIN;

    public String authority() {
        return "ROLE_" + name();
    }
}
