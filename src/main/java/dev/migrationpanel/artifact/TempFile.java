package dev.migrationpanel.artifact;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

import dev.migrationpanel.security.FileModes;

/**
 * The file a new artifact is written to before it is moved into place. The store writes through this
 * seam only, so a test can stand in a disk that fills up.
 */
interface TempFile extends Closeable {

    void write(byte[] b, int off, int len) throws IOException;

    /** Forces the written bytes to the disk (fsync). */
    void sync() throws IOException;

    @FunctionalInterface
    interface Factory {
        TempFile create(Path path) throws IOException;
    }

    /** A new file, owner read/write only (mode 0600 from the first byte), written through a channel. */
    static TempFile onDisk(Path path) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            // and again by chmod: the mode given to open(2) is masked by the umask, chmod is not
            FileModes.ownerOnly(path);
        } catch (UnsupportedOperationException notPosix) {
            channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
        FileChannel ch = channel;
        return new TempFile() {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
            }

            @Override
            public void sync() throws IOException {
                ch.force(true);
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }
}
