package dev.migrationpanel.instance;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;

/** One line of a check report: what was looked at, how it came out, and why, in one line. */
@Embeddable
public class CheckItem {

    @Column(nullable = false)
    private String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private CheckStatus status;

    @Column(nullable = false)
    private String message;

    protected CheckItem() {
    }

    public CheckItem(String name, CheckStatus status, String message) {
        this.name = name;
        this.status = status;
        this.message = oneLine(message);
    }

    public static CheckItem ok(String name, String message) {
        return new CheckItem(name, CheckStatus.OK, message);
    }

    public static CheckItem warning(String name, String message) {
        return new CheckItem(name, CheckStatus.WARNING, message);
    }

    public static CheckItem blocking(String name, String message) {
        return new CheckItem(name, CheckStatus.BLOCKING, message);
    }

    private static String oneLine(String text) {
        String flat = text == null ? "" : text.replaceAll("\\s*[\\r\\n]+\\s*", " · ").trim();
        return flat.length() <= 2000 ? flat : flat.substring(0, 1999) + "…";
    }

    public String getName() { return name; }
    public CheckStatus getStatus() { return status; }
    public String getMessage() { return message; }

    @Override
    public String toString() {
        return status + " " + name + ": " + message;
    }
}
