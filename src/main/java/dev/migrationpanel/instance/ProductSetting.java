package dev.migrationpanel.instance;

import java.util.List;
import java.util.Optional;

import dev.migrationpanel.remote.SecretRefs;

/**
 * A setting a product adds to its instances (e.g. CairnCMS's CLI invocation, its service's start and stop
 * commands, DreamFactory's web server and web user), set by an ADMIN on the instance like any instance field, stored
 * with the instance. Such a value may be a command the panel runs as given: only an ADMIN sets it, each change is
 * audited, and every plan that runs it shows it. It is one line, and never holds a secret reference.
 *
 * @param defaultValue what a blank value means (empty: the setting is simply not set)
 * @param choices the values it may take, each with its label (empty: free text); the form shows a list
 * @param pattern a regular expression a non-blank value must match (null: any one line)
 * @param patternHint the one line that says what {@code pattern} wants, e.g. "a Unix user name (e.g. www-data)"
 * @param maxLength the longest value
 */
public record ProductSetting(String name, String label, String hint, String defaultValue, List<Choice> choices,
        String pattern, String patternHint, int maxLength) {

    static final int MAX_LENGTH = 1000;

    /** One value of a setting with choices, and what the form shows for it. */
    public record Choice(String value, String label) {
    }

    /** A free-text setting of one line. */
    public ProductSetting(String name, String label, String hint, String defaultValue) {
        this(name, label, hint, defaultValue, List.of(), null, null, MAX_LENGTH);
    }

    /** A setting that takes one of {@code choices}. */
    public static ProductSetting choice(String name, String label, String hint, String defaultValue,
            List<Choice> choices) {
        return new ProductSetting(name, label, hint, defaultValue, List.copyOf(choices), null, null, MAX_LENGTH);
    }

    /** A free-text setting whose value must match {@code pattern}. */
    public static ProductSetting matching(String name, String label, String hint, String defaultValue, String pattern,
            String patternHint, int maxLength) {
        return new ProductSetting(name, label, hint, defaultValue, List.of(), pattern, patternHint, maxLength);
    }

    /** Whether the form shows a list of {@link #choices()} rather than a text field. */
    public boolean hasChoices() {
        return !choices.isEmpty();
    }

    /** The value as a page shows it: a choice's label, a dash when not set. */
    public String shown(String value) {
        if (value == null || value.isBlank()) {
            return "—";
        }
        return choices.stream().filter(c -> c.value().equals(value.trim())).map(Choice::label).findFirst()
                .orElse(value.trim());
    }

    /** Why the value is refused, or empty when it is good (blank is good: the default applies). */
    public Optional<String> problem(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        if (value.length() > maxLength) {
            return Optional.of(label + " is " + maxLength + " characters at most");
        }
        if (value.matches("(?s).*[\\r\\n\\x00].*")) {
            return Optional.of(label + " is one line");
        }
        if (SecretRefs.mentions(value)) {
            return Optional.of(label + ": '{{…}}' is not allowed here: secret references are the panel's own");
        }
        if (hasChoices() && choices.stream().noneMatch(c -> c.value().equals(value.trim()))) {
            return Optional.of(label + ": one of " + String.join(", ", choices.stream()
                    .map(c -> c.value() + " (" + c.label() + ")").toList()));
        }
        if (pattern != null && !value.trim().matches(pattern)) {
            return Optional.of(label + ": " + patternHint);
        }
        return Optional.empty();
    }
}
