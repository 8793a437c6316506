package dev.migrationpanel.notification;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The delivery rows: written before anything is sent (so a stopped panel sends them when it is back), claimed with
 * a guarded update (so two nodes never send one twice), and kept as the delivery log.
 */
@Component
class NotificationOutbox {

    enum State {
        PENDING, DELIVERED, FAILED
    }

    /** A row due for an attempt. */
    record Due(long id, long channelId, String event, String payload, int attempts) {
    }

    /** A row of the delivery log as the page shows it. */
    record Delivery(long id, long channelId, String channelName, Long jobId, Integer jobAttempt, String event,
            State state, int attempts, Instant createdAt, Instant lastAttemptAt, Instant nextAttemptAt,
            String lastResult) {
    }

    private final JdbcTemplate jdbc;

    NotificationOutbox(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Which (channel, job, attempt) ends already have a row, among these jobs. */
    Set<String> known(List<Long> jobIds) {
        Set<String> keys = new HashSet<>();
        for (int from = 0; from < jobIds.size(); from += 500) {
            List<Long> part = jobIds.subList(from, Math.min(jobIds.size(), from + 500));
            String marks = String.join(",", part.stream().map(id -> "?").toList());
            jdbc.query("select channel_id, job_id, job_attempt from notification_delivery where job_id in (" + marks + ")",
                    rs -> {
                        keys.add(key(rs.getLong(1), rs.getLong(2), rs.getInt(3)));
                    }, part.toArray());
        }
        return keys;
    }

    static String key(long channelId, long jobId, int attempt) {
        return channelId + "/" + jobId + "/" + attempt;
    }

    static String refusedStartKey(long channelId, long scheduledStartId) {
        return channelId + "/s" + scheduledStartId;
    }

    /** Adds a job end for a channel; false when another node added it first. */
    boolean addJobEnd(long channelId, long jobId, int jobAttempt, String event, String payload, Instant now) {
        try {
            jdbc.update("insert into notification_delivery (channel_id, job_id, job_attempt, event, payload, status, "
                    + "attempts, next_attempt_at, created_at) values (?, ?, ?, ?, ?, 'PENDING', 0, ?, ?)",
                    channelId, jobId, jobAttempt, event, payload, Timestamp.from(now), Timestamp.from(now));
            return true;
        } catch (DuplicateKeyException alreadyThere) {
            return false;
        }
    }

    /** Adds a refused scheduled start for a channel; false when another node added it first. */
    boolean addRefusedStart(long channelId, long scheduledStartId, String event, String payload, Instant now) {
        try {
            jdbc.update("insert into notification_delivery (channel_id, scheduled_start_id, event, payload, status, "
                    + "attempts, next_attempt_at, created_at) values (?, ?, ?, ?, 'PENDING', 0, ?, ?)",
                    channelId, scheduledStartId, event, payload, Timestamp.from(now), Timestamp.from(now));
            return true;
        } catch (DuplicateKeyException alreadyThere) {
            return false;
        }
    }

    /** Which (channel, scheduled start) pairs already have a row. */
    Set<String> knownRefusedStarts(Instant since) {
        Set<String> keys = new HashSet<>();
        jdbc.query("select channel_id, scheduled_start_id from notification_delivery where scheduled_start_id is not null "
                + "and created_at >= ?", rs -> {
                    keys.add(refusedStartKey(rs.getLong(1), rs.getLong(2)));
                }, Timestamp.from(since));
        return keys;
    }

    void addTest(long channelId, String event, String payload, Instant now) {
        jdbc.update("insert into notification_delivery (channel_id, event, payload, status, attempts, next_attempt_at, "
                + "created_at) values (?, ?, ?, 'PENDING', 0, ?, ?)", channelId, event, payload, Timestamp.from(now),
                Timestamp.from(now));
    }

    List<Due> due(Instant now, int limit) {
        return jdbc.query("select id, channel_id, event, payload, attempts from notification_delivery "
                + "where status = 'PENDING' and next_attempt_at <= ? order by next_attempt_at, id fetch first " + limit
                + " rows only", (rs, n) -> new Due(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getInt(5)), Timestamp.from(now));
    }

    /**
     * Takes a due row for one attempt: pushes its next attempt to {@code leaseUntil} so no other node picks it while
     * it is being sent (and a node that dies mid-send leaves it to be retried then). False when someone else took it.
     */
    boolean claim(Due due, Instant now, Instant leaseUntil) {
        return jdbc.update("update notification_delivery set next_attempt_at = ?, last_attempt_at = ? where id = ? "
                + "and status = 'PENDING' and attempts = ? and next_attempt_at <= ?", Timestamp.from(leaseUntil),
                Timestamp.from(now), due.id(), due.attempts(), Timestamp.from(now)) == 1;
    }

    void delivered(Due due, String result) {
        jdbc.update("update notification_delivery set status = 'DELIVERED', attempts = ?, next_attempt_at = null, "
                + "last_result = ? where id = ? and status = 'PENDING'", due.attempts() + 1, clip(result), due.id());
    }

    void retryAt(Due due, Instant next, String result) {
        jdbc.update("update notification_delivery set attempts = ?, next_attempt_at = ?, last_result = ? "
                + "where id = ? and status = 'PENDING'", due.attempts() + 1, Timestamp.from(next), clip(result), due.id());
    }

    void gaveUp(Due due, String result) {
        jdbc.update("update notification_delivery set status = 'FAILED', attempts = ?, next_attempt_at = null, "
                + "last_result = ? where id = ? and status = 'PENDING'", due.attempts() + 1, clip(result), due.id());
    }

    /** Gives up what a channel still had to send, when it is switched off: it would be stale by the time it is on again. */
    void dropPending(long channelId, String reason) {
        jdbc.update("update notification_delivery set status = 'FAILED', next_attempt_at = null, last_result = ? "
                + "where channel_id = ? and status = 'PENDING'", clip(reason), channelId);
    }

    /** The latest rows, newest first, of one channel or (null) all. */
    List<Delivery> latest(Long channelId, int limit) {
        String where = channelId == null ? "" : " where d.channel_id = ?";
        Object[] args = channelId == null ? new Object[0] : new Object[] { channelId };
        return jdbc.query("select d.id, d.channel_id, c.name, d.job_id, d.job_attempt, d.event, d.status, d.attempts, "
                + "d.created_at, d.last_attempt_at, d.next_attempt_at, d.last_result from notification_delivery d "
                + "join notification_channel c on c.id = d.channel_id" + where
                + " order by d.id desc fetch first " + limit + " rows only",
                (rs, n) -> new Delivery(rs.getLong(1), rs.getLong(2), rs.getString(3), (Long) rs.getObject(4, Long.class),
                        (Integer) rs.getObject(5, Integer.class), rs.getString(6), State.valueOf(rs.getString(7)),
                        rs.getInt(8), instant(rs.getTimestamp(9)), instant(rs.getTimestamp(10)),
                        instant(rs.getTimestamp(11)), rs.getString(12)), args);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static String clip(String s) {
        if (s == null) {
            return null;
        }
        String flat = s.replaceAll("\\s+", " ").strip();
        return flat.length() <= 500 ? flat : flat.substring(0, 499) + "…";
    }
}
