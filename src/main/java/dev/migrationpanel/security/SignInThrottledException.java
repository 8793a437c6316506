package dev.migrationpanel.security;

import java.time.Instant;

import org.springframework.security.core.AuthenticationException;

/**
 * A sign-in refused before its password was looked at: too many failures lately for the account or from the
 * address. Not a failed sign-in itself (it is not counted as one); the message never says which of the two.
 */
public class SignInThrottledException extends AuthenticationException {

    private static final long serialVersionUID = 1L;

    private final Instant until;

    public SignInThrottledException(Instant until) {
        super("Too many failed sign-ins; try again later");
        this.until = until;
    }

    public Instant until() {
        return until;
    }
}
