package dev.migrationpanel.security;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The one row of {@code master_key_state}: the fingerprint of the key the panel's secrets are under, the
 * one before the last rotation, and while a rotation runs the key it rotates to. Never a key itself.
 */
record MasterKeyState(String fingerprint, String previousFingerprint, String rotatingTo, Instant recordedAt,
        Instant rotationStartedAt, Instant rotatedAt) {

    static MasterKeyState read(JdbcTemplate jdbc) {
        List<MasterKeyState> rows = jdbc.query("select fingerprint, previous_fingerprint, rotating_to, recorded_at,"
                + " rotation_started_at, rotated_at from master_key_state where id = 1",
                (rs, n) -> new MasterKeyState(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs.getTimestamp(4)),
                        instant(rs.getTimestamp(5)), instant(rs.getTimestamp(6))));
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** Records the first key; fails (primary key) when another node recorded one at the same moment. */
    static void insert(JdbcTemplate jdbc, String fingerprint, Instant now) {
        jdbc.update("insert into master_key_state (id, fingerprint, recorded_at) values (1, ?, ?)", fingerprint,
                Timestamp.from(now));
    }

    static void replace(JdbcTemplate jdbc, String fingerprint, String previous, Instant now) {
        jdbc.update("update master_key_state set fingerprint = ?, previous_fingerprint = ?, recorded_at = ?,"
                + " rotating_to = null, rotation_started_at = null where id = 1", fingerprint, previous, Timestamp.from(now));
    }

    static void startRotation(JdbcTemplate jdbc, String to, Instant now) {
        jdbc.update("update master_key_state set rotating_to = ?, rotation_started_at = ? where id = 1", to,
                Timestamp.from(now));
    }

    static void finishRotation(JdbcTemplate jdbc, String from, String to, Instant now) {
        jdbc.update("update master_key_state set fingerprint = ?, previous_fingerprint = ?, rotating_to = null,"
                + " rotation_started_at = null, rotated_at = ?, recorded_at = ? where id = 1", to, from,
                Timestamp.from(now), Timestamp.from(now));
    }

    String keyId() {
        return MasterKey.keyIdOf(fingerprint);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
