package dev.migrationpanel.artifact;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** The newest kept artifact of a kind for every instance at once (the fleet's "last backup"): one query. */
@Component
public class LatestArtifacts {

    public record Summary(String id, Instant createdAt, long sizeBytes) {
    }

    private final JdbcTemplate jdbc;

    LatestArtifacts(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** By instance id; instances without such an artifact are absent. Deleted artifacts do not count. */
    public Map<Long, Summary> byInstance(ArtifactKind kind) {
        Map<Long, Summary> latest = new HashMap<>();
        jdbc.query("select instance_id, id, created_at, size_bytes from (select instance_id, id, created_at, size_bytes, "
                + "row_number() over (partition by instance_id order by created_at desc, id desc) as pos from artifact "
                + "where kind = ? and deleted_at is null and instance_id is not null) newest where pos = 1",
                rs -> {
                    latest.put(rs.getLong(1), new Summary(rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getLong(4)));
                }, kind.name());
        return latest;
    }
}
