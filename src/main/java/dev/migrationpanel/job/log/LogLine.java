package dev.migrationpanel.job.log;

import java.time.Instant;

/**
 * One stored line of a job's log. {@code seq} increases by one per line within a job; {@code step} is the
 * plan position the line belongs to, or {@code null} for lines outside any step. The text is already masked.
 */
public record LogLine(long jobId, long seq, Integer step, Instant at, LogStream stream, String line) {

    /** {@code <ISO time> [step N] OUT|ERR|PANEL line}; lines outside a step have no {@code [step N]}. */
    public String toText() {
        StringBuilder sb = new StringBuilder(line.length() + 48);
        sb.append(at).append(' ');
        if (step != null) {
            sb.append("[step ").append(step).append("] ");
        }
        return sb.append(stream.name()).append(' ').append(line).toString();
    }
}
