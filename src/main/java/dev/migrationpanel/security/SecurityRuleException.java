package dev.migrationpanel.security;

/**
 * A user-management or account rule refused the request. The message is one line meant for the page;
 * it never carries a password or a token. {@link #field()} names the form field it belongs to, or null.
 */
public class SecurityRuleException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String field;

    public SecurityRuleException(String field, String message) {
        super(message, null, false, false);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
