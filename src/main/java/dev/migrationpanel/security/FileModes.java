package dev.migrationpanel.security;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Owner-only modes for what the panel keeps on disk: its data directory and the artifact directories
 * {@code 0700}, the database files, the master key file and every artifact {@code 0600}.
 * <p>
 * Why explicit: a mode given at creation is masked by the process's umask (an {@code umask 077} gives less,
 * which is fine, but the mode handed to {@code open(2)} is what a permissive umask keeps whole, and files
 * made by others, H2 for one, get {@code 0666 & ~umask}). So directories and files are created with the
 * owner-only mode and then set to it again with {@code chmod}, which no umask touches; what already exists
 * is checked and narrowed at every start ({@link #narrow}). On a file system without POSIX modes
 * (Windows) all of this is a no-op.
 */
public final class FileModes {

    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private FileModes() {
    }

    /** The file attribute for a new owner-only file (use with {@link #ownerOnly(Path)} after writing). */
    public static FileAttribute<Set<PosixFilePermission>> fileAttribute() {
        return PosixFilePermissions.asFileAttribute(FILE);
    }

    /**
     * Creates {@code dir} and its missing parents below {@code root} (the root too when missing), each new one
     * {@code 0700}; an existing {@code root} is set to {@code 0700} as well. Parents above {@code root} are
     * created as the umask says: they are not the panel's.
     */
    public static Path createPrivateDirectories(Path root, Path dir) throws IOException {
        Path top = root.toAbsolutePath().normalize();
        Path target = dir.toAbsolutePath().normalize();
        if (!target.startsWith(top)) {
            throw new IllegalArgumentException(target + " is not inside " + top);
        }
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = target; p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
            if (p.equals(top)) {
                break;
            }
        }
        if (!Files.isDirectory(top) && top.getParent() != null) {
            Files.createDirectories(top.getParent());
        }
        for (Path p : missing) {
            try {
                if (posix(p)) {
                    Files.createDirectory(p, PosixFilePermissions.asFileAttribute(DIRECTORY));
                } else {
                    Files.createDirectory(p);
                }
            } catch (FileAlreadyExistsException raced) {
                // another thread made it: its mode is set below all the same
            }
            ownerOnlyDirectory(p);
        }
        ownerOnlyDirectory(top);
        return target;
    }

    /** {@code chmod 600}: not subject to the umask. */
    public static void ownerOnly(Path file) throws IOException {
        set(file, FILE);
    }

    /** {@code chmod 700}. */
    public static void ownerOnlyDirectory(Path dir) throws IOException {
        set(dir, DIRECTORY);
    }

    /**
     * Narrows what already exists to owner-only: {@code dir} itself {@code 0700}, and with {@code recursive}
     * every directory below {@code 0700} and every regular file {@code 0600}; without it only the regular
     * files directly in {@code dir}. Symbolic links are neither followed nor changed. Returns how many modes
     * were changed, so a start can say that it fixed something.
     */
    public static int narrow(Path dir, boolean recursive) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || !posix(dir)) {
            return 0;
        }
        int changed = narrowTo(dir, DIRECTORY);
        try (Stream<Path> entries = recursive ? Files.walk(dir) : Files.list(dir)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                if (p.equals(dir)) {
                    continue;
                }
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    changed += narrowTo(p, FILE);
                } else if (recursive && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    changed += narrowTo(p, DIRECTORY);
                }
            }
        }
        return changed;
    }

    /** Narrows one file to {@code 0600} when it exists; 1 when its mode was changed. */
    public static int narrowFile(Path file) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || !posix(file)) {
            return 0;
        }
        return narrowTo(file, FILE);
    }

    private static int narrowTo(Path p, Set<PosixFilePermission> mode) throws IOException {
        Set<PosixFilePermission> now = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        if (now.equals(mode)) {
            return 0;
        }
        Files.setPosixFilePermissions(p, mode);
        return 1;
    }

    private static void set(Path p, Set<PosixFilePermission> mode) throws IOException {
        if (posix(p)) {
            Files.setPosixFilePermissions(p, mode);
        }
    }

    private static boolean posix(Path p) {
        return p != null && p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
