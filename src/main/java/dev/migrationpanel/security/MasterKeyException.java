package dev.migrationpanel.security;

/**
 * The master key does not fit the database: the panel must not start (or a rotation must not run). The
 * message names what was expected and where, and how to put it right; it never holds a key.
 */
public class MasterKeyException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String description;
    private final String action;

    public MasterKeyException(String description, String action) {
        super(description + "\n" + action);
        this.description = description;
        this.action = action;
    }

    public String description() {
        return description;
    }

    public String action() {
        return action;
    }
}
