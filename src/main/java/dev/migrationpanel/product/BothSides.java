package dev.migrationpanel.product;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.springframework.security.concurrent.DelegatingSecurityContextExecutor;

/**
 * A pair's two read-only looks (each side's host, DB and CLI) taken at once: each waits mostly on its own host, so
 * a review or a pair's checks take the longer of the two rather than their sum. A review is built twice (when
 * shown and again at the start, to refuse a changed plan), so this is paid twice per job.
 */
public final class BothSides {

    /**
     * Its own threads, not the common pool (on a 2-core host that pool has a single thread that others share), each
     * read run as the admin who asked (a host key pinned on first contact is recorded as theirs).
     */
    private static final AtomicInteger READER_COUNT = new AtomicInteger();
    private static final Executor READERS = new DelegatingSecurityContextExecutor(Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "side-read-" + READER_COUNT.incrementAndGet());
        t.setDaemon(true);
        return t;
    }));

    private BothSides() {
    }

    /** What the two reads returned. */
    public record Read<S, T>(S source, T target) {
    }

    /**
     * Reads the target on another thread while this one reads the source. A failure is thrown as the read threw it,
     * the source's first; the target's read is then left to finish on its own (it only reads, and closes what it
     * opened).
     */
    public static <S, T> Read<S, T> read(Supplier<S> source, Supplier<T> target) {
        CompletableFuture<T> reading = CompletableFuture.supplyAsync(target, READERS);
        S s = source.get();
        try {
            return new Read<>(s, reading.join());
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }
}
