package dev.migrationpanel.security;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Times as the panel shows them: UTC, ISO-8601, whole seconds. */
final class Times {

    private Times() {
    }

    static String utc(Instant instant) {
        return instant == null ? null : DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }
}
