package dev.migrationpanel.security;

import java.nio.charset.StandardCharsets;

/** The one password rule of the panel: at least 12 characters (and at most what BCrypt can hash). */
public final class PasswordPolicy {

    public static final int MIN_LENGTH = 12;
    /** BCrypt reads 72 bytes at most; Spring's encoder refuses longer input. */
    public static final int MAX_BYTES = 72;

    public static final String TOO_SHORT = "The password must be at least " + MIN_LENGTH + " characters long";
    public static final String TOO_LONG = "The password must be at most " + MAX_BYTES + " bytes long";
    public static final String MISMATCH = "The two passwords are not the same";

    private PasswordPolicy() {
    }

    /** The reason the password is refused, or null when it is acceptable. Never echoes the password. */
    public static String problem(String password) {
        if (password == null || password.codePointCount(0, password.length()) < MIN_LENGTH) {
            return TOO_SHORT;
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return TOO_LONG;
        }
        return null;
    }
}
