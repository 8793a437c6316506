package dev.migrationpanel.product;

import java.util.ArrayList;
import java.util.List;

/**
 * A proof's report as every product's proof writes it: sections and one line per finding, {@code OK}, {@code INFO}
 * or {@code FAIL}, logged and stored as an artifact as they are; the proof fails when {@link #failures} is not empty.
 */
public final class ProofReport {

    public final List<String> lines = new ArrayList<>();
    public final List<String> failures = new ArrayList<>();

    public void section(String title) {
        lines.add("== " + title);
    }

    public void ok(String line) {
        lines.add("OK    " + line);
    }

    public void info(String line) {
        lines.add("INFO  " + line);
    }

    public void fail(String line) {
        lines.add("FAIL  " + line);
        failures.add(line);
    }

    /** A checksum as a report line shows it: its first 12 characters. */
    public static String abbreviated(String checksum) {
        return checksum.length() > 12 ? checksum.substring(0, 12) + "…" : checksum;
    }
}
