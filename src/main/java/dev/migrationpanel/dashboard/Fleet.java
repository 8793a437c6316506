package dev.migrationpanel.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.migrationpanel.artifact.LatestArtifacts;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.LatestChecks;
import dev.migrationpanel.job.FleetJobs;

/**
 * The fleet at one moment, as the dashboard shows it: one row per instance (filtered), and the job counts.
 *
 * @param at when it was read: ages are measured from it
 */
public record Fleet(Instant at, List<Row> rows, long running, long waiting, long failedLastDay, List<String> products,
        List<String> environments, String product, String environment) {

    /** One instance with its last check, last DB backup, active job (with progress) and last finished job. */
    public record Row(Instance instance, String productName, LatestChecks.Summary check, LatestArtifacts.Summary backup,
            FleetJobs.Summary active, FleetJobs.Summary last) {

        /** The active job's progress in percent of its steps done. */
        public int percent() {
            return active == null || active.steps() == 0 ? 0 : active.done() * 100 / active.steps();
        }
    }

    /** "3 min", "5 h", "2 d": how long ago, coarse as an overview wants it. */
    public String age(Instant then) {
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
        if (bytes >= 1024L * 1024 * 1024) {
            return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
        }
        if (bytes >= 1024L * 1024) {
            return (bytes / (1024 * 1024)) + " MiB";
        }
        return Math.max(1, bytes / 1024) + " KiB";
    }
}
