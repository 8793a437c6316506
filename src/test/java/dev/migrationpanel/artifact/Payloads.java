package dev.migrationpanel.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Test data made on the fly from a seed, never held whole in memory, and helpers to read it back. */
final class Payloads {

    private Payloads() {
    }

    /** Writes {@code size} pseudo-random bytes from {@code seed}. */
    static ArtifactWriter random(long size, long seed) {
        return out -> write(out, size, seed);
    }

    static void write(OutputStream out, long size, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] chunk = new byte[64 * 1024 - 7]; // off the segment grid on purpose
        long left = size;
        while (left > 0) {
            random.nextBytes(chunk);
            int n = (int) Math.min(left, chunk.length);
            out.write(chunk, 0, n);
            left -= n;
        }
    }

    static String sha256(long size, long seed) throws IOException {
        MessageDigest digest = ArtifactStreams.sha256();
        write(new OutputStream() {
            @Override
            public void write(int b) {
                digest.update((byte) b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                digest.update(b, off, len);
            }
        }, size, seed);
        return HexFormat.of().formatHex(digest.digest());
    }

    record ReadBack(long size, String sha256) {
    }

    /** Reads a stream to its end, returning how many bytes and their SHA-256. */
    static ReadBack readAll(InputStream in) throws IOException {
        try (in) {
            MessageDigest digest = ArtifactStreams.sha256();
            byte[] buffer = new byte[50_000];
            long total = 0;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
                total += n;
            }
            return new ReadBack(total, HexFormat.of().formatHex(digest.digest()));
        }
    }

    /** Every regular file under a directory, relative. */
    static List<String> files(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }
}
