package dev.migrationpanel.job;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.stereotype.Component;

import dev.migrationpanel.artifact.Artifact;
import dev.migrationpanel.artifact.ArtifactException;
import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactSpec;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.remote.LineListener;
import dev.migrationpanel.remote.RemoteException;
import dev.migrationpanel.remote.SecretRefs;
import dev.migrationpanel.remote.SshSession;

/**
 * Runs a {@link StepSpec.Stream}: the sending command's output is copied, as it arrives, into the receiving
 * command's input and into the artifact store, so the two commands overlap like {@code ssh a cmd | ssh b cmd}
 * and the panel holds at most two small buffers of it in memory. Each side runs in its own process group.
 * The first side to fail stops the others, and its reason is the step's: the receiving side is then
 * killed, never handed an end of input that would let it commit half a dump.
 */
@Component
class StreamExecutor implements StepExecutor {

    /** Per receiver (the target's command, the store): enough to ride out a pause of either, small enough for any heap. */
    static final int BUFFER_BYTES = 4 * 1024 * 1024;

    private final ArtifactStore store;

    StreamExecutor(ArtifactStore store) {
        this.store = store;
    }

    @Override
    public String kind() {
        return StepSpec.STREAM;
    }

    @Override
    public StepResult execute(StepRun run) throws IOException {
        StepSpec.Stream spec = (StepSpec.Stream) run.spec();
        Instance from = run.planInstance(spec.fromInstance());
        Instance to = run.instance();
        SshSession fromSsh = run.ssh(from);
        SshSession toSsh = run.ssh();
        SecretStdin sender = SecretStdin.of(spec.fromCommand(), name -> run.secret(SecretRefs.ofInstance(from.getId(), name)));
        SecretStdin receiver = SecretStdin.of(spec.toCommand(), run::secret);

        BytePipe toTarget = new BytePipe(BUFFER_BYTES);
        BytePipe toStore = new BytePipe(BUFFER_BYTES);
        Tee tee = new Tee(toTarget, toStore);
        // the first reason any side had to stop; every other side stops for it
        AtomicReference<String> stop = new AtomicReference<>();
        Runnable abort = () -> {
            toTarget.fail();
            toStore.fail();
        };
        long deadline = System.nanoTime() + run.timeout().toNanos();
        java.util.function.BooleanSupplier shouldStop = () -> {
            if (run.cancelled()) {
                stop.compareAndSet(null, "Cancelled: both commands and the processes they started were stopped");
            } else if (System.nanoTime() > deadline) {
                stop.compareAndSet(null, "The stream did not finish within " + run.timeout().toSeconds() + " s");
            }
            if (stop.get() != null) {
                abort.run(); // unblocks the sending connection's thread first, so the kill can be sent on it
                return true;
            }
            return false;
        };
        String[] lastErrors = new String[2];
        AtomicReference<Throwable> firstFailure = new AtomicReference<>(); // the exception that made the stop, if any

        ExecutorService sides = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "stream-job-" + run.jobId() + "-step-" + run.position());
            t.setDaemon(true);
            return t;
        });
        try {
            Future<Artifact> stored = sides.submit(() -> {
                try {
                    return store.write(new ArtifactSpec(run.jobId(), from.getId(), run.position(), spec.artifactName(),
                            ArtifactKind.valueOf(spec.artifactKind()), TransferExecutors.contentType(spec.artifactName()),
                            spec.secret()), toStore.input());
                } catch (RuntimeException e) {
                    stop.compareAndSet(null, e instanceof ArtifactException ? e.getMessage()
                            : "The artifact store failed: " + e.getMessage());
                    abort.run();
                    firstFailure.compareAndSet(null, e);
                    throw e;
                }
            });
            Future<Integer> received = sides.submit(() -> {
                int exit;
                try {
                    exit = toSsh.streamInProcessGroup(receiver.command(), new SequenceInputStream(
                            new ByteArrayInputStream(receiver.stdin()), toTarget.input()), null, run.timeout(),
                            lines(run, to.getName(), lastErrors, 1), shouldStop);
                } catch (RemoteException e) {
                    stop.compareAndSet(null, "On " + to.getName() + ": " + e.getMessage());
                    abort.run();
                    firstFailure.compareAndSet(null, e);
                    throw e;
                }
                if (!tee.ended()) { // it ended before its input did
                    stop.compareAndSet(null, "The command on " + to.getName() + " ended (exit code " + exit
                            + ") before all of its input had arrived" + reason(lastErrors[1]));
                    abort.run();
                }
                return exit;
            });

            Integer sent = null;
            try {
                sent = fromSsh.streamInProcessGroup(sender.command(), new ByteArrayInputStream(sender.stdin()), tee,
                        run.timeout(), lines(run, from.getName(), lastErrors, 0), () -> {
                            run.progress(tee.count(), null);
                            return shouldStop.getAsBoolean();
                        });
            } catch (RemoteException e) {
                stop.compareAndSet(null, "On " + from.getName() + ": " + e.getMessage());
                abort.run();
                firstFailure.compareAndSet(null, e);
            }
            if (sent != null && sent != 0) {
                stop.compareAndSet(null, "The command on " + from.getName() + " exited with code " + sent
                        + reason(lastErrors[0]));
                abort.run();
            } else if (sent != null) {
                tee.end();
            }
            // both other sides end by themselves now (a stop makes each kill its command), so wait for them
            Integer exit = settle(received, stop);
            Artifact artifact = settle(stored, stop);
            if (stop.get() != null) {
                throw failure(stop.get(), firstFailure.get(), run);
            }
            if (exit != 0) {
                throw new StepFailedException("The command on " + to.getName() + " exited with code " + exit
                        + reason(lastErrors[1]));
            }
            run.progress(tee.count(), tee.count());
            run.note("Streamed " + tee.count() + " bytes from " + from.getName() + " into " + to.getName()
                    + "; stored artifact " + artifact.getName() + ": sha256 " + artifact.getSha256()
                    + (artifact.isEncrypted() ? ", encrypted at rest" : ""));
            return StepResult.done("Streamed and stored " + artifact.getName() + " (" + tee.count() + " bytes, sha256 "
                    + artifact.getSha256().substring(0, 12) + "…)");
        } finally {
            abort.run(); // no-op after a clean end: both pipes are drained by then
            sides.shutdownNow();
        }
    }

    private static LineListener lines(StepRun run, String side, String[] lastErrors, int index) {
        return (stream, line) -> {
            if (stream == LineListener.Stream.STDERR) {
                if (RemoteCommandExecutor.explains(line, lastErrors[index])) {
                    lastErrors[index] = line;
                }
                run.err(side + ": " + line);
            } else {
                run.out(side + ": " + line);
            }
        };
    }

    private static String reason(String lastError) {
        return lastError == null || lastError.isBlank() ? "" : ": " + RemoteCommandExecutor.withErrnoName(lastError.strip());
    }

    /** The side's result, or null when it failed (its reason is in {@code stop} by then). */
    private static <T> T settle(Future<T> side, AtomicReference<String> stop) {
        try {
            return side.get();
        } catch (ExecutionException e) {
            stop.compareAndSet(null, String.valueOf(e.getCause().getMessage()));
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop.compareAndSet(null, "Interrupted while streaming");
            return null;
        }
    }

    /** The reason the first side stopped, as the kind of failure the engine knows (a cancel stays a cancel). */
    private static RuntimeException failure(String reason, Throwable cause, StepRun run) {
        if (run.cancelled()) {
            return new RemoteException(RemoteException.Kind.CANCELLED, reason);
        }
        if (cause instanceof RemoteException e && e.kind() == RemoteException.Kind.DISCONNECTED) {
            return new RemoteException(RemoteException.Kind.DISCONNECTED, reason);
        }
        return new StepFailedException(reason);
    }

    /**
     * Copies the sender's output to both receivers. It is written from the sending connection's thread, so it
     * never throws: a receiver that failed is skipped (the executor stops the sender for it).
     */
    static final class Tee extends OutputStream {
        private final BytePipe[] receivers;
        private final AtomicLong count = new AtomicLong();
        private volatile boolean ended;

        Tee(BytePipe... receivers) {
            this.receivers = receivers;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            for (BytePipe receiver : receivers) {
                receiver.write(b, off, len);
            }
            count.addAndGet(len);
        }

        /** The sender finished well: the receivers read to the end. */
        void end() {
            ended = true;
            for (BytePipe receiver : receivers) {
                receiver.close();
            }
        }

        boolean ended() {
            return ended;
        }

        long count() {
            return count.get();
        }
    }

    /**
     * A bounded in-memory pipe between one writer and one reader thread. {@link #close} lets the reader drain
     * it to the end; {@link #fail} makes the reader's next read throw (no end of input) and the writer's
     * writes return at once, discarded.
     */
    static final class BytePipe {
        private final byte[] buffer;
        private int readAt;
        private int size;
        private boolean closed;
        private boolean failed;

        BytePipe(int capacity) {
            buffer = new byte[capacity];
        }

        synchronized void write(byte[] b, int off, int len) {
            while (len > 0 && !failed) {
                while (size == buffer.length && !failed) {
                    waitQuietly();
                }
                if (failed) {
                    return;
                }
                int writeAt = (readAt + size) % buffer.length;
                int n = Math.min(len, Math.min(buffer.length - size, buffer.length - writeAt));
                System.arraycopy(b, off, buffer, writeAt, n);
                size += n;
                off += n;
                len -= n;
                notifyAll();
            }
        }

        synchronized int read(byte[] b, int off, int len) throws IOException {
            while (size == 0 && !closed && !failed) {
                waitQuietly();
            }
            if (failed) {
                throw new IOException("the stream was stopped");
            }
            if (size == 0) {
                return -1;
            }
            int n = Math.min(len, Math.min(size, buffer.length - readAt));
            System.arraycopy(buffer, readAt, b, off, n);
            readAt = (readAt + n) % buffer.length;
            size -= n;
            notifyAll();
            return n;
        }

        synchronized void close() {
            closed = true;
            notifyAll();
        }

        synchronized void fail() {
            if (!closed || size > 0) {
                failed = true;
            }
            notifyAll();
        }

        InputStream input() {
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    int n = read(one, 0, 1);
                    return n < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return len == 0 ? 0 : BytePipe.this.read(b, off, len);
                }
            };
        }

        private void waitQuietly() {
            try {
                wait(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed = true;
            }
        }
    }
}
