package dev.migrationpanel.remote;

/** Receives a streamed command's output line by line, on the thread that called {@link SshSession#stream}. */
@FunctionalInterface
public interface LineListener {

    enum Stream { STDOUT, STDERR }

    /** One line, without its line terminator ({@code \n} or {@code \r\n}). */
    void line(Stream stream, String line);
}
