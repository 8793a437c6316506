package dev.migrationpanel.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.migrationpanel.artifact.LatestArtifacts;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.LatestChecks;
import dev.migrationpanel.job.FleetJobs;

/**
 * The fleet at one moment, as the dashboard shows it: one page of rows, one per instance (filtered; those with a
 * running or waiting job first, then those whose last job failed, then by name), and the job counts.
 *
 * @param at    when it was read: ages are measured from it
 * @param page  the page shown (from 0), of {@code pages}; {@code total} instances match the filter
 */
public record Fleet(Instant at, List<Row> rows, long running, long waiting, long failedLastDay, List<String> products,
        List<String> environments, String product, String environment, int page, int pages, int total) {

    /**
     * One instance with its last check, last DB backup, active job (with progress) and last finished job, and what
     * the page prints of them worked out once here (ages, size, status classes), so that a row costs the template
     * a few plain reads.
     */
    public record Row(Instance instance, String productName, LatestChecks.Summary check, LatestArtifacts.Summary backup,
            FleetJobs.Summary active, FleetJobs.Summary last, String checkAge, String backupAge, String backupSize,
            String lastAge) {

        /** The active job's progress in percent of its steps done. */
        public int percent() {
            return active == null || active.steps() == 0 ? 0 : active.done() * 100 / active.steps();
        }

        /** The CSS classes of the statuses shown: their names in lower case. */
        public String checkCss() {
            return css(check == null ? null : check.outcome());
        }

        public String activeCss() {
            return css(active == null ? null : active.status());
        }

        public String lastCss() {
            return css(last == null ? null : last.status());
        }

        private static String css(Enum<?> status) {
            return status == null ? "none" : status.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The row of an instance, its texts worked out against {@code at}. */
    public static Row row(Instant at, Instance instance, String productName, LatestChecks.Summary check,
            LatestArtifacts.Summary backup, FleetJobs.Summary active, FleetJobs.Summary last) {
        return new Row(instance, productName, check, backup, active, last,
                check == null ? null : age(check.finishedAt(), at), backup == null ? null : age(backup.createdAt(), at),
                backup == null ? null : sizeOf(backup.sizeBytes()), last == null ? null : age(last.at(), at));
    }

    /** Whether there are pages before and after this one. */
    public boolean hasPrevious() {
        return page > 0;
    }

    public boolean hasNext() {
        return page + 1 < pages;
    }

    /** "3 min", "5 h", "2 d": how long ago, coarse as an overview wants it. */
    public String age(Instant then) {
        return age(then, at);
    }

    static String age(Instant then, Instant at) {
        if (then == null) {
            return "";
        }
        Duration d = Duration.between(then, at);
        if (d.isNegative() || d.toMinutes() < 1) {
            return "just now";
        }
        if (d.toHours() < 1) {
            return d.toMinutes() + " min ago";
        }
        if (d.toDays() < 2) {
            return d.toHours() + " h ago";
        }
        return d.toDays() + " d ago";
    }

    /** "12 MiB", "640 KiB". */
    public String size(long bytes) {
        return Fleet.sizeOf(bytes);
    }

    static String sizeOf(long bytes) {
        if (bytes >= 1024L * 1024 * 1024) {
            return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
        }
        if (bytes >= 1024L * 1024) {
            return (bytes / (1024 * 1024)) + " MiB";
        }
        return Math.max(1, bytes / 1024) + " KiB";
    }
}
