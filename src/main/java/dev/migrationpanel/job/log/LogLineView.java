package dev.migrationpanel.job.log;

/** A log line as JSON: {@code {seq, step, at, stream, line}} with {@code at} as an ISO-8601 instant. */
public record LogLineView(long seq, Integer step, String at, String stream, String line) {

    public static LogLineView of(LogLine line) {
        return new LogLineView(line.seq(), line.step(), line.at().toString(), line.stream().name(), line.line());
    }
}
