package dev.migrationpanel.instance;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The latest check of every instance at once, for the fleet's overview: one query, whatever the number of
 * instances (the instance page reads its own history through {@link InstanceService}).
 */
@Component
public class LatestChecks {

    /**
     * A product's probe of this name reports the installed version: its message is what the overview shows
     * (e.g. DreamFactory's "App version" probe answers "DreamFactory 7.1.0").
     */
    public static final String VERSION_ITEM = "App version";

    /** @param version the message of the check's OK {@link #VERSION_ITEM} item, or null */
    public record Summary(CheckStatus outcome, Instant finishedAt, String version) {
    }

    private final JdbcTemplate jdbc;

    LatestChecks(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** By instance id; instances never checked are absent. */
    public Map<Long, Summary> byInstance() {
        Map<Long, Summary> latest = new HashMap<>();
        // ids grow with time: the highest id of an instance is its latest check
        jdbc.query("select c.instance_id, c.outcome, c.finished_at, v.message from instance_check c "
                + "left join instance_check_item v on v.check_id = c.id and v.name = ? and v.status = 'OK' "
                + "where c.id in (select max(id) from instance_check group by instance_id)", rs -> {
                    Timestamp finished = rs.getTimestamp(3);
                    latest.put(rs.getLong(1), new Summary(CheckStatus.valueOf(rs.getString(2)),
                            finished == null ? null : finished.toInstant(), rs.getString(4)));
                }, VERSION_ITEM);
        return latest;
    }
}
