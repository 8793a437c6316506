package dev.migrationpanel.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;

import dev.migrationpanel.security.AuditService;
import dev.migrationpanel.security.SecretCipher;
import dev.migrationpanel.web.NotFoundException;

/** The store against the real database and disk: round trips, integrity, failures that leave nothing. */
@ArtifactSpringTest
class ArtifactStoreTest {

    static final int SMALL_SEGMENT = 1024;
    static final int SEALED_SEGMENT = SMALL_SEGMENT + SegmentedGcm.TAG_BYTES;

    @Autowired
    ArtifactStore store;
    @Autowired
    ArtifactRepository repository;
    @Autowired
    AuditService audit;
    @Autowired
    SecretCipher cipher;
    @Autowired
    Clock clock;
    @TempDir
    Path tmp;

    static ArtifactSpec spec(String name, ArtifactKind kind, boolean secret) {
        return new ArtifactSpec(7L, null, 1, name, kind, "application/octet-stream", secret);
    }

    Path fileOf(Artifact artifact) {
        return store.directory().resolve(artifact.getStoragePath());
    }

    /** Same database and directory, but 1 KiB segments so a few KiB make many of them. */
    ArtifactStore smallSegments() {
        return new ArtifactStore(store.directory(), cipher, repository, audit,
                clock, TempFile::onDisk, SMALL_SEGMENT);
    }

    static String sha256sum(Path file) throws Exception {
        Process process = new ProcessBuilder("sha256sum", file.toString()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return out.substring(0, 64);
    }

    @ParameterizedTest(name = "{0} bytes, secret={1}")
    @CsvSource({"0,false", "0,true", "1,false", "1,true", "65536,false", "65536,true", "65537,true",
            "1000003,false", "1000003,true"})
    void roundTripsAndTheChecksumIsSha256sumOfTheInput(int size, boolean secret) throws Exception {
        Path input = tmp.resolve("input-" + size);
        try (OutputStream out = Files.newOutputStream(input)) {
            Payloads.write(out, size, size * 31L + 1);
        }
        Artifact saved;
        try (InputStream in = Files.newInputStream(input)) {
            saved = store.write(spec("data-" + size + ".bin", ArtifactKind.FILE_ARCHIVE, secret), in);
        }

        assertThat(saved.getSha256()).isEqualTo(sha256sum(input));
        assertThat(saved.getSizeBytes()).isEqualTo(size);
        assertThat(saved.isEncrypted()).isEqualTo(secret);
        assertThat(saved.isCompressed()).isTrue();
        assertThat(saved.getStoragePath()).matches("\\d{4}/\\d{2}/" + saved.getId() + (secret ? "\\.zst\\.enc" : "\\.zst"));
        assertThat(Files.size(fileOf(saved))).isEqualTo(saved.getStoredBytes());
        Artifact row = repository.findById(saved.getId()).orElseThrow();
        assertThat(row.getSha256()).isEqualTo(saved.getSha256());
        assertThat(row.getStoredBytes()).isEqualTo(saved.getStoredBytes());

        byte[] back;
        try (InputStream in = store.open(saved.getId())) {
            back = in.readAllBytes();
        }
        assertThat(back).isEqualTo(Files.readAllBytes(input));
    }

    @Test
    void fiftyMegabytesRoundTripPlainAndSecretWithoutHoldingThemInMemory() throws Exception {
        long size = 50L * 1024 * 1024 + 12_345;
        String expected = Payloads.sha256(size, 42);
        for (boolean secret : new boolean[] {false, true}) {
            Artifact saved = store.write(spec("big.bin", ArtifactKind.DB_DUMP, secret), Payloads.random(size, 42));
            assertThat(saved.getSha256()).isEqualTo(expected);
            assertThat(saved.getSizeBytes()).isEqualTo(size);
            Payloads.ReadBack back = Payloads.readAll(store.open(saved.getId()));
            assertThat(back.size()).isEqualTo(size);
            assertThat(back.sha256()).isEqualTo(expected);
            assertThat(Files.size(fileOf(saved))).isEqualTo(saved.getStoredBytes());
        }
    }

    @Test
    void aPlainArtifactIsAStandardZstandardFile() throws Exception {
        byte[] text = "select 1;\n".repeat(10_000).getBytes(StandardCharsets.UTF_8);
        Artifact saved = store.write(spec("dump.sql", ArtifactKind.DB_DUMP, false), out -> out.write(text));
        assertThat(saved.getStoredBytes()).isLessThan(text.length / 10);
        // what an admin with the file alone would run: Debian's zstd
        Process zstd = new ProcessBuilder("zstd", "-d", "-c", fileOf(saved).toString()).start();
        byte[] decompressed = zstd.getInputStream().readAllBytes();
        assertThat(zstd.waitFor()).as(new String(zstd.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        assertThat(decompressed).isEqualTo(text);
    }

    @Test
    void anArtifactStoredAsGzipBeforeZstandardIsStillReadAndVerified() throws Exception {
        byte[] text = "insert into t values (1);\n".repeat(5_000).getBytes(StandardCharsets.UTF_8);
        String id = java.util.UUID.randomUUID().toString();
        String relative = "2026/10/" + id + ".gz";
        Path file = store.directory().resolve(relative);
        Files.createDirectories(file.getParent());
        try (OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text);
        }
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(text));
        Artifact old = repository.save(new Artifact(id, spec("old-dump.sql", ArtifactKind.DB_DUMP, false), "old-dump.sql",
                "text/plain", text.length, Files.size(file), sha, false, null, relative, clock.instant()));
        try (InputStream in = store.open(old.getId())) {
            assertThat(in.readAllBytes()).isEqualTo(text);
        }
        Files.write(file, Arrays.copyOf(Files.readAllBytes(file), (int) Files.size(file) / 2)); // cut short
        assertThatThrownBy(() -> {
            try (InputStream in = store.open(old.getId())) {
                in.readAllBytes();
            }
        }).isInstanceOf(ArtifactCorruptException.class);
    }

    @Test
    void aSecretArtifactOnDiskHoldsNoneOfThePlaintextAndIsNoZstandardWithoutTheKey() throws Exception {
        String marker = "DB_PASSWORD=very-distinctive-marker-4711";
        byte[] env = ("APP_KEY=base64:abc\n" + marker + "\n").repeat(500).getBytes(StandardCharsets.UTF_8);
        // not flagged secret: an .env copy is encrypted anyway
        Artifact saved = store.write(spec(".env", ArtifactKind.ENV_FILE, false), out -> out.write(env));
        assertThat(saved.isEncrypted()).isTrue();
        assertThat(saved.getStoragePath()).endsWith(".zst.enc");

        byte[] onDisk = Files.readAllBytes(fileOf(saved));
        assertThat(new String(onDisk, StandardCharsets.ISO_8859_1)).doesNotContain(marker).doesNotContain("DB_PASSWORD");
        assertThat(Arrays.copyOf(onDisk, 4)).isEqualTo("MPAE".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> new com.github.luben.zstd.ZstdInputStream(Files.newInputStream(fileOf(saved))).readAllBytes())
                .isInstanceOf(com.github.luben.zstd.ZstdIOException.class);
        try (InputStream in = store.open(saved.getId())) {
            assertThat(in.readAllBytes()).isEqualTo(env);
        }
    }

    private Artifact secretOfManySegments() {
        // random data does not compress: 10 KiB give about 10 segments of 1 KiB
        Artifact saved = smallSegments().write(spec("many.bin", ArtifactKind.OTHER, true), Payloads.random(10_240, 9));
        assertThat((saved.getStoredBytes() - SegmentedGcm.HEADER_BYTES) / SEALED_SEGMENT).isGreaterThanOrEqualTo(9);
        return saved;
    }

    private void assertCorrupt(Artifact saved, String detail) {
        assertThatThrownBy(() -> Payloads.readAll(store.open(saved.getId())))
                .isInstanceOf(ArtifactCorruptException.class)
                .hasMessageStartingWith("The artifact '" + saved.getName() + "' (" + saved.getId() + ") is corrupt: ")
                .hasMessageContaining(detail)
                .hasMessageNotContaining("\n")
                .hasMessageNotContaining(store.directory().toString());
    }

    @Test
    void onePlaintextByteChangedInAnEncryptedFileIsDetected() throws Exception {
        Artifact saved = secretOfManySegments();
        Path file = fileOf(saved);
        byte[] bytes = Files.readAllBytes(file);
        bytes[SegmentedGcm.HEADER_BYTES + 3 * SEALED_SEGMENT + 100] ^= 0x01;
        Files.write(file, bytes);
        assertCorrupt(saved, "encrypted segment 3 failed its integrity check");
    }

    @Test
    void aChangedHeaderIsDetected() throws Exception {
        Artifact saved = secretOfManySegments();
        Path file = fileOf(saved);
        byte[] bytes = Files.readAllBytes(file);
        bytes[12] ^= 0x40; // in the nonce prefix
        Files.write(file, bytes);
        assertCorrupt(saved, "encrypted segment 0 failed its integrity check");
    }

    @Test
    void cuttingOffTheLastSegmentIsDetected() throws Exception {
        Artifact saved = secretOfManySegments();
        Path file = fileOf(saved);
        byte[] bytes = Files.readAllBytes(file);
        long fullSegments = (bytes.length - SegmentedGcm.HEADER_BYTES - 1) / SEALED_SEGMENT;
        // exactly on a segment boundary: what is left looks complete, but its last segment was not sealed as last
        Files.write(file, Arrays.copyOf(bytes, (int) (SegmentedGcm.HEADER_BYTES + fullSegments * SEALED_SEGMENT)));
        assertCorrupt(saved, "encrypted segment " + (fullSegments - 1) + " failed its integrity check");
    }

    @Test
    void cuttingTheFileMidSegmentIsDetected() throws Exception {
        Artifact saved = secretOfManySegments();
        Path file = fileOf(saved);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 100));
        assertCorrupt(saved, "failed its integrity check");
    }

    @Test
    void swappingTwoSegmentsIsDetected() throws Exception {
        Artifact saved = secretOfManySegments();
        Path file = fileOf(saved);
        byte[] bytes = Files.readAllBytes(file);
        int first = SegmentedGcm.HEADER_BYTES + 2 * SEALED_SEGMENT;
        int second = first + SEALED_SEGMENT;
        byte[] swapped = bytes.clone();
        System.arraycopy(bytes, second, swapped, first, SEALED_SEGMENT);
        System.arraycopy(bytes, first, swapped, second, SEALED_SEGMENT);
        Files.write(file, swapped);
        assertCorrupt(saved, "encrypted segment 2 failed its integrity check");
    }

    @Test
    void anEncryptedFileMovedUnderAnotherRowIsDetected() throws Exception {
        Artifact one = smallSegments().write(spec("one.bin", ArtifactKind.OTHER, true), Payloads.random(3000, 1));
        Artifact two = smallSegments().write(spec("two.bin", ArtifactKind.OTHER, true), Payloads.random(3000, 1));
        // same content, same key: only the artifact id in the associated data tells them apart
        Files.copy(fileOf(one), fileOf(two), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertCorrupt(two, "encrypted segment 0 failed its integrity check");
    }

    @Test
    void aChangedByteInAPlainFileIsDetected() throws Exception {
        Artifact saved = store.write(spec("plain.bin", ArtifactKind.OTHER, false), Payloads.random(200_000, 5));
        Path file = fileOf(saved);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(file, bytes);
        assertCorrupt(saved, "");
    }

    @Test
    void aRowWhoseChecksumDiffersFromTheContentIsCorrupt() throws Exception {
        Artifact saved = store.write(spec("sum.bin", ArtifactKind.OTHER, true), Payloads.random(5000, 3));
        Artifact sameFileOtherSum = new Artifact(saved.getId(), spec("sum.bin", ArtifactKind.OTHER, true), "sum.bin",
                "application/octet-stream", 5000, saved.getStoredBytes(), "0".repeat(64), true,
                saved.getWrappedKey(), saved.getStoragePath(), saved.getCreatedAt());
        assertThatThrownBy(() -> Payloads.readAll(store.open(sameFileOtherSum)))
                .isInstanceOf(ArtifactCorruptException.class)
                .hasMessageContaining("does not match the SHA-256 recorded when it was stored");
    }

    @Test
    void aWriterFailingHalfWayLeavesNoFileAndNoRow() throws Exception {
        List<String> filesBefore = Payloads.files(store.directory());
        long rowsBefore = repository.count();
        ArtifactWriter cut = out -> {
            Payloads.write(out, 300_000, 8);
            throw new IOException("Connection reset by peer");
        };

        assertThatThrownBy(() -> store.write(spec("cut.sql", ArtifactKind.DB_DUMP, false), cut))
                .isInstanceOf(ArtifactException.class)
                .hasMessage("The artifact 'cut.sql' could not be stored: its source failed after 300000 bytes "
                        + "(Connection reset by peer)");
        assertThat(Payloads.files(store.directory())).isEqualTo(filesBefore);
        assertThat(repository.count()).isEqualTo(rowsBefore);
    }

    @Test
    void aSecretWritersFailureDoesNotRepeatWhatTheSourceSaid() {
        long rowsBefore = repository.count();
        ArtifactWriter cut = out -> {
            out.write("DB_PASSWORD=hunter2-leak".getBytes(StandardCharsets.UTF_8));
            throw new IllegalStateException("could not send DB_PASSWORD=hunter2-leak");
        };
        assertThatThrownBy(() -> store.write(spec(".env", ArtifactKind.ENV_FILE, false), cut))
                .isInstanceOf(ArtifactException.class)
                .hasMessage("The artifact '.env' could not be stored: its source failed after 24 bytes")
                .hasNoCause();
        assertThat(repository.count()).isEqualTo(rowsBefore);
    }

    @Test
    void aFullDiskSimulatedUnderTheStoreLeavesNoFileAndNoRowAndSaysSoInOneLine() throws Exception {
        Path dir = tmp.resolve("simulated");
        ArtifactStore full = new ArtifactStore(dir, cipher, repository, audit,
                clock, FullDisk.after(100_000), SegmentedGcm.DEFAULT_SEGMENT);
        long rowsBefore = repository.count();
        // the writer wraps the failure it sees: the store still knows it was the disk
        ArtifactWriter wrapping = out -> {
            try {
                Payloads.write(out, 1_000_000, 4);
            } catch (IOException e) {
                throw new IllegalStateException("dump aborted", e);
            }
        };
        assertThatThrownBy(() -> full.write(spec("dump.sql", ArtifactKind.DB_DUMP, true), wrapping))
                .isInstanceOf(ArtifactException.class)
                .hasMessage("The artifact disk is full: 'dump.sql' could not be stored in " + dir.toAbsolutePath()
                        + " (No space left on device)");
        assertThat(Payloads.files(dir)).isEmpty();
        assertThat(repository.count()).isEqualTo(rowsBefore);
    }

    @Test
    void aFullDiskOnARealOneMegabyteTmpfsLeavesNoFileAndNoRow() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("tmpfs"));
        boolean mounted = run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir.toString()) == 0;
        // Without the right to mount (not root), the same failure is simulated under the store instead.
        System.out.println("Disk-full test runs on " + (mounted ? "a real 1 MiB tmpfs" : "a simulated full disk"));
        try {
            ArtifactStore full = new ArtifactStore(dir, cipher, repository,
                    audit, clock, mounted ? TempFile::onDisk : FullDisk.after(1024 * 1024),
                    SegmentedGcm.DEFAULT_SEGMENT);
            long rowsBefore = repository.count();
            assertThatThrownBy(() -> full.write(spec("dump.sql", ArtifactKind.DB_DUMP, false),
                    Payloads.random(3L * 1024 * 1024, 6)))
                    .isInstanceOf(ArtifactException.class)
                    .hasMessage("The artifact disk is full: 'dump.sql' could not be stored in " + dir.toAbsolutePath()
                            + " (No space left on device)");
            assertThat(Payloads.files(dir)).isEmpty();
            assertThat(repository.count()).isEqualTo(rowsBefore);
            if (mounted) {
                // what fits is stored normally on the same small disk
                Artifact small = full.write(spec("small.sql", ArtifactKind.DB_DUMP, false), Payloads.random(100_000, 6));
                assertThat(Payloads.readAll(full.open(small.getId())).sha256()).isEqualTo(small.getSha256());
            }
        } finally {
            if (mounted) {
                assertThat(run("umount", dir.toString())).isZero();
            }
        }
    }

    private static int run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor(30, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    @Test
    void idsThatAreNotUuidsFindNothingAndOpenNothing() {
        for (String id : List.of("../../etc/passwd", "%2e%2e%2f", "..", "", "2024/01/x.gz",
                "00000000-0000-0000-0000-000000000000/../../x", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz")) {
            assertThat(store.find(id)).as(id).isEmpty();
            assertThatThrownBy(() -> store.open(id)).as(id)
                    .isInstanceOf(NotFoundException.class).hasMessage("No such artifact");
        }
        assertThat(store.find(null)).isEmpty();
    }

    @Test
    void aStoragePathPointingOutsideTheDirectoryIsNeverOpened() throws Exception {
        Artifact saved = store.write(spec("x.bin", ArtifactKind.OTHER, false), Payloads.random(10, 1));
        Artifact forged = new Artifact(saved.getId(), spec("x.bin", ArtifactKind.OTHER, false), "x.bin",
                "application/octet-stream", 10, 10, saved.getSha256(), false, null, "../../../../etc/passwd",
                saved.getCreatedAt());
        assertThatThrownBy(() -> store.open(forged)).isInstanceOf(IOException.class)
                .hasMessageContaining("invalid storage path");
    }

    @Test
    void deletingRemovesTheFileAndMarksTheRow() throws Exception {
        Artifact saved = store.write(spec("gone.bin", ArtifactKind.OTHER, false), Payloads.random(1000, 2));
        Path file = fileOf(saved);
        assertThat(file).exists();
        store.delete(saved.getId(), "no longer needed");
        assertThat(file).doesNotExist();
        Artifact row = repository.findById(saved.getId()).orElseThrow();
        assertThat(row.isDeleted()).isTrue();
        assertThat(row.getDeletedBy()).isEqualTo("system"); // no one signed in on this thread
        assertThat(store.forJob(7L)).extracting(Artifact::getId).doesNotContain(saved.getId());
        assertThatThrownBy(() -> store.open(saved.getId())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> store.delete(saved.getId(), "again")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void listsByJobAndInstanceHoldOnlyTheirOwn() {
        long job = System.nanoTime();
        long instance = job + 1;
        Artifact a = store.write(new ArtifactSpec(job, instance, 1, "a.log", ArtifactKind.LOG, "text/plain", false),
                Payloads.random(10, 1));
        Artifact b = store.write(new ArtifactSpec(job, null, 2, "b.log", ArtifactKind.LOG, null, false),
                Payloads.random(10, 2));
        store.write(new ArtifactSpec(job + 2, instance, 1, "c.log", ArtifactKind.LOG, null, false),
                Payloads.random(10, 3));
        assertThat(store.forJob(job)).extracting(Artifact::getId).containsExactly(a.getId(), b.getId());
        assertThat(store.forInstance(instance)).extracting(Artifact::getName).containsExactlyInAnyOrder("a.log", "c.log");
        assertThat(b.getContentType()).isEqualTo("application/octet-stream");
        assertThat(a.getContentType()).isEqualTo("text/plain");
    }

    @Test
    void badSpecsAreRefusedBeforeAnythingIsWritten() throws Exception {
        List<String> before = Payloads.files(store.directory());
        assertThatThrownBy(() -> store.write(spec(" ", ArtifactKind.OTHER, false), Payloads.random(1, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("An artifact needs a name");
        assertThatThrownBy(() -> store.write(spec("x", null, false), Payloads.random(1, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("An artifact needs a kind");
        assertThatThrownBy(() -> store.write(new ArtifactSpec(null, null, null, "x", ArtifactKind.OTHER, "not a type",
                false), Payloads.random(1, 1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(Payloads.files(store.directory())).isEqualTo(before);
    }

    /** Stands in for a disk that takes {@code capacity} bytes and then fails as Linux does. */
    static final class FullDisk {
        static TempFile.Factory after(long capacity) {
            return path -> {
                TempFile real = TempFile.onDisk(path);
                return new TempFile() {
                    long written;

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        if (written + len > capacity) {
                            throw new IOException("No space left on device");
                        }
                        real.write(b, off, len);
                        written += len;
                    }

                    @Override
                    public void sync() throws IOException {
                        real.sync();
                    }

                    @Override
                    public void close() throws IOException {
                        real.close();
                    }
                };
            };
        }
    }
}
