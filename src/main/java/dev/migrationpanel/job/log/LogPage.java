package dev.migrationpanel.job.log;

import java.util.List;

/**
 * A page of a job's log. {@code next}: reading forwards, the {@code after} of the next page (null when
 * no line follows yet); reading backwards, the {@code before} of the previous page (null at the start).
 */
public record LogPage(List<LogLineView> lines, Long next) {
}
