package dev.migrationpanel.job.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter.DataWithMediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.migrationpanel.job.JobStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * Live log streams (Server-Sent Events). Each open stream runs on one thread of a dedicated bounded pool
 * (never a servlet thread): it replays the stored lines after the client's last seq in pages, then
 * follows — waiting on the {@link JobLogHub} at most {@link #POLL_MILLIS} and then querying the database,
 * so lines written by another panel node arrive too. It ends with {@code event: end} once the job is no
 * longer active and every line was sent, ends quietly after {@link #MAX_DURATION} (the browser reconnects
 * with {@code Last-Event-ID}), and stops at the first failed write (the client went away).
 */
@Component
public class JobLogStreams implements DisposableBean {

    static final long POLL_MILLIS = 500;
    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    static final Duration MAX_DURATION = Duration.ofMinutes(10);
    /** What the browser waits before reconnecting. */
    static final long RETRY_MILLIS = 2000;

    private static final Logger log = LoggerFactory.getLogger(JobLogStreams.class);

    private final JobLogService logs;
    private final JobLogHub hub;
    private final JsonMapper json = JsonMapper.builder().build();
    private final ThreadPoolExecutor pool;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Duration heartbeat;

    JobLogStreams(JobLogService logs, JobLogHub hub, @Value("${panel.job-log.max-streams:100}") int maxStreams,
            @Value("${panel.job-log.heartbeat:15s}") Duration heartbeat) {
        this.logs = logs;
        this.hub = hub;
        this.heartbeat = heartbeat;
        AtomicInteger threads = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(0, maxStreams, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "job-log-sse-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Streams currently open; for tests and metrics. */
    public int openStreams() {
        return pool.getActiveCount();
    }

    /**
     * Starts streaming the lines after {@code afterSeq}.
     *
     * @throws RejectedExecutionException when every stream thread is busy
     */
    SseEmitter open(long jobId, long afterSeq) {
        SseEmitter emitter = new SseEmitter(MAX_DURATION.plusMinutes(1).toMillis());
        Client client = new Client(jobId, afterSeq, emitter);
        emitter.onCompletion(client::stop);
        emitter.onTimeout(client::stop);
        emitter.onError(e -> client.stop());
        pool.execute(client);
        return emitter;
    }

    @Override
    public void destroy() {
        stopping.set(true);
        pool.shutdownNow();
    }

    private final class Client implements Runnable {
        private final long jobId;
        private final SseEmitter emitter;
        private long last;
        private volatile boolean stopped;

        Client(long jobId, long afterSeq, SseEmitter emitter) {
            this.jobId = jobId;
            this.last = afterSeq;
            this.emitter = emitter;
        }

        void stop() {
            stopped = true;
        }

        @Override
        public void run() {
            long deadline = System.nanoTime() + MAX_DURATION.toNanos();
            try {
                send("retry: " + RETRY_MILLIS + "\n\n");
                long lastSend = System.nanoTime();
                while (!stopped && !stopping.get() && System.nanoTime() < deadline) {
                    List<LogLine> page = logs.after(jobId, last, JobLogService.MAX_PAGE);
                    if (page.isEmpty()) {
                        // the status first: a job that is over has stored every line before its final status
                        JobStatus status = logs.status(jobId).orElse(null);
                        page = logs.after(jobId, last, JobLogService.MAX_PAGE);
                        if (page.isEmpty() && (status == null || !status.isActive())) {
                            send("event: end\ndata: " + (status == null ? "GONE" : status.name()) + "\n\n");
                            emitter.complete();
                            return;
                        }
                    }
                    if (!page.isEmpty()) {
                        send(events(page));
                        last = page.get(page.size() - 1).seq();
                        lastSend = System.nanoTime();
                        if (page.size() == JobLogService.MAX_PAGE) {
                            continue;
                        }
                    }
                    hub.await(jobId, last, POLL_MILLIS);
                    if (System.nanoTime() - lastSend >= heartbeat.toNanos()) {
                        send(": keep-alive\n\n");
                        lastSend = System.nanoTime();
                    }
                }
                // time is up (the browser reconnects with Last-Event-ID) or the panel stops
                emitter.complete();
            } catch (IOException | IllegalStateException e) {
                // the client went away, or the response was completed meanwhile
                log.debug("Log stream of job {} ended: {}", jobId, e.toString());
                quietly(() -> emitter.completeWithError(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                quietly(emitter::complete);
            } catch (RuntimeException e) {
                log.warn("Log stream of job {} failed", jobId, e);
                quietly(() -> emitter.completeWithError(e));
            }
        }

        /** Completing a response whose client is gone (or whose panel is stopping) may itself fail: nothing to do then. */
        private void quietly(Runnable completion) {
            try {
                completion.run();
            } catch (RuntimeException ignored) {
                // the response was already recycled
            }
        }

        private String events(List<LogLine> page) {
            StringBuilder sb = new StringBuilder(page.size() * 120);
            for (LogLine line : page) {
                sb.append("id: ").append(line.seq()).append("\nevent: line\ndata: ")
                        .append(json.writeValueAsString(LogLineView.of(line))).append("\n\n");
            }
            return sb.toString();
        }

        private void send(String raw) throws IOException {
            emitter.send(new Raw(raw));
        }
    }

    /** Already formatted SSE text, written as is (one write and one flush per page). */
    private record Raw(String text) implements SseEmitter.SseEventBuilder {
        private static final MediaType UTF8_TEXT = new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8);

        @Override
        public SseEmitter.SseEventBuilder id(String id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SseEmitter.SseEventBuilder name(String eventName) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SseEmitter.SseEventBuilder reconnectTime(long reconnectTimeMillis) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SseEmitter.SseEventBuilder comment(String comment) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SseEmitter.SseEventBuilder data(Object object) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SseEmitter.SseEventBuilder data(Object object, MediaType mediaType) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Set<DataWithMediaType> build() {
            return Set.of(new DataWithMediaType(text, UTF8_TEXT));
        }
    }
}
