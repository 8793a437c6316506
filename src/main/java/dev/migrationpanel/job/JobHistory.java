package dev.migrationpanel.job;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.PageRequest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The job history as summaries, read with plain SQL: the page's jobs in one query (newest first, walked along
 * {@code ix_job_created_id} or the filter's index), their step counts in a second one for those jobs only, and
 * the total only when the page does not tell it (a full page, or an empty one past the first). No entity is
 * loaded: the steps' plans and specs stay in the database.
 */
@Component
class JobHistory {

    static final int MAX_SIZE = 200;

    private static final String COLUMNS = "j.id, j.flow, j.title, j.instance_id, j.instance_name, j.status, j.started_by,"
            + " j.created_at, j.started_at, j.finished_at, j.current_step, j.resume_from, j.attempt, j.cancel_requested,"
            + " j.message, j.node";

    private final JdbcTemplate jdbc;

    JobHistory(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional(readOnly = true)
    Page<JobView> page(JobSearch search, int page, int size) {
        PageRequest request = PageRequest.of(Math.max(0, page), Math.max(1, Math.min(size, MAX_SIZE)));
        List<Object> args = new ArrayList<>();
        String where = search.where(args);
        List<Object> pageArgs = new ArrayList<>(args);
        pageArgs.add(request.getPageSize());
        pageArgs.add(request.getOffset());
        List<Row> rows = jdbc.query("select " + COLUMNS + " from job j where " + where
                + " order by j.created_at desc, j.id desc limit ? offset ?", (rs, n) -> row(rs), pageArgs.toArray());
        Map<Long, int[]> steps = stepCounts(rows);
        List<JobView> views = rows.stream().map(r -> r.view(steps.getOrDefault(r.id(), new int[2]))).toList();
        long total;
        if ((!rows.isEmpty() && rows.size() < request.getPageSize()) || (rows.isEmpty() && request.getOffset() == 0)) {
            total = request.getOffset() + rows.size();
        } else {
            total = jdbc.queryForObject("select count(*) from job j where " + where, Long.class, args.toArray());
        }
        return new PageImpl<>(views, request, total);
    }

    /** Per job of the page: {steps succeeded, steps in all}. */
    private Map<Long, int[]> stepCounts(List<Row> rows) {
        Map<Long, int[]> counts = new HashMap<>();
        if (rows.isEmpty()) {
            return counts;
        }
        String marks = String.join(",", Collections.nCopies(rows.size(), "?"));
        jdbc.query("select job_id, count(*), sum(case when status = 'SUCCEEDED' then 1 else 0 end) from job_step"
                + " where job_id in (" + marks + ") group by job_id", rs -> {
                    counts.put(rs.getLong(1), new int[] {rs.getInt(3), rs.getInt(2)});
                }, rows.stream().map(Row::id).toArray());
        return counts;
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getLong("id"), rs.getString("flow"), rs.getString("title"), rs.getObject("instance_id", Long.class),
                rs.getString("instance_name"), JobStatus.valueOf(rs.getString("status")), rs.getString("started_by"),
                instant(rs, "created_at"), instant(rs, "started_at"), instant(rs, "finished_at"),
                rs.getObject("current_step", Integer.class), rs.getInt("resume_from"), rs.getInt("attempt"),
                rs.getBoolean("cancel_requested"), rs.getString("message"), rs.getString("node"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime at = rs.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    private record Row(long id, String flow, String title, Long instanceId, String instanceName, JobStatus status,
            String startedBy, Instant createdAt, Instant startedAt, Instant finishedAt, Integer currentStep,
            int resumeFrom, int attempt, boolean cancelRequested, String message, String node) {

        JobView view(int[] steps) {
            return new JobView(id, flow, title, instanceId, instanceName, status, startedBy, createdAt, startedAt,
                    finishedAt, currentStep, resumeFrom, attempt, cancelRequested, message, steps[0], steps[1], node, List.of());
        }
    }
}
