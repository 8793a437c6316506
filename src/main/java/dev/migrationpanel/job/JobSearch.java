package dev.migrationpanel.job;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The job history's filters, from the list page or the API; every field optional. Dates are whole UTC
 * days, {@code to} included.
 */
public record JobSearch(Long instanceId, String flow, JobStatus status, String startedBy, LocalDate from, LocalDate to) {

    /**
     * The filters as a SQL condition on {@code job} (alias {@code j}), its values appended to {@code args} in
     * order ({@code "1=1"} when there is none). Only placeholders: no value is ever part of the text.
     */
    String where(List<Object> args) {
        List<String> where = new ArrayList<>();
        if (instanceId != null) {
            where.add("j.instance_id = ?");
            args.add(instanceId);
        }
        if (flow != null && !flow.isBlank()) {
            where.add("j.flow = ?");
            args.add(flow.trim());
        }
        if (status != null) {
            where.add("j.status = ?");
            args.add(status.name());
        }
        if (startedBy != null && !startedBy.isBlank()) {
            where.add("j.started_by = ?");
            args.add(startedBy.trim());
        }
        if (from != null) {
            where.add("j.created_at >= ?");
            args.add(OffsetDateTime.of(from.atStartOfDay(), ZoneOffset.UTC));
        }
        if (to != null) {
            where.add("j.created_at < ?");
            args.add(OffsetDateTime.of(to.plusDays(1).atStartOfDay(), ZoneOffset.UTC));
        }
        return where.isEmpty() ? "1=1" : String.join(" and ", where);
    }
}
