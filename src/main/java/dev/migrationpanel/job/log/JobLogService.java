package dev.migrationpanel.job.log;

import java.io.IOException;
import java.io.Writer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.security.SecretMasker;

/**
 * Job logs: writers for the runner ({@link #open}) and keyset-paged reads for the pages, the API, the
 * live stream and the download. Reads never load more than one page ({@link #MAX_PAGE} lines) at once.
 */
@Service
public class JobLogService implements DisposableBean {

    /** The largest page any read returns. */
    public static final int MAX_PAGE = 5000;

    private static final String INSERT =
            "insert into job_log (job_id, seq, step, logged_at, stream, line) values (?, ?, ?, ?, ?, ?)";
    static final int ROWS_PER_STATEMENT = 50;
    private static final String MULTI_INSERT = "insert into job_log (job_id, seq, step, logged_at, stream, line) values "
            + String.join(", ", Collections.nCopies(ROWS_PER_STATEMENT, "(?, ?, ?, ?, ?, ?)"));
    private static final String COLUMNS = "select job_id, seq, step, logged_at, stream, line from job_log ";
    private static final RowMapper<LogLine> ROW = JobLogService::row;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final JobLogHub hub;
    private final Clock clock;
    private final ExecutorService drainers;
    private final long budget;

    @Autowired
    public JobLogService(DataSource dataSource, JobLogHub hub, Clock clock) {
        this(dataSource, hub, clock, JobLogWriter.DEFAULT_BUDGET);
    }

    /** Also for benchmarks and tests, outside a Spring context. */
    public JobLogService(DataSource dataSource, JobLogHub hub, Clock clock, long writerBudget) {
        this.jdbc = new JdbcTemplate(dataSource);
        // a plain JDBC transaction per batch: one commit for up to MAX_BATCH rows
        this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.hub = hub;
        this.clock = clock;
        this.budget = writerBudget;
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "job-log-store-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        this.drainers = pool;
    }

    /**
     * A writer appending to the job's log after the lines already stored (a resumed job keeps its earlier
     * log). One writer per job at a time: the runner holds it for the run and closes it at the end,
     * <em>before</em> it stores the job's final status (so that a stream that sees the final status has
     * every line).
     *
     * @param masker masks every line before it is stored; {@code new SecretMasker(List.of())} for none
     * @throws IllegalArgumentException when there is no such job
     */
    public JobLogWriter open(long jobId, SecretMasker masker) {
        if (status(jobId).isEmpty()) {
            throw new IllegalArgumentException("No job " + jobId);
        }
        return new JobLogWriter(jobId, masker, lastSeq(jobId), clock, batch -> insert(batch, null), hub, drainers, budget);
    }

    /**
     * {@link #open(long, SecretMasker)} for one run of the job, its {@code attempt}: each batch is stored only while
     * the job is RUNNING that attempt. A run its node lost (the node was taken for dead, another node interrupted
     * the job and it may have been resumed since) stores nothing more: its lines would take the seqs of the new
     * run's. Storing then fails at once with a {@link JobLogException}, without retries.
     */
    /** Whether {@code e} (or its cause) says that the run writing the log is no longer the job's. */
    public static boolean runLost(Throwable e) {
        return e instanceof RunLostException || e != null && e.getCause() instanceof RunLostException;
    }

    public JobLogWriter open(long jobId, int attempt, SecretMasker masker) {
        if (status(jobId).isEmpty()) {
            throw new IllegalArgumentException("No job " + jobId);
        }
        return new JobLogWriter(jobId, masker, lastSeq(jobId), clock, batch -> insert(batch, attempt), hub, drainers,
                budget);
    }

    /** Thrown by a guarded batch whose run is over: not worth a retry. */
    public static final class RunLostException extends JobLogException {
        RunLostException(long jobId, int attempt) {
            super("Job " + jobId + " is no longer running attempt " + attempt + " (its node was taken for dead): "
                    + "the lines of that run are not stored", null);
        }
    }

    /** The job's status, read fresh from the database; empty when there is no such job. */
    public Optional<JobStatus> status(long jobId) {
        List<String> found = jdbc.queryForList("select status from job where id = ?", String.class, jobId);
        return found.isEmpty() ? Optional.empty() : Optional.of(JobStatus.valueOf(found.get(0)));
    }

    /** The highest stored seq of the job, 0 when it has no lines. */
    public long lastSeq(long jobId) {
        Long max = jdbc.queryForObject("select max(seq) from job_log where job_id = ?", Long.class, jobId);
        return max == null ? 0 : max;
    }

    /** Up to {@code limit} (at most {@link #MAX_PAGE}) lines with seq greater than {@code afterSeq}, in order. */
    public List<LogLine> after(long jobId, long afterSeq, int limit) {
        return jdbc.query(COLUMNS + "where job_id = ? and seq > ? order by seq limit ?", ROW, jobId, afterSeq,
                clamp(limit));
    }

    /** Up to {@code limit} lines with seq less than {@code beforeSeq}: the ones right before it, in order. */
    public List<LogLine> before(long jobId, long beforeSeq, int limit) {
        List<LogLine> lines = new ArrayList<>(jdbc.query(
                COLUMNS + "where job_id = ? and seq < ? order by seq desc limit ?", ROW, jobId, beforeSeq, clamp(limit)));
        Collections.reverse(lines);
        return lines;
    }

    /** The last {@code limit} lines, in order. */
    public List<LogLine> tail(long jobId, int limit) {
        return before(jobId, Long.MAX_VALUE, limit);
    }

    /** Writes the whole log as text ({@link LogLine#toText()}, one per line), reading it page by page. */
    public long writeText(long jobId, Writer out) throws IOException {
        long last = 0;
        long count = 0;
        while (true) {
            List<LogLine> page = after(jobId, last, MAX_PAGE);
            for (LogLine line : page) {
                out.write(line.toText());
                out.write('\n');
            }
            count += page.size();
            if (page.size() < MAX_PAGE) {
                return count;
            }
            last = page.get(page.size() - 1).seq();
        }
    }

    /**
     * One transaction per batch. Rows go in multi-row inserts of {@link #ROWS_PER_STATEMENT} (a JDBC batch of
     * them), the rest one row per statement: as fast on PostgreSQL as {@code reWriteBatchedInserts}, without
     * depending on the JDBC URL.
     */
    private void insert(List<LogLine> batch, Integer attempt) {
        int full = batch.size() / ROWS_PER_STATEMENT;
        int rest = batch.size() % ROWS_PER_STATEMENT;
        transactions.executeWithoutResult(status -> {
            if (attempt != null && jdbc.queryForList("select 1 from job where id = ? and attempt = ? and status = 'RUNNING'",
                    Integer.class, batch.get(0).jobId(), attempt).isEmpty()) {
                throw new RunLostException(batch.get(0).jobId(), attempt);
            }
            if (full > 0) {
                jdbc.batchUpdate(MULTI_INSERT, new BatchPreparedStatementSetter() {
                    @Override
                    public void setValues(PreparedStatement ps, int i) throws SQLException {
                        for (int r = 0; r < ROWS_PER_STATEMENT; r++) {
                            bind(ps, r * 6, batch.get(i * ROWS_PER_STATEMENT + r));
                        }
                    }

                    @Override
                    public int getBatchSize() {
                        return full;
                    }
                });
            }
            if (rest > 0) {
                jdbc.batchUpdate(INSERT, new BatchPreparedStatementSetter() {
                    @Override
                    public void setValues(PreparedStatement ps, int i) throws SQLException {
                        bind(ps, 0, batch.get(full * ROWS_PER_STATEMENT + i));
                    }

                    @Override
                    public int getBatchSize() {
                        return rest;
                    }
                });
            }
        });
    }

    private static void bind(PreparedStatement ps, int offset, LogLine line) throws SQLException {
        ps.setLong(offset + 1, line.jobId());
        ps.setLong(offset + 2, line.seq());
        if (line.step() == null) {
            ps.setNull(offset + 3, Types.INTEGER);
        } else {
            ps.setInt(offset + 3, line.step());
        }
        ps.setObject(offset + 4, OffsetDateTime.ofInstant(line.at(), ZoneOffset.UTC));
        ps.setString(offset + 5, line.stream().name());
        ps.setString(offset + 6, line.line());
    }

    private static LogLine row(ResultSet rs, int i) throws SQLException {
        int step = rs.getInt("step");
        Integer stepOrNull = rs.wasNull() ? null : step;
        OffsetDateTime at = rs.getObject("logged_at", OffsetDateTime.class);
        return new LogLine(rs.getLong("job_id"), rs.getLong("seq"), stepOrNull, at.toInstant(),
                LogStream.valueOf(rs.getString("stream")), rs.getString("line"));
    }

    private static int clamp(int limit) {
        return Math.max(1, Math.min(limit, MAX_PAGE));
    }

    @Override
    public void destroy() {
        drainers.shutdown();
        try {
            drainers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
