package dev.migrationpanel.artifact;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import com.github.luben.zstd.ZstdIOException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.migrationpanel.settings.PanelProperties;
import dev.migrationpanel.security.AuditService;
import dev.migrationpanel.security.FileModes;
import dev.migrationpanel.security.Role;
import dev.migrationpanel.security.Roles;
import dev.migrationpanel.security.SecretCipher;
import dev.migrationpanel.web.NotFoundException;

/**
 * Stores the artifacts jobs take and gives them back, streaming both ways: nothing is ever held whole in
 * memory. On disk an artifact is {@code <dir>/<yyyy>/<MM>/<uuid>.zst} (a plain Zstandard file) or, when
 * secret, {@code <uuid>.zst.enc} (the compressed stream sealed with {@link SegmentedGcm} under a random data key of
 * its own, kept in its row wrapped under the master key, so rotating the master key re-wraps a few bytes per
 * artifact and never rewrites a file; artifacts from before wrapped keys were sealed under a key derived from the
 * master key, which the master key's check at start wraps into their rows). Artifacts stored as gzip
 * ({@code .gz}, {@code .gz.enc}: before Zstandard, or where its native library cannot load) are read as such. A
 * file is written (mode 0600, in 0700 directories) to a temp file next to its final place, fsync'd and moved into
 * place atomically; its row is saved only then. File paths come only from the database row, never from a request.
 */
@Service
public class ArtifactStore {

    public static final String TARGET_TYPE = "artifact";
    /**
     * The purpose the one artifact key of artifacts from before wrapped data keys was derived for; changing it
     * makes those artifacts unreadable.
     */
    static final String KEY_PURPOSE = "artifacts/v1";
    static final String NOT_FOUND = "No such artifact";
    private static final Pattern ID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern STORAGE_PATH = Pattern.compile(
            "[0-9]{4}/[0-9]{2}/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.(gz|zst)(\\.enc)?");
    private static final int BUFFER = 64 * 1024;
    /**
     * Fast compression: dumps stream through the store while their import runs, and the CPU must keep up
     * (Zstandard level 1 compresses a SQL dump at ~400 MB/s a core, gzip's fastest level at ~85 MB/s).
     */
    private static final int ZSTD_LEVEL = 1;
    private static final int GZIP_LEVEL = Deflater.BEST_SPEED;
    /** Whether Zstandard's native library loads here (a noexec temp dir can stop it): else new artifacts are gzip. */
    private static final Logger log = LoggerFactory.getLogger(ArtifactStore.class);
    static final boolean ZSTD = zstdLoads();

    private final Path dir;
    /** Wraps each encrypted artifact's data key; null in the plain-Java form, which seals with {@link #fixedKey}. */
    private final SecretCipher cipher;
    private final SecretKey fixedKey;
    private final ArtifactRepository repository;
    private final AuditService audit;
    private final Clock clock;
    private final TempFile.Factory tempFiles;
    private final int segmentSize;
    private final SecureRandom random = new SecureRandom();

    @Autowired
    public ArtifactStore(ArtifactProperties properties, PanelProperties panel, SecretCipher cipher,
            ArtifactRepository repository, AuditService audit, Clock clock) {
        this(properties.resolveDir(panel.dataDir()), cipher, repository, audit, clock, TempFile::onDisk,
                SegmentedGcm.DEFAULT_SEGMENT);
        narrowModes();
    }

    /**
     * At start: every directory of the store 0700 and every file 0600, whatever made them (an older panel, a
     * restore from a backup, a copy with a permissive umask). Backups hold secrets; nobody else reads them.
     */
    private void narrowModes() {
        try {
            int changed = FileModes.narrow(dir, true);
            if (changed > 0) {
                log.warn("Narrowed {} file mode(s) in the artifact directory {} to owner-only (0700, 0600)", changed, dir);
            }
        } catch (IOException e) {
            log.warn("Could not check the modes of the artifact directory {}: {}", dir, e.getMessage());
        }
    }

    /**
     * For plain Java (benchmarks, tools): the directory, one AES-256 key every encrypted artifact is sealed with
     * (no wrapped data keys) and the row store.
     */
    public ArtifactStore(Path dir, SecretKey key, ArtifactRepository repository, AuditService audit, Clock clock) {
        this(dir, null, Objects.requireNonNull(key, "key"), repository, audit, clock, TempFile::onDisk,
                SegmentedGcm.DEFAULT_SEGMENT);
    }

    ArtifactStore(Path dir, SecretCipher cipher, ArtifactRepository repository, AuditService audit, Clock clock,
            TempFile.Factory tempFiles, int segmentSize) {
        this(dir, Objects.requireNonNull(cipher, "cipher"), null, repository, audit, clock, tempFiles, segmentSize);
    }

    private ArtifactStore(Path dir, SecretCipher cipher, SecretKey fixedKey, ArtifactRepository repository,
            AuditService audit, Clock clock, TempFile.Factory tempFiles, int segmentSize) {
        this.dir = dir.toAbsolutePath().normalize();
        this.cipher = cipher;
        this.fixedKey = fixedKey;
        this.repository = repository;
        this.audit = audit;
        this.clock = clock;
        this.tempFiles = tempFiles;
        this.segmentSize = segmentSize;
    }

    /** The artifact directory (absolute, normalised). */
    public Path directory() {
        return dir;
    }

    /** An artifact that is being downloaded: its row and its original content. Close it. */
    public record Download(Artifact artifact, InputStream content) implements Closeable {
        @Override
        public void close() throws IOException {
            content.close();
        }
    }

    // ---------------------------------------------------------------------------------------------- write

    /**
     * Streams what {@code writer} writes into a new artifact and returns its saved row. On any failure (the
     * writer throws, the disk fills up) the partial file is removed, no row is left and an
     * {@link ArtifactException} with one line for the admin is thrown.
     */
    public Artifact write(ArtifactSpec spec, ArtifactWriter writer) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(writer, "writer");
        if (spec.kind() == null) {
            throw new IllegalArgumentException("An artifact needs a kind");
        }
        String name = cleanName(spec.name());
        String contentType = cleanContentType(spec.contentType());
        boolean encrypt = spec.encrypted();
        String id = UUID.randomUUID().toString();
        Instant now = clock.instant();
        ZonedDateTime utc = now.atZone(ZoneOffset.UTC);
        String relative = String.format(Locale.ROOT, "%04d/%02d/%s.%s%s", utc.getYear(), utc.getMonthValue(), id,
                ZSTD ? "zst" : "gz", encrypt ? ".enc" : "");
        Path target = dir.resolve(relative);
        Path temp = target.resolveSibling("." + id + ".part");

        SecretKey dataKey = encrypt ? newDataKey() : null;
        String wrappedKey = dataKey != null && cipher != null ? cipher.wrapKey(dataKey, id) : null;
        ArtifactStreams.Stored stored = null;
        OutputStream compressing = null;
        ArtifactStreams.Original original = null;
        boolean moved = false;
        try {
            // year and month directories owner-only (0700) whatever the umask, like the files in them
            FileModes.createPrivateDirectories(dir, target.getParent());
            stored = new ArtifactStreams.Stored(tempFiles.create(temp));
            SegmentedGcm.EncryptingOutputStream sealing = encrypt
                    ? new SegmentedGcm.EncryptingOutputStream(stored, dataKey, id, random, segmentSize) : null;
            compressing = compressing(sealing != null ? sealing : stored);
            original = new ArtifactStreams.Original(compressing);
            try {
                writer.writeTo(original);
            } catch (IOException | RuntimeException e) {
                if (stored.failure() != null) {
                    throw stored.failure(); // the disk failed under the writer, whatever it made of that
                }
                throw new ArtifactException(sourceFailure(name, encrypt, original.count(), e), encrypt ? null : e);
            }
            finish(compressing);
            if (sealing != null) {
                sealing.finish();
            }
            stored.sync();
            stored.close();
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
            syncDirectory(target.getParent());
        } catch (IOException e) {
            throw storageFailure(name, e);
        } finally {
            if (!moved) {
                discard(stored, compressing, temp);
            }
        }

        Artifact artifact = new Artifact(id, spec, name, contentType, original.count(), stored.count(),
                original.sha256Hex(), encrypt, wrappedKey, relative, now);
        try {
            repository.save(artifact);
        } catch (RuntimeException e) {
            deleteQuietly(target);
            throw new ArtifactException("The artifact '" + name
                    + "' was stored but its record could not be saved, so its file was removed", e);
        }
        removeOnRollback(target);
        return artifact;
    }

    /** Stores everything {@code in} gives (it is not closed). */
    public Artifact write(ArtifactSpec spec, InputStream in) {
        Objects.requireNonNull(in, "in");
        return write(spec, in::transferTo);
    }

    private static String sourceFailure(String name, boolean secret, long bytes, Exception e) {
        String line = "The artifact '" + name + "' could not be stored: its source failed after " + bytes + " bytes";
        if (secret) {
            return line; // the source's message might quote what it was sending
        }
        String reason = oneLine(e.getMessage());
        return line + " (" + (reason.isEmpty() ? e.getClass().getSimpleName() : reason) + ")";
    }

    private ArtifactException storageFailure(String name, IOException e) {
        if (isDiskFull(e)) {
            return new ArtifactException("The artifact disk is full: '" + name + "' could not be stored in " + dir
                    + " (No space left on device)", e);
        }
        return new ArtifactException("The artifact '" + name + "' could not be stored in " + dir + " ("
                + reason(e) + ")", e);
    }

    static boolean isDiskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() : t.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded")
                    || m.contains("not enough space"))) {
                return true;
            }
        }
        return false;
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String text = e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() : e.getMessage();
        text = oneLine(text);
        return text.isEmpty() ? e.getClass().getSimpleName() : text;
    }

    private static String oneLine(String text) {
        if (text == null) {
            return "";
        }
        String line = text.replaceAll("[\\r\\n\\t]+", " ").strip();
        return line.length() > 200 ? line.substring(0, 199) + "…" : line;
    }

    private static OutputStream compressing(OutputStream sink) throws IOException {
        if (!ZSTD) {
            return new GZIPOutputStream(sink, BUFFER) {
                {
                    def.setLevel(GZIP_LEVEL);
                }
            };
        }
        // closing the compressor ends its frame; the sink stays open for the sealing and the fsync after it
        return new ZstdOutputStreamNoFinalizer(new FilterOutputStream(sink) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush();
            }
        }, ZSTD_LEVEL);
    }

    private static void finish(OutputStream compressing) throws IOException {
        if (compressing instanceof GZIPOutputStream gzip) {
            gzip.finish();
        } else {
            compressing.close();
        }
    }

    private static boolean zstdLoads() {
        try {
            com.github.luben.zstd.util.Native.load();
            return true;
        } catch (Throwable e) { // UnsatisfiedLinkError and the like: the store still works, with gzip
            log.warn("Zstandard's native library does not load ({}): new "
                    + "artifacts are stored with gzip, slower", e.toString());
            return false;
        }
    }

    private static void discard(ArtifactStreams.Stored stored, OutputStream compressor, Path temp) {
        try {
            if (stored != null) {
                stored.close(); // first: nothing more reaches the disk
            }
        } catch (IOException ignored) {
            // the file goes anyway
        }
        if (compressor != null) {
            try {
                compressor.close(); // releases the (native) compressor; its last writes fail on the closed file
            } catch (IOException | RuntimeException ignored) {
                // expected
            }
        }
        deleteQuietly(temp);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Could not remove the unfinished artifact file {}: {}", file, e.getMessage());
        }
    }

    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not every file system lets a directory be synced; the file itself is
        }
    }

    /** Inside a transaction that rolls back, the row goes and so must the file. */
    private static void removeOnRollback(Path target) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    if (status == STATUS_ROLLED_BACK) {
                        deleteQuietly(target);
                    }
                }
            });
        }
    }

    private static String cleanName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("An artifact needs a name");
        }
        String clean = name.strip().replaceAll("\\p{Cntrl}", "_");
        return clean.length() > 255 ? clean.substring(0, 255) : clean;
    }

    private static String cleanContentType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return MediaType.APPLICATION_OCTET_STREAM_VALUE;
        }
        try {
            String value = MediaType.parseMediaType(contentType.strip()).toString();
            if (value.length() > 100) {
                throw new IllegalArgumentException("An artifact's content type is longer than 100 characters");
            }
            return value;
        } catch (InvalidMediaTypeException e) {
            throw new IllegalArgumentException("An artifact's content type is not a media type");
        }
    }

    // ----------------------------------------------------------------------------------------------- read

    /** The row, deleted or not; empty for anything that is not a UUID. */
    public Optional<Artifact> find(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return Optional.empty();
        }
        return repository.findById(id.toLowerCase(Locale.ROOT));
    }

    /** The artifacts a job took that still exist, oldest first. */
    public List<Artifact> forJob(long jobId) {
        return repository.findByJobIdAndDeletedAtIsNullOrderByCreatedAtAscIdAsc(jobId);
    }

    /** An instance's artifacts that still exist, newest first. */
    public List<Artifact> forInstance(long instanceId) {
        return repository.findByInstanceIdAndDeletedAtIsNullOrderByCreatedAtDescIdDesc(instanceId);
    }

    /**
     * Kept artifacts of these kinds, newest first, of one instance or (null) of all: the backups page. Sign-in
     * credentials are never listed: they are the panel's own and nobody downloads them.
     */
    public org.springframework.data.domain.Page<Artifact> kept(Long instanceId, java.util.Collection<ArtifactKind> kinds,
            int page, int size) {
        java.util.List<ArtifactKind> listed = kinds.stream().filter(k -> k != ArtifactKind.CREDENTIALS).toList();
        var request = org.springframework.data.domain.PageRequest.of(page, size,
                org.springframework.data.domain.Sort.by("createdAt").descending().and(org.springframework.data.domain.Sort.by("id")));
        return instanceId == null ? repository.findByDeletedAtIsNullAndKindIn(listed, request)
                : repository.findByDeletedAtIsNullAndKindInAndInstanceId(listed, instanceId, request);
    }

    /** An artifact that exists and is not deleted, or {@link NotFoundException} (which never echoes the id). */
    public Artifact require(String id) {
        return find(id).filter(a -> !a.isDeleted()).orElseThrow(() -> new NotFoundException(NOT_FOUND));
    }

    /**
     * The original content, decrypted and decompressed while it is read. When the end is reached the
     * SHA-256 and size are compared with the row; a mismatch, a damaged gzip stream or a segment that fails
     * authentication is an {@link ArtifactCorruptException}.
     */
    public InputStream open(String id) throws IOException {
        return open(require(id));
    }

    InputStream open(Artifact artifact) throws IOException {
        String what = "The artifact '" + artifact.getName() + "' (" + artifact.getId() + ")";
        Path file = fileOf(artifact, what);
        InputStream raw;
        try {
            raw = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new IOException(what + " has no file in the artifact directory any more");
        }
        InputStream in = new BufferedInputStream(raw, BUFFER);
        try {
            if (artifact.isEncrypted()) {
                in = new SegmentedGcm.DecryptingInputStream(in, keyOf(artifact, what), artifact.getId(), what);
            }
            in = artifact.getStoragePath().contains(".zst") ? new ZstdInputStreamNoFinalizer(in)
                    : new GZIPInputStream(in, BUFFER);
        } catch (ArtifactCorruptException e) {
            raw.close();
            throw e;
        } catch (ZipException | EOFException | ZstdIOException e) {
            raw.close();
            throw new ArtifactCorruptException(what + " is corrupt: it is not a complete compressed stream");
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
        return new ArtifactStreams.Verifying(in, artifact.getSizeBytes(), artifact.getSha256(), what);
    }

    /** A fresh AES-256 key for one artifact (the plain-Java form has its one fixed key). */
    private SecretKey newDataKey() {
        if (cipher == null) {
            return fixedKey;
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return new SecretKeySpec(bytes, "AES");
    }

    /** The key an encrypted artifact was sealed with: its wrapped data key, or the one key of older artifacts. */
    private SecretKey keyOf(Artifact artifact, String what) throws IOException {
        if (cipher == null) {
            return fixedKey;
        }
        if (artifact.getWrappedKey() == null) {
            return cipher.deriveKey(KEY_PURPOSE);
        }
        try {
            return cipher.unwrapKey(artifact.getWrappedKey(), artifact.getId());
        } catch (IllegalStateException e) {
            throw new ArtifactCorruptException(what + " cannot be opened: its data key does not open with the panel's"
                    + " master key");
        }
    }

    /** The file of a row: only from the row, only a path of the store's own shape, only inside the directory. */
    private Path fileOf(Artifact artifact, String what) throws IOException {
        String relative = artifact.getStoragePath();
        if (relative == null || !STORAGE_PATH.matcher(relative).matches() || !relative.contains(artifact.getId())) {
            throw new IOException(what + " has an invalid storage path in the database");
        }
        Path file = dir.resolve(relative).normalize();
        if (!file.startsWith(dir) || file.equals(dir)) {
            throw new IOException(what + " has an invalid storage path in the database");
        }
        return file;
    }

    /**
     * Opens an artifact for download by {@code who}, audited as {@code artifact.downloaded}. Not found when
     * deleted or (with {@code jobId}) taken by another job; secret artifacts only for admins, credentials for no one.
     */
    public Download download(String id, Long jobId, Authentication who) throws IOException {
        Artifact artifact = require(id);
        if (jobId != null && !jobId.equals(artifact.getJobId())) {
            throw new NotFoundException(NOT_FOUND);
        }
        if (artifact.getKind() == ArtifactKind.CREDENTIALS) {
            throw new org.springframework.security.access.AccessDeniedException(
                    "Sign-in credentials are the panel's own: no one downloads them");
        }
        if (artifact.isSecret() && !isAdmin(who)) {
            throw new org.springframework.security.access.AccessDeniedException(
                    "Only an admin may download a secret artifact");
        }
        InputStream content = open(artifact);
        audit.record("artifact.downloaded", TARGET_TYPE, artifact.getId(), artifact.getName(),
                describe(artifact));
        return new Download(artifact, content);
    }

    private static boolean isAdmin(Authentication who) {
        return who != null && who.isAuthenticated() && Roles.highest(who.getAuthorities()) == Role.ADMIN;
    }

    private static String describe(Artifact a) {
        return a.getKind() + (a.getJobId() != null ? ", job " + a.getJobId() : "")
                + (a.getInstanceId() != null ? ", instance " + a.getInstanceId() : "")
                + ", " + a.getSizeBytes() + " bytes" + (a.isSecret() ? ", secret" : "");
    }

    // --------------------------------------------------------------------------------------------- delete

    /** Removes the file and marks the row deleted by the current user, audited as {@code artifact.deleted}. */
    public void delete(String id, String reason) {
        deleteAs(AuditService.currentActor(), require(id), reason);
    }

    /** As {@link #delete(String, String)}, and not found unless the artifact belongs to {@code jobId}. */
    public void delete(long jobId, String id, String reason) {
        Artifact artifact = require(id);
        if (!Long.valueOf(jobId).equals(artifact.getJobId())) {
            throw new NotFoundException(NOT_FOUND);
        }
        deleteAs(AuditService.currentActor(), artifact, reason);
    }

    void deleteAs(String actor, Artifact artifact, String reason) {
        String what = "The artifact '" + artifact.getName() + "' (" + artifact.getId() + ")";
        String by = actor == null || actor.isBlank() ? AuditService.SYSTEM
                : actor.length() > 64 ? actor.substring(0, 64) : actor;
        try {
            Files.deleteIfExists(fileOf(artifact, what));
        } catch (IOException e) {
            throw new ArtifactException(what + " could not be removed (" + reason(e) + ")", e);
        }
        artifact.markDeleted(clock.instant(), by);
        repository.save(artifact);
        String why = oneLine(reason);
        audit.recordAs(by, "artifact.deleted", TARGET_TYPE, artifact.getId(), artifact.getName(),
                describe(artifact) + (why.isEmpty() ? "" : "; reason: " + why));
    }
}
