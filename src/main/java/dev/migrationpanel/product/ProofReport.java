package dev.migrationpanel.product;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.migrationpanel.job.StepFailedException;

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

    /** The report as its artifact stores it: a line each, UTF-8. */
    public InputStream text() {
        return new ByteArrayInputStream(String.join("\n", lines).concat("\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Fails the step when a point failed, saying {@code what} happened, on how many points, and the first:
     * "The proof failed on 2 point(s): … (and more in the report)".
     */
    public void failStepIfAny(String what) {
        if (!failures.isEmpty()) {
            throw new StepFailedException(what + " on " + failures.size() + " point(s): " + failures.get(0)
                    + (failures.size() > 1 ? " (and more in the report)" : ""));
        }
    }

    /** A checksum as a report line shows it: its first 12 characters. */
    public static String abbreviated(String checksum) {
        return checksum.length() > 12 ? checksum.substring(0, 12) + "…" : checksum;
    }
}
