package dev.migrationpanel.job;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import dev.migrationpanel.web.ConflictException;
import dev.migrationpanel.web.GoneException;
import dev.migrationpanel.web.InvalidInputException;
import dev.migrationpanel.web.NotFoundException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Plans reviewed through the API, kept so that a client starts exactly the plan it was shown, by its id: the
 * flow, the instance, the options as the flow resolved them (never a secret, see {@link Plan#options()}), the
 * digest, who reviewed it, and until when it may be started. A reviewed plan starts one job, once: the mark is
 * set in the transaction that saves the job, guarded in SQL, so two starts at the same moment cannot both pass.
 */
@Component
public class ReviewedPlans {

    private static final Logger log = LoggerFactory.getLogger(ReviewedPlans.class);

    private final JdbcTemplate jdbc;
    private final JsonMapper json;
    private final Clock clock;
    private final PlanProperties properties;

    ReviewedPlans(JdbcTemplate jdbc, JsonMapper json, Clock clock, PlanProperties properties) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.properties = properties;
    }

    /** A reviewed plan as stored; {@code startedJobId} is null until it started a job. */
    public record Reviewed(String id, String flow, long instanceId, Map<String, String> options, String digest,
            String reviewedBy, Instant createdAt, Instant expiresAt, Long startedJobId) {
    }

    /** Keeps a plan just reviewed; it may be started until {@code panel.plans.review-ttl} from now. */
    @Transactional
    public Reviewed keep(String flow, long instanceId, Map<String, String> options, String digest, String reviewedBy) {
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now(clock).truncatedTo(ChronoUnit.MILLIS);
        Instant expires = now.plus(properties.reviewTtl());
        jdbc.update("insert into reviewed_plan (id, flow, instance_id, options, digest, reviewed_by, created_at, expires_at) "
                + "values (?, ?, ?, ?, ?, ?, ?, ?)", id, flow, instanceId, json.writeValueAsString(options), digest,
                reviewedBy, utc(now), utc(expires));
        return new Reviewed(id, flow, instanceId, Map.copyOf(options), digest, reviewedBy, now, expires, null);
    }

    /**
     * The reviewed plan that may be started now.
     *
     * @throws InvalidInputException when the id is not one this panel gives (a UUID)
     * @throws NotFoundException     when there is no such plan (never reviewed, or swept after it expired)
     * @throws GoneException         when it expired
     * @throws ConflictException     when it already started a job
     */
    @Transactional(readOnly = true)
    public Reviewed startable(String id) {
        Reviewed plan = find(id);
        refuseUsedOrExpired(plan);
        return plan;
    }

    /**
     * Starts the plan's job with {@code start} and marks the plan as used by it, in one transaction: when another
     * start took the plan meanwhile (or it expired), the job is not saved either.
     */
    @Transactional
    public Job startOnce(String id, Supplier<Job> start) {
        Job job = start.get();
        OffsetDateTime now = utc(Instant.now(clock));
        int marked = jdbc.update("update reviewed_plan set started_job_id = ?, started_at = ? "
                + "where id = ? and started_job_id is null and expires_at > ?", job.getId(), now, id, now);
        if (marked != 1) {
            refuseUsedOrExpired(find(id));
            throw new ConflictException("The reviewed plan " + id + " changed meanwhile: review it again");
        }
        return job;
    }

    /** Deletes the reviewed plans past their time, started or not. */
    @Scheduled(fixedDelayString = "${panel.plans.sweep-interval:10m}", initialDelayString = "${panel.plans.sweep-interval:10m}")
    public int sweep() {
        int swept = jdbc.update("delete from reviewed_plan where expires_at <= ?", utc(Instant.now(clock)));
        if (swept > 0) {
            log.debug("Swept {} reviewed plan(s) past their time", swept);
        }
        return swept;
    }

    /** How long a reviewed plan is kept, in words ({@code 30 minutes}). */
    public String ttlInWords() {
        Duration ttl = properties.reviewTtl();
        if (ttl.toSeconds() % 60 != 0) {
            return ttl.toSeconds() + " seconds";
        }
        long minutes = ttl.toMinutes();
        return minutes == 1 ? "1 minute" : minutes + " minutes";
    }

    private Reviewed find(String id) {
        String key = id == null ? "" : id.trim();
        try {
            key = UUID.fromString(key).toString();
        } catch (IllegalArgumentException e) {
            throw InvalidInputException.of("planId", "planId is the id the review answered with (a UUID)");
        }
        List<Reviewed> rows = jdbc.query("select * from reviewed_plan where id = ?", this::row, key);
        if (rows.isEmpty()) {
            throw new NotFoundException("No reviewed plan " + key + " (a reviewed plan is kept " + ttlInWords()
                    + " after its review): review the plan again");
        }
        return rows.get(0);
    }

    private void refuseUsedOrExpired(Reviewed plan) {
        if (plan.startedJobId() != null) {
            throw new ConflictException("The reviewed plan " + plan.id() + " already started job #" + plan.startedJobId()
                    + ": a reviewed plan runs once; review it again to run it again");
        }
        if (!Instant.now(clock).isBefore(plan.expiresAt())) {
            throw new GoneException("The reviewed plan " + plan.id() + " expired at "
                    + DateTimeFormatter.ISO_INSTANT.format(plan.expiresAt().truncatedTo(ChronoUnit.SECONDS))
                    + ": review it again");
        }
    }

    private Reviewed row(ResultSet rs, int n) throws SQLException {
        Map<String, String> options = new LinkedHashMap<>();
        json.readTree(rs.getString("options")).properties().forEach(e -> options.put(e.getKey(), e.getValue().asString()));
        long job = rs.getLong("started_job_id");
        Long startedJob = rs.wasNull() ? null : job;
        return new Reviewed(rs.getString("id"), rs.getString("flow"), rs.getLong("instance_id"), options,
                rs.getString("digest"), rs.getString("reviewed_by"), instant(rs, "created_at"), instant(rs, "expires_at"),
                startedJob);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
