package dev.migrationpanel.schedule;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import tools.jackson.databind.json.JsonMapper;

import dev.migrationpanel.job.FlowService;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.security.AuditService;
import dev.migrationpanel.web.InvalidInputException;
import dev.migrationpanel.web.NotFoundException;

/**
 * Reviewed plans started later, in a maintenance window. What is kept is what the review showed: the flow, the
 * instance, the options as resolved and the plan's digest. At the time, the plan is built again and started only if
 * its digest is still the reviewed one, as the one who scheduled it (who must still be allowed to run jobs); else
 * the start is refused with the reason, which notification channels that hear of failures are told. A start the
 * panel could not make within {@link ScheduleProperties#maxDelay()} of its time (the panel was down) is refused too:
 * a window has an end.
 */
@Service
public class ScheduledStarts {

    public enum State {
        SCHEDULED, STARTING, STARTED, REFUSED, CANCELLED
    }

    /** A scheduled start as pages and notifications see it. */
    public record Scheduled(long id, String flow, String title, long instanceId, String instanceName, Instant startAt,
            State state, Long jobId, String message, String createdBy, Instant createdAt, Instant endedAt) {
    }

    static final Duration LONGEST_AHEAD = Duration.ofDays(90);
    private static final Logger log = LoggerFactory.getLogger(ScheduledStarts.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcTemplate jdbc;
    /** Lazy: the flows lead to the job queue, which needs db-scheduler, which needs this package's task. */
    private final FlowService flows;
    private final ScheduleQueue queue;
    private final UserDetailsService users;
    private final AuditService audit;
    private final ScheduleProperties properties;
    private final Clock clock;

    ScheduledStarts(JdbcTemplate jdbc, @Lazy FlowService flows, ScheduleQueue queue, UserDetailsService users,
            AuditService audit, ScheduleProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.flows = flows;
        this.queue = queue;
        this.users = users;
        this.audit = audit;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Keeps the reviewed plan to start at {@code startAt}: refused when the plan changed since the review (as a start
     * now would be) or the time is not between a minute and 90 days ahead.
     */
    @Transactional
    public Scheduled schedule(String flowId, long instanceId, Map<String, String> options, String reviewedDigest,
            Instant startAt) {
        Instant now = clock.instant();
        if (startAt == null) {
            throw InvalidInputException.of("startAt", "Give the start time (UTC), e.g. 2026-12-24T22:00");
        }
        if (startAt.isBefore(now.plus(properties.minAhead()))) {
            throw InvalidInputException.of("startAt", "The start time is past or less than "
                    + properties.minAhead().toSeconds() + " s away (it is " + now.truncatedTo(ChronoUnit.SECONDS)
                    + " now, UTC): run the plan now, or choose a later time");
        }
        if (startAt.isAfter(now.plus(LONGEST_AHEAD))) {
            throw InvalidInputException.of("startAt", "A start can be scheduled up to 90 days ahead");
        }
        if (reviewedDigest == null || reviewedDigest.isBlank()) {
            throw InvalidInputException.of("planDigest", "Review the plan first: scheduling needs the digest of the plan you were shown");
        }
        FlowService.Review review = flows.review(flowId, instanceId, options);
        if (!review.digest().equals(reviewedDigest.trim())) {
            throw InvalidInputException.of("planDigest",
                    "The plan changed since you reviewed it (the instance or its settings changed): review it again");
        }
        GeneratedKeyHolder key = new GeneratedKeyHolder();
        String actor = AuditService.currentActor();
        jdbc.update(c -> {
            var ps = c.prepareStatement("insert into scheduled_start (flow, title, instance_id, instance_name, options_json, "
                    + "plan_digest, start_at, state, created_by, created_at) values (?, ?, ?, ?, ?, ?, ?, 'SCHEDULED', ?, ?)",
                    new String[] { "id" });
            ps.setString(1, review.flow().id());
            ps.setString(2, review.plan().title());
            ps.setLong(3, instanceId);
            ps.setString(4, review.instance().getName());
            ps.setString(5, JSON.writeValueAsString(review.plan().options()));
            ps.setString(6, review.digest());
            ps.setTimestamp(7, Timestamp.from(startAt));
            ps.setString(8, actor);
            ps.setTimestamp(9, Timestamp.from(now));
            return ps;
        }, key);
        long id = key.getKey().longValue();
        audit.record("schedule.created", "scheduled_start", id, review.plan().title(),
                "on " + review.instance().getName() + " at " + startAt + ", plan sha256 " + review.digest().substring(0, 16));
        afterCommit(() -> queue.add(id, startAt));
        return get(id);
    }

    /** Cancels a start that has not happened; a started, refused or cancelled one is refused with its state. */
    @Transactional
    public void cancel(long id) {
        Scheduled scheduled = get(id);
        int n = jdbc.update("update scheduled_start set state = 'CANCELLED', ended_at = ?, message = ? where id = ? "
                + "and state = 'SCHEDULED'", Timestamp.from(clock.instant()), "Cancelled by " + AuditService.currentActor(), id);
        if (n != 1) {
            throw InvalidInputException.of("state", "Scheduled start #" + id + " is " + scheduled.state().name().toLowerCase()
                    + ": only a start still to come can be cancelled");
        }
        audit.record("schedule.cancelled", "scheduled_start", id, scheduled.title(), "was due at " + scheduled.startAt());
        afterCommit(() -> queue.remove(id));
    }

    public Scheduled get(long id) {
        List<Scheduled> found = jdbc.query(SELECT + " where id = ?", this::row, id);
        if (found.isEmpty()) {
            throw new NotFoundException("No scheduled start #" + id);
        }
        return found.get(0);
    }

    /** Starts still to come, soonest first, then the latest others, newest first. */
    public List<Scheduled> list(int recent) {
        List<Scheduled> all = new java.util.ArrayList<>(jdbc.query(SELECT + " where state in ('SCHEDULED', 'STARTING') "
                + "order by start_at, id", this::row));
        all.addAll(jdbc.query(SELECT + " where state not in ('SCHEDULED', 'STARTING') order by id desc fetch first "
                + recent + " rows only", this::row));
        return all;
    }

    /** Starts refused at or after {@code since} (for notifications). */
    public List<Scheduled> refusedSince(Instant since) {
        return jdbc.query(SELECT + " where state = 'REFUSED' and ended_at >= ? order by ended_at, id", this::row,
                Timestamp.from(since));
    }

    /** The time has come: build the plan again and start it if it is the reviewed one. */
    void fire(long id) {
        Instant now = clock.instant();
        if (jdbc.update("update scheduled_start set state = 'STARTING' where id = ? and state = 'SCHEDULED'", id) != 1) {
            return; // cancelled meanwhile, or another node took it
        }
        Scheduled scheduled = get(id);
        if (now.isAfter(scheduled.startAt().plus(properties.maxDelay()))) {
            refuse(id, "Missed its window: the panel could not start it within " + properties.maxDelay().toMinutes()
                    + " min of " + scheduled.startAt() + " (it was not running); review and schedule it again");
            return;
        }
        String why = runAs(scheduled.createdBy());
        if (why != null) {
            refuse(id, why);
            return;
        }
        try {
            Job job = flows.start(scheduled.flow(), scheduled.instanceId(), options(id), planDigest(id));
            jdbc.update("update scheduled_start set state = 'STARTED', job_id = ?, ended_at = ?, message = ? where id = ? "
                    + "and state = 'STARTING'", job.getId(), Timestamp.from(clock.instant()),
                    "Started job #" + job.getId() + " as reviewed", id);
            audit.recordAs(scheduled.createdBy(), "schedule.started", "scheduled_start", id, scheduled.title(),
                    "job #" + job.getId());
        } catch (RuntimeException refused) {
            // the plan changed (InvalidInputException), the instance is busy, unreachable or gone: said, never retried
            refuse(id, "Not started: " + refused.getMessage());
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    /** Sets up who starts the job: the one who scheduled it, if still enabled and still allowed to run jobs. */
    private String runAs(String username) {
        try {
            UserDetails user = users.loadUserByUsername(username);
            boolean operator = user.getAuthorities().stream()
                    .anyMatch(a -> a.getAuthority().equals("ROLE_OPERATOR") || a.getAuthority().equals("ROLE_ADMIN"));
            if (!user.isEnabled() || !operator) {
                return "Not started: " + username + ", who scheduled it, may no longer run jobs (disabled, or not an "
                        + "operator any more)";
            }
            SecurityContextHolder.getContext().setAuthentication(
                    new UsernamePasswordAuthenticationToken(user.getUsername(), null, user.getAuthorities()));
            return null;
        } catch (UsernameNotFoundException e) {
            return "Not started: " + username + ", who scheduled it, is no longer a user of the panel";
        }
    }

    void refuse(long id, String message) {
        String clipped = message.length() <= 2000 ? message : message.substring(0, 1999) + "…";
        jdbc.update("update scheduled_start set state = 'REFUSED', ended_at = ?, message = ? where id = ? "
                + "and state in ('SCHEDULED', 'STARTING')", Timestamp.from(clock.instant()), clipped, id);
        log.warn("Scheduled start #{} refused: {}", id, clipped);
        audit.recordAs("panel", "schedule.refused", "scheduled_start", id, null, clipped);
    }

    /** After a restart (or a commit whose queueing was lost), every start still to come is in db-scheduler's queue. */
    @EventListener(ApplicationReadyEvent.class)
    void requeue() {
        jdbc.query("select id, start_at from scheduled_start where state = 'SCHEDULED'",
                rs -> {
                    queue.add(rs.getLong(1), rs.getTimestamp(2).toInstant());
                });
    }

    private Map<String, String> options(long id) {
        String stored = jdbc.queryForObject("select options_json from scheduled_start where id = ?", String.class, id);
        Map<String, String> options = new LinkedHashMap<>();
        JSON.readTree(stored).properties().forEach(e -> options.put(e.getKey(), e.getValue().asString()));
        return options;
    }

    private String planDigest(long id) {
        return jdbc.queryForObject("select plan_digest from scheduled_start where id = ?", String.class, id);
    }

    private static final String SELECT = "select id, flow, title, instance_id, instance_name, start_at, state, job_id, "
            + "message, created_by, created_at, ended_at from scheduled_start";

    private Scheduled row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        Timestamp ended = rs.getTimestamp(12);
        return new Scheduled(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                rs.getTimestamp(6).toInstant(), State.valueOf(rs.getString(7)), (Long) rs.getObject(8, Long.class),
                rs.getString(9), rs.getString(10), rs.getTimestamp(11).toInstant(), ended == null ? null : ended.toInstant());
    }

    private static void afterCommit(Runnable action) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            action.run();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                action.run();
            }
        });
    }
}
