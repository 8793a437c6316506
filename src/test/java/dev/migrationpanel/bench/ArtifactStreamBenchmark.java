package dev.migrationpanel.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import javax.crypto.spec.SecretKeySpec;

import dev.migrationpanel.artifact.Artifact;
import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactRepository;
import dev.migrationpanel.artifact.ArtifactSpec;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.security.AuditEventRepository;
import dev.migrationpanel.security.AuditService;

/**
 * Streams a generated payload (default 2 GiB, SQL-dump-like and compressible, made on the fly) through
 * {@link ArtifactStore#write} and back through {@link ArtifactStore#open}, plain and secret, without Spring:
 * the rows live in a map behind a proxy of the repository. Prints MB/s, peak heap used (sampled every
 * 100 ms) and peak RSS ({@code VmHWM}). Run: {@code ./mvnw -Pbenchmark test-compile exec:exec}
 * (arguments: size in MiB, directory).
 */
public final class ArtifactStreamBenchmark {

    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 2048;
        Path dir = args.length > 1 ? Path.of(args[1]) : Path.of(System.getProperty("java.io.tmpdir"), "artifact-bench");
        long size = mib * 1024 * 1024;

        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Map<String, Artifact> rows = new ConcurrentHashMap<>();
        ArtifactRepository repository = (ArtifactRepository) Proxy.newProxyInstance(
                ArtifactStreamBenchmark.class.getClassLoader(), new Class<?>[] {ArtifactRepository.class},
                (proxy, method, margs) -> switch (method.getName()) {
                    case "save" -> {
                        Artifact a = (Artifact) margs[0];
                        rows.put(a.getId(), a);
                        yield a;
                    }
                    case "findById" -> Optional.ofNullable(rows.get((String) margs[0]));
                    case "toString" -> "in-memory artifact rows";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == margs[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        AuditEventRepository auditRows = (AuditEventRepository) Proxy.newProxyInstance(
                ArtifactStreamBenchmark.class.getClassLoader(), new Class<?>[] {AuditEventRepository.class},
                (proxy, method, margs) -> margs != null && margs.length > 0 ? margs[0] : null);
        Clock clock = Clock.systemUTC();
        ArtifactStore store = new ArtifactStore(dir, new SecretKeySpec(key, "AES"), repository,
                new AuditService(auditRows, clock), clock);

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        AtomicLong peakHeap = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();

        System.out.printf("payload %d MiB, directory %s, max heap %d MiB, %d CPUs, Java %s%n", mib, dir,
                Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        for (boolean secret : new boolean[] {false, true}) {
            peakHeap.set(0);
            long t0 = System.nanoTime();
            Artifact saved = store.write(new ArtifactSpec(1L, 1L, 1, "bench.sql", ArtifactKind.DB_DUMP,
                    "application/sql", secret), out -> generate(out, size));
            long t1 = System.nanoTime();
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            long read = 0;
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = store.open(saved.getId())) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    digest.update(buffer, 0, n);
                    read += n;
                }
            }
            long t2 = System.nanoTime();
            if (read != size || !HexFormat.of().formatHex(digest.digest()).equals(saved.getSha256())) {
                throw new IllegalStateException("read back differs from what was written");
            }
            System.out.printf("%-7s write %7.1f MB/s  read %7.1f MB/s  stored %,d of %,d bytes (%.1f%%)  "
                    + "peak heap used %d MiB%n", secret ? "secret" : "plain", mbps(size, t1 - t0), mbps(size, t2 - t1),
                    saved.getStoredBytes(), size, 100.0 * saved.getStoredBytes() / size, peakHeap.get() >> 20);
            store.delete(saved.getId(), "benchmark");
        }
        sampler.interrupt();
        System.out.println("peak RSS (VmHWM) " + vmHwm());
        try (Stream<Path> left = Files.walk(dir)) {
            left.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static double mbps(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }

    private static String vmHwm() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM:"))
                .map(l -> l.substring(6).trim()).findFirst().orElse("unknown");
    }

    /** SQL-dump-like lines with pseudo-random numbers and words: compresses to a few tens of percent. */
    static void generate(OutputStream out, long size) throws IOException {
        String[] words = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
                "juliet", "kilo", "lima", "mike", "november", "oscar", "papa"};
        byte[][] wordBytes = new byte[words.length][];
        for (int i = 0; i < words.length; i++) {
            wordBytes[i] = words[i].getBytes(StandardCharsets.US_ASCII);
        }
        byte[] prefix = "INSERT INTO `df_service` VALUES (".getBytes(StandardCharsets.US_ASCII);
        byte[] chunk = new byte[64 * 1024];
        long x = 0x9E3779B97F4A7C15L;
        long left = size;
        int fill = 0;
        while (left > 0) {
            // one line at most ~120 bytes; flush the chunk when it might not fit
            if (fill > chunk.length - 160) {
                int n = (int) Math.min(fill, left);
                out.write(chunk, 0, n);
                left -= n;
                fill = 0;
                continue;
            }
            System.arraycopy(prefix, 0, chunk, fill, prefix.length);
            fill += prefix.length;
            for (int field = 0; field < 4; field++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                long number = (x >>> 1) % 10_000_000;
                String digits = Long.toString(number);
                for (int i = 0; i < digits.length(); i++) {
                    chunk[fill++] = (byte) digits.charAt(i);
                }
                chunk[fill++] = ',';
                chunk[fill++] = '\'';
                byte[] w = wordBytes[(int) (x >>> 60)];
                System.arraycopy(w, 0, chunk, fill, w.length);
                fill += w.length;
                chunk[fill++] = '\'';
                chunk[fill++] = (byte) (field == 3 ? ')' : ',');
            }
            chunk[fill++] = ';';
            chunk[fill++] = '\n';
        }
    }
}
