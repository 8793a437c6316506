package dev.migrationpanel.artifact;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Streaming authenticated encryption: AES-256-GCM over fixed-size plaintext segments, so a file of any
 * size is sealed and opened with one segment in memory (Java's GCM through {@code CipherInputStream}
 * buffers the whole ciphertext before it authenticates anything).
 *
 * <pre>
 * file    = header || segment* || lastSegment
 * header  = "MPAE" || version (1 byte, 1) || segment size (4 bytes, big endian) || nonce prefix (7 random bytes)
 * segment = AES-GCM(key, iv, aad, plaintext) = ciphertext || 16-byte tag; plaintext is exactly the segment size
 *           except in the last segment, which holds 0..segment size bytes and is always present
 * iv      = nonce prefix (7) || segment counter (4, big endian, from 0) || 1 if last segment else 0 (1)
 * aad     = header || UTF-8 of the artifact id
 * </pre>
 *
 * The counter in the IV makes a reordered segment fail its tag; the last-segment flag makes a file cut at
 * a segment boundary fail (the new final segment was sealed as "not last"); the header and the artifact id
 * in the AAD bind every segment to its own file and its own database row. A fresh random prefix per file
 * keeps IVs unique under one key (2^56 files before a collision becomes likely is far beyond use).
 */
final class SegmentedGcm {

    static final int DEFAULT_SEGMENT = 64 * 1024;
    static final int TAG_BYTES = 16;
    static final int HEADER_BYTES = 16;
    private static final byte[] MAGIC = {'M', 'P', 'A', 'E'};
    private static final byte VERSION = 1;
    private static final int PREFIX_BYTES = 7;
    private static final int MAX_SEGMENT = 8 * 1024 * 1024;

    private SegmentedGcm() {
    }

    private static byte[] aad(byte[] header, String artifactId) {
        byte[] id = artifactId.getBytes(StandardCharsets.UTF_8);
        byte[] aad = Arrays.copyOf(header, header.length + id.length);
        System.arraycopy(id, 0, aad, header.length, id.length);
        return aad;
    }

    private static byte[] iv(byte[] header, long counter, boolean last) {
        byte[] iv = new byte[12];
        System.arraycopy(header, HEADER_BYTES - PREFIX_BYTES, iv, 0, PREFIX_BYTES);
        iv[7] = (byte) (counter >>> 24);
        iv[8] = (byte) (counter >>> 16);
        iv[9] = (byte) (counter >>> 8);
        iv[10] = (byte) counter;
        iv[11] = (byte) (last ? 1 : 0);
        return iv;
    }

    /** Encrypts what is written into it; {@link #close()} seals the last segment. */
    static final class EncryptingOutputStream extends FilterOutputStream {

        private final SecretKey key;
        private final byte[] header;
        private final byte[] aad;
        private final Cipher cipher;
        private final byte[] plain;
        private final byte[] sealed;
        private int filled;
        private long counter;
        private boolean finished;
        private boolean broken;

        EncryptingOutputStream(OutputStream out, SecretKey key, String artifactId, SecureRandom random,
                int segmentSize) throws IOException {
            super(out);
            this.key = key;
            this.header = new byte[HEADER_BYTES];
            System.arraycopy(MAGIC, 0, header, 0, 4);
            header[4] = VERSION;
            header[5] = (byte) (segmentSize >>> 24);
            header[6] = (byte) (segmentSize >>> 16);
            header[7] = (byte) (segmentSize >>> 8);
            header[8] = (byte) segmentSize;
            byte[] prefix = new byte[PREFIX_BYTES];
            random.nextBytes(prefix);
            System.arraycopy(prefix, 0, header, HEADER_BYTES - PREFIX_BYTES, PREFIX_BYTES);
            this.aad = aad(header, artifactId);
            this.plain = new byte[segmentSize];
            this.sealed = new byte[segmentSize + TAG_BYTES];
            try {
                this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM is not available in this Java runtime", e);
            }
            out.write(header);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (finished || broken) {
                throw new IOException("The encrypted artifact stream is already closed or failed");
            }
            while (len > 0) {
                if (filled == plain.length) {
                    // more data follows, so the full buffer is not the last segment
                    seal(false);
                }
                int n = Math.min(len, plain.length - filled);
                System.arraycopy(b, off, plain, filled, n);
                filled += n;
                off += n;
                len -= n;
            }
        }

        private void seal(boolean last) throws IOException {
            if (counter > 0xFFFF_FFFFL) {
                throw new IOException("The artifact is too large for one encrypted file");
            }
            int n;
            try {
                cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, iv(header, counter, last)));
                cipher.updateAAD(aad);
                n = cipher.doFinal(plain, 0, filled, sealed, 0);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Encrypting an artifact segment failed", e);
            }
            // an IV is never used twice, not even when writing the sealed segment fails
            counter++;
            filled = 0;
            try {
                out.write(sealed, 0, n);
            } catch (IOException e) {
                broken = true;
                throw e;
            }
        }

        /** Seals the last segment (possibly empty) and flushes; does not close the stream below. */
        void finish() throws IOException {
            if (broken) {
                throw new IOException("The encrypted artifact stream failed");
            }
            if (!finished) {
                seal(true);
                finished = true;
                out.flush();
            }
        }

        @Override
        public void close() throws IOException {
            try {
                finish();
            } finally {
                out.close();
            }
        }
    }

    /** Decrypts and authenticates one segment at a time; any failure is an {@link ArtifactCorruptException}. */
    static final class DecryptingInputStream extends InputStream {

        private final InputStream in;
        private final SecretKey key;
        private final String artifactId;
        private final String what;
        private Cipher cipher;
        private byte[] header;
        private byte[] aad;
        private byte[] sealed;
        private byte[] plain;
        private int pos;
        private int limit;
        private long counter;
        private int lookahead = -1;
        private boolean lastSeen;

        /** {@code what} names the artifact in messages, e.g. {@code The artifact 'x.env' (id)}. */
        DecryptingInputStream(InputStream in, SecretKey key, String artifactId, String what) {
            this.in = in;
            this.key = key;
            this.artifactId = artifactId;
            this.what = what;
        }

        private ArtifactCorruptException corrupt(String detail) {
            return new ArtifactCorruptException(what + " is corrupt: " + detail);
        }

        private void readHeader() throws IOException {
            byte[] h = new byte[HEADER_BYTES];
            if (in.readNBytes(h, 0, HEADER_BYTES) < HEADER_BYTES || !Arrays.equals(Arrays.copyOf(h, 4), MAGIC)) {
                throw corrupt("the file does not start with the panel's encrypted-artifact header");
            }
            if (h[4] != VERSION) {
                throw corrupt("the file has an unknown encryption format version " + h[4]);
            }
            int segment = ((h[5] & 0xff) << 24) | ((h[6] & 0xff) << 16) | ((h[7] & 0xff) << 8) | (h[8] & 0xff);
            if (segment < 1 || segment > MAX_SEGMENT) {
                throw corrupt("the file header names an impossible segment size");
            }
            header = h;
            aad = aad(h, artifactId);
            sealed = new byte[segment + TAG_BYTES];
            plain = new byte[segment];
            try {
                cipher = Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM is not available in this Java runtime", e);
            }
        }

        /** Reads, authenticates and decrypts the next segment; false after the last one. */
        private boolean nextSegment() throws IOException {
            if (header == null) {
                readHeader();
            }
            if (lastSeen) {
                return false;
            }
            int n = 0;
            if (lookahead >= 0) {
                sealed[n++] = (byte) lookahead;
                lookahead = -1;
            }
            n += in.readNBytes(sealed, n, sealed.length - n);
            boolean last;
            if (n == sealed.length) {
                int next = in.read();
                last = next < 0;
                lookahead = next;
            } else {
                last = true;
            }
            if (n < TAG_BYTES) {
                throw corrupt("the file ends early (truncated)");
            }
            try {
                cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, iv(header, counter, last)));
                cipher.updateAAD(aad);
                limit = cipher.doFinal(sealed, 0, n, plain, 0);
            } catch (AEADBadTagException e) {
                throw corrupt("encrypted segment " + counter + " failed its integrity check "
                        + "(the file was changed, truncated or reordered, or the key differs)");
            } catch (GeneralSecurityException e) {
                throw corrupt("encrypted segment " + counter + " cannot be decrypted");
            }
            pos = 0;
            counter++;
            lastSeen = last;
            return true;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (plain == null || pos == limit) {
                if (!nextSegment()) {
                    return -1;
                }
            }
            int n = Math.min(len, limit - pos);
            System.arraycopy(plain, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
