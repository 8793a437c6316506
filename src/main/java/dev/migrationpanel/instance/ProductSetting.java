package dev.migrationpanel.instance;

import java.util.Optional;

import dev.migrationpanel.remote.SecretRefs;

/**
 * A setting a product adds to its instances (e.g. CairnCMS's CLI invocation, its service's start and stop
 * commands), set by an ADMIN on the instance like any instance field, stored with the instance. Such a value may be
 * a command the panel runs as given: only an ADMIN sets it, each change is audited, and every plan that runs it
 * shows it. It is one line, and never holds a secret reference.
 *
 * @param defaultValue what a blank value means (empty: the setting is simply not set)
 */
public record ProductSetting(String name, String label, String hint, String defaultValue) {

    static final int MAX_LENGTH = 1000;

    /** Why the value is refused, or empty when it is good (blank is good: the default applies). */
    public Optional<String> problem(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        if (value.length() > MAX_LENGTH) {
            return Optional.of(label + " is " + MAX_LENGTH + " characters at most");
        }
        if (value.matches("(?s).*[\\r\\n\\x00].*")) {
            return Optional.of(label + " is one line");
        }
        if (SecretRefs.mentions(value)) {
            return Optional.of(label + ": '{{…}}' is not allowed here: secret references are the panel's own");
        }
        return Optional.empty();
    }
}
