package dev.migrationpanel.job.log;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.migrationpanel.security.SecretMasker;

/**
 * Appends lines to one job's log. Obtained from {@link JobLogService#open}; thread-safe (stdout and stderr
 * may arrive on different threads). Each line is masked before anything else happens to it, split on
 * line breaks, cut at {@link #MAX_LINE_CHARS}, numbered and queued; a drain task on a shared pool stores
 * the queue in JDBC batches of up to {@link #MAX_BATCH} lines as fast as the database takes them and
 * announces each committed batch on the {@link JobLogHub}.
 *
 * <p>Memory is bounded: when the queued (and in-flight) lines exceed the writer's budget,
 * {@link #line} blocks until the database has caught up.
 *
 * <p>If storing fails even after retries, the writer is broken: the lines still queued are dropped and
 * every later call throws {@link JobLogException}.
 */
public final class JobLogWriter implements AutoCloseable {

    /** The column's size. */
    public static final int MAX_LINE_CHARS = 8000;
    /** Lines per JDBC batch. */
    public static final int MAX_BATCH = 2000;
    /** Default budget of queued text, in chars (plus {@link #LINE_OVERHEAD} per line): about 16 MiB. */
    public static final long DEFAULT_BUDGET = 8L * 1024 * 1024;
    /** What a line costs against the budget beyond its text (object headers, fields). */
    static final int LINE_OVERHEAD = 64;
    /** Batches one drain task stores before giving its pool thread to other writers. */
    private static final int BATCHES_PER_TURN = 50;
    private static final long[] RETRY_DELAYS_MILLIS = {100, 500, 2000};

    private static final Logger log = LoggerFactory.getLogger(JobLogWriter.class);

    /** Stores a batch of lines (in seq order) and commits, or throws. */
    @FunctionalInterface
    interface Sink {
        void store(List<LogLine> batch);
    }

    private final long jobId;
    /** Replaced (never narrowed) when a run meets a new secret; read on each line without the lock. */
    private volatile SecretMasker masker;
    private final Clock clock;
    private final Sink sink;
    private final JobLogHub hub;
    private final Executor drainer;
    private final long budget;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition roomFreed = lock.newCondition();
    private final Condition progress = lock.newCondition();
    private final ArrayDeque<LogLine> queue = new ArrayDeque<>();
    /** Cost of the queued lines plus the batch being stored. */
    private long pendingCost;
    private long highestPendingCost;
    private long lastAssigned;
    private long lastStored;
    private boolean draining;
    private boolean closed;
    private RuntimeException failure;

    JobLogWriter(long jobId, SecretMasker masker, long lastStoredSeq, Clock clock, Sink sink, JobLogHub hub,
            Executor drainer, long budget) {
        this.jobId = jobId;
        this.masker = Objects.requireNonNull(masker, "masker");
        this.clock = clock;
        this.sink = sink;
        this.hub = hub;
        this.drainer = drainer;
        this.budget = budget;
        this.lastAssigned = lastStoredSeq;
        this.lastStored = lastStoredSeq;
        if (hub != null) {
            hub.writerOpened(jobId, lastStoredSeq);
        }
    }

    public long jobId() {
        return jobId;
    }

    /**
     * Masks, splits, numbers and queues text. A {@code null} text is an empty line; a trailing line break
     * does not add an empty line. Blocks while the writer is over its memory budget.
     *
     * @param step the plan position, or {@code null} for lines outside any step
     * @throws JobLogException when the log can no longer be stored
     * @throws IllegalStateException after {@link #close}
     */
    public void line(Integer step, LogStream stream, String text) {
        Objects.requireNonNull(stream, "stream");
        String masked = text == null ? "" : masker.mask(text);
        Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
        int length = masked.length();
        int start = 0;
        boolean any = false;
        while (start < length || !any) {
            int end = masked.indexOf('\n', start);
            int next;
            if (end < 0) {
                end = length;
                next = length;
            } else {
                next = end + 1;
            }
            int stop = end > start && masked.charAt(end - 1) == '\r' ? end - 1 : end;
            enqueue(step, stream, at, clean(masked.substring(start, stop)));
            any = true;
            start = next;
            if (start >= length) {
                break;
            }
        }
    }

    /** A panel line: {@code line(step, PANEL, text)}. */
    public void panel(Integer step, String text) {
        line(step, LogStream.PANEL, text);
    }

    /**
     * Masks the lines queued from now on with {@code wider}, which must mask every secret the current masker
     * does (a run that met a new secret: a DB password read from .env). Lines are masked here only, once.
     */
    public void maskWith(SecretMasker wider) {
        masker = Objects.requireNonNull(wider, "masker");
    }

    /** The seq of the last line queued (or stored before this writer opened). */
    public long lastSeq() {
        lock.lock();
        try {
            return lastAssigned;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Blocks until every line queued before this call is stored.
     *
     * @throws JobLogException when storing failed
     */
    public void flush() {
        lock.lock();
        try {
            long target = lastAssigned;
            boolean interrupted = false;
            while (lastStored < target && failure == null) {
                try {
                    progress.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (failure != null) {
                throw new JobLogException("The log of job " + jobId + " could not be stored", failure);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Flushes and stops accepting lines. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
        } finally {
            lock.unlock();
        }
        try {
            flush();
        } finally {
            lock.lock();
            try {
                closed = true;
            } finally {
                lock.unlock();
            }
            if (hub != null) {
                hub.writerClosed(jobId);
            }
        }
    }

    /** The highest queued cost seen so far (text chars plus per-line overhead); for tests. */
    long highestPendingCost() {
        lock.lock();
        try {
            return highestPendingCost;
        } finally {
            lock.unlock();
        }
    }

    long budget() {
        return budget;
    }

    private static String clean(String line) {
        String out = line;
        // PostgreSQL refuses NUL in text
        if (out.indexOf('\0') >= 0) {
            out = out.replace('\0', '\uFFFD');
        }
        if (out.length() > MAX_LINE_CHARS) {
            String marker = " [… line truncated, " + out.length() + " chars in all]";
            int keep = MAX_LINE_CHARS - marker.length();
            if (Character.isHighSurrogate(out.charAt(keep - 1))) {
                keep--;
            }
            out = out.substring(0, keep) + marker;
        }
        return out;
    }

    private void enqueue(Integer step, LogStream stream, Instant at, String text) {
        long cost = (long) text.length() + LINE_OVERHEAD;
        boolean startDrain = false;
        lock.lock();
        try {
            boolean interrupted = false;
            // a single line larger than the budget still goes through once the queue is empty
            while (failure == null && !closed && pendingCost > 0 && pendingCost + cost > budget) {
                try {
                    roomFreed.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (failure != null) {
                throw new JobLogException("The log of job " + jobId + " could not be stored", failure);
            }
            if (closed) {
                throw new IllegalStateException("The log writer of job " + jobId + " is closed");
            }
            LogLine line = new LogLine(jobId, ++lastAssigned, step, at, stream, text);
            queue.add(line);
            pendingCost += cost;
            highestPendingCost = Math.max(highestPendingCost, pendingCost);
            if (!draining) {
                draining = true;
                startDrain = true;
            }
        } finally {
            lock.unlock();
        }
        if (startDrain) {
            try {
                drainer.execute(this::drain);
            } catch (RuntimeException e) {
                fail(e);
                throw new JobLogException("The log of job " + jobId + " could not be stored", e);
            }
        }
    }

    private void drain() {
        for (int turn = 0; turn < BATCHES_PER_TURN; turn++) {
            List<LogLine> batch;
            long batchCost = 0;
            lock.lock();
            try {
                if (queue.isEmpty() || failure != null) {
                    draining = false;
                    return;
                }
                int n = Math.min(queue.size(), MAX_BATCH);
                batch = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    LogLine line = queue.poll();
                    batch.add(line);
                    batchCost += line.line().length() + LINE_OVERHEAD;
                }
            } finally {
                lock.unlock();
            }
            try {
                storeWithRetries(batch);
            } catch (RuntimeException e) {
                fail(e);
                return;
            }
            long stored = batch.get(batch.size() - 1).seq();
            lock.lock();
            try {
                lastStored = stored;
                pendingCost -= batchCost;
                roomFreed.signalAll();
                progress.signalAll();
            } finally {
                lock.unlock();
            }
            if (hub != null) {
                hub.stored(jobId, stored);
            }
        }
        // give the pool thread to other writers; continue at the back of the line
        try {
            drainer.execute(this::drain);
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private void storeWithRetries(List<LogLine> batch) {
        for (int attempt = 0; ; attempt++) {
            try {
                sink.store(batch);
                return;
            } catch (RuntimeException e) {
                if (attempt >= RETRY_DELAYS_MILLIS.length || e instanceof JobLogService.RunLostException) {
                    throw e;
                }
                log.warn("Storing {} log lines of job {} failed; retrying: {}", batch.size(), jobId, e.toString());
                try {
                    TimeUnit.MILLISECONDS.sleep(RETRY_DELAYS_MILLIS[attempt]);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private void fail(RuntimeException e) {
        log.error("The log of job {} could not be stored; dropping the lines still queued", jobId, e);
        lock.lock();
        try {
            if (failure == null) {
                failure = e;
            }
            queue.clear();
            pendingCost = 0;
            draining = false;
            roomFreed.signalAll();
            progress.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
