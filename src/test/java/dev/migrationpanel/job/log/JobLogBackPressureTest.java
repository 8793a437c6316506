package dev.migrationpanel.job.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.migrationpanel.security.SecretMasker;

/** The writer's memory bound with a database that stalls, and its failure when storing keeps failing. */
class JobLogBackPressureTest {

    private final ExecutorService drainer = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        drainer.shutdownNow();
    }

    @Test
    void aStalledDatabaseBlocksTheProducerInsteadOfGrowingTheQueue() throws Exception {
        CountDownLatch dbStalled = new CountDownLatch(1);
        List<LogLine> stored = new CopyOnWriteArrayList<>();
        JobLogWriter.Sink slowDb = batch -> {
            try {
                dbStalled.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            stored.addAll(batch);
        };
        long budget = 10_000;
        JobLogWriter writer = new JobLogWriter(1, new SecretMasker(List.of()), 0, Clock.systemUTC(), slowDb, null,
                drainer, budget);
        String text = "y".repeat(36); // costs 36 + 64 = 100
        AtomicInteger written = new AtomicInteger();
        Thread producer = new Thread(() -> {
            for (int i = 0; i < 10_000; i++) {
                writer.line(1, LogStream.OUT, text);
                written.incrementAndGet();
            }
        });
        producer.start();
        // the producer soon blocks: about budget / cost lines accepted, no more
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (producer.getState() != Thread.State.WAITING && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        Thread.sleep(200);
        assertThat(producer.getState()).isEqualTo(Thread.State.WAITING);
        assertThat(written.get()).isEqualTo(100);
        assertThat(writer.highestPendingCost()).isLessThanOrEqualTo(budget);
        assertThat(stored).isEmpty();

        dbStalled.countDown();
        producer.join(30_000);
        assertThat(producer.isAlive()).isFalse();
        writer.close();
        assertThat(stored).hasSize(10_000);
        assertThat(stored).extracting(LogLine::seq).startsWith(1L, 2L, 3L).endsWith(9_999L, 10_000L);
        assertThat(writer.highestPendingCost()).isLessThanOrEqualTo(budget);
    }

    @Test
    void whenStoringKeepsFailingTheWriterSaysSo() {
        JobLogWriter.Sink brokenDb = batch -> {
            throw new IllegalStateException("database is down");
        };
        JobLogWriter writer = new JobLogWriter(2, new SecretMasker(List.of()), 0, Clock.systemUTC(), brokenDb, null,
                drainer, 10_000);
        writer.line(1, LogStream.OUT, "lost");
        assertThatThrownBy(writer::flush).isInstanceOf(JobLogException.class).hasMessageContaining("job 2")
                .hasRootCauseMessage("database is down");
        assertThatThrownBy(() -> writer.line(1, LogStream.OUT, "again")).isInstanceOf(JobLogException.class);
    }
}
