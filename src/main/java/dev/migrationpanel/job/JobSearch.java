package dev.migrationpanel.job;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.springframework.data.jpa.domain.Specification;

import jakarta.persistence.criteria.Predicate;

/**
 * The job history's filters, from the list page or the API; every field optional. Dates are whole UTC
 * days, {@code to} included.
 */
public record JobSearch(Long instanceId, String flow, JobStatus status, String startedBy, LocalDate from, LocalDate to) {

    Specification<Job> toSpecification() {
        return (root, query, cb) -> {
            List<Predicate> where = new ArrayList<>();
            if (instanceId != null) {
                where.add(cb.equal(root.get("instanceId"), instanceId));
            }
            if (flow != null && !flow.isBlank()) {
                where.add(cb.equal(root.get("flow"), flow.trim()));
            }
            if (status != null) {
                where.add(cb.equal(root.get("status"), status));
            }
            if (startedBy != null && !startedBy.isBlank()) {
                where.add(cb.equal(root.get("startedBy"), startedBy.trim()));
            }
            if (from != null) {
                where.add(cb.greaterThanOrEqualTo(root.<Instant>get("createdAt"), from.atStartOfDay().toInstant(ZoneOffset.UTC)));
            }
            if (to != null) {
                where.add(cb.lessThan(root.<Instant>get("createdAt"), to.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC)));
            }
            return cb.and(where.toArray(Predicate[]::new));
        };
    }
}
