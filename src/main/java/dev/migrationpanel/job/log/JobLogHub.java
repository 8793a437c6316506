package dev.migrationpanel.job.log;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Component;

/**
 * In-process wake-up for readers of a job's log: a {@link JobLogWriter} reports the highest seq it has
 * committed, and readers waiting for lines after a seq return at once. Only lines written on this node
 * are announced; readers still poll the database (another node may run the job), so a missed wake-up
 * costs at most the reader's timeout.
 */
@Component
public class JobLogHub {

    private final ConcurrentHashMap<Long, Topic> topics = new ConcurrentHashMap<>();

    /** Called after the insert of lines up to {@code lastSeq} has committed. */
    public void stored(long jobId, long lastSeq) {
        Topic topic = topics.get(jobId);
        if (topic != null) {
            topic.advance(lastSeq);
        }
    }

    /**
     * Wakes every reader of the job at once, for instance after the job's status changed, so that an
     * ended job's streams end now rather than at their next poll.
     */
    public void wake(long jobId) {
        Topic topic = topics.get(jobId);
        if (topic != null) {
            topic.poke();
        }
    }

    /**
     * Waits until a line after {@code afterSeq} is known to be stored on this node, {@link #wake} is
     * called, or the timeout passes.
     *
     * @return whether a newer line was announced (false: timeout or wake; query the database anyway)
     */
    public boolean await(long jobId, long afterSeq, long timeoutMillis) throws InterruptedException {
        Topic topic = acquire(jobId);
        try {
            return topic.await(afterSeq, timeoutMillis);
        } finally {
            release(jobId);
        }
    }

    /** A writer holds the job's topic while it is open, so that no announcement is lost. */
    void writerOpened(long jobId, long lastSeq) {
        acquire(jobId).advance(lastSeq);
    }

    void writerClosed(long jobId) {
        Topic topic = topics.get(jobId);
        if (topic != null) {
            topic.poke();
        }
        release(jobId);
    }

    /** Jobs with a topic now (open writers or waiting readers); for tests. */
    int topicCount() {
        return topics.size();
    }

    private Topic acquire(long jobId) {
        return topics.compute(jobId, (id, t) -> {
            Topic topic = t == null ? new Topic() : t;
            topic.users++;
            return topic;
        });
    }

    private void release(long jobId) {
        topics.computeIfPresent(jobId, (id, t) -> --t.users <= 0 ? null : t);
    }

    private static final class Topic {
        /** Guarded by the map's compute lock. */
        int users;
        private long lastSeq = -1;
        private long pokes;

        synchronized void advance(long seq) {
            if (seq > lastSeq) {
                lastSeq = seq;
                notifyAll();
            }
        }

        synchronized void poke() {
            pokes++;
            notifyAll();
        }

        synchronized boolean await(long afterSeq, long timeoutMillis) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            long pokesAtStart = pokes;
            while (lastSeq <= afterSeq && pokes == pokesAtStart) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
            return lastSeq > afterSeq;
        }
    }
}
