package dev.migrationpanel.artifact;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.ZipException;

/** The small streams the store chains: digest and count of the original, buffered counted file output. */
final class ArtifactStreams {

    private ArtifactStreams() {
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this Java runtime", e);
        }
    }

    /** What the writer writes into: counts and hashes the original bytes. {@code close()} does nothing. */
    static final class Original extends OutputStream {
        private final OutputStream out;
        private final MessageDigest digest = sha256();
        private long count;

        Original(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            digest.update((byte) b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            digest.update(b, off, len);
            count += len;
        }

        @Override
        public void flush() {
            // compressed output is flushed once, when the store finishes the file
        }

        @Override
        public void close() {
            // the store finishes and closes the chain itself
        }

        long count() {
            return count;
        }

        String sha256Hex() {
            return HexFormat.of().formatHex(digest.digest());
        }
    }

    /**
     * The bottom of the write chain: buffers, counts the stored bytes and remembers the first failure of the
     * file, so the store tells a full disk from a failing source even when the writer wraps the exception.
     */
    static final class Stored extends OutputStream {
        private final TempFile file;
        private final byte[] buffer = new byte[64 * 1024];
        private int filled;
        private long count;
        private IOException failure;
        private boolean closed;

        Stored(TempFile file) {
            this.file = file;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("The artifact file is already closed");
            }
            if (filled + len > buffer.length) {
                drain();
            }
            if (len >= buffer.length) {
                send(b, off, len);
            } else {
                System.arraycopy(b, off, buffer, filled, len);
                filled += len;
            }
            count += len;
        }

        private void drain() throws IOException {
            if (filled > 0) {
                send(buffer, 0, filled);
                filled = 0;
            }
        }

        private void send(byte[] b, int off, int len) throws IOException {
            try {
                file.write(b, off, len);
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                }
                throw e;
            }
        }

        @Override
        public void flush() throws IOException {
            drain();
        }

        void sync() throws IOException {
            drain();
            try {
                file.sync();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                }
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                file.close();
            }
        }

        long count() {
            return count;
        }

        IOException failure() {
            return failure;
        }
    }

    /**
     * The top of the read chain: hashes and counts the original bytes and, at the end, compares them with
     * the row. Damaged compressed data is reported as corruption too.
     */
    static final class Verifying extends FilterInputStream {
        private final long expectedSize;
        private final String expectedSha256;
        private final String what;
        private final MessageDigest digest = sha256();
        private long count;
        private boolean verified;

        Verifying(InputStream in, long expectedSize, String expectedSha256, String what) {
            super(in);
            this.expectedSize = expectedSize;
            this.expectedSha256 = expectedSha256;
            this.what = what;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (ArtifactCorruptException e) {
                throw e;
            } catch (ZipException | EOFException | com.github.luben.zstd.ZstdIOException e) {
                throw new ArtifactCorruptException(what + " is corrupt: its compressed data is damaged or cut short");
            }
            if (n < 0) {
                verify();
                return n;
            }
            digest.update(b, off, n);
            count += n;
            if (count > expectedSize) {
                throw new ArtifactCorruptException(what + " is corrupt: it is longer than the "
                        + expectedSize + " bytes recorded when it was stored");
            }
            return n;
        }

        private void verify() throws ArtifactCorruptException {
            if (verified) {
                return;
            }
            if (count != expectedSize) {
                throw new ArtifactCorruptException(what + " is corrupt: it has " + count + " bytes, not the "
                        + expectedSize + " recorded when it was stored");
            }
            if (!HexFormat.of().formatHex(digest.digest()).equalsIgnoreCase(expectedSha256)) {
                throw new ArtifactCorruptException(what
                        + " is corrupt: its content does not match the SHA-256 recorded when it was stored");
            }
            verified = true;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        @Override
        public long skip(long n) throws IOException {
            // read through, so the digest sees every byte
            byte[] sink = new byte[(int) Math.min(n, 64 * 1024)];
            long left = n;
            while (left > 0) {
                int r = read(sink, 0, (int) Math.min(left, sink.length));
                if (r < 0) {
                    break;
                }
                left -= r;
            }
            return n - left;
        }
    }
}
