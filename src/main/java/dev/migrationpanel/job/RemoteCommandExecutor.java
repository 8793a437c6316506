package dev.migrationpanel.job;

import org.springframework.stereotype.Component;

import dev.migrationpanel.remote.LineListener;

/**
 * Runs a step's command over SSH in its own process group, streaming each line into the job log. Secrets
 * the command refers to travel on its standard input ({@link SecretStdin}).
 */
@Component
class RemoteCommandExecutor implements StepExecutor {

    @Override
    public String kind() {
        return StepSpec.REMOTE_COMMAND;
    }

    @Override
    public StepResult execute(StepRun run) {
        StepSpec.RemoteCommand spec = (StepSpec.RemoteCommand) run.spec();
        String[] lastError = {null};
        String[] lastOut = {null};
        SecretStdin command = SecretStdin.of(spec.command(), run::secret);
        int exit = run.ssh().streamInProcessGroup(command.command(), command.stdinText(), run.timeout(), (stream, line) -> {
            if (stream == LineListener.Stream.STDERR) {
                if (explains(line, lastError[0])) {
                    lastError[0] = line;
                }
                run.err(line);
            } else {
                if (!line.isBlank()) {
                    lastOut[0] = line;
                }
                run.out(line);
            }
        }, run::cancelled);
        if (exit != 0) {
            throw new StepFailedException("The command exited with code " + exit
                    + (lastError[0] == null || lastError[0].isBlank() ? "" : ": " + withErrnoName(lastError[0].strip())));
        }
        // the last line a command printed says most about its outcome (e.g. "version now: 7.1.0")
        return StepResult.done(lastOut[0] == null ? "Exit code 0"
                : lastOut[0].strip().length() > 200 ? lastOut[0].strip().substring(0, 199) + "…" : lastOut[0].strip());
    }

    /**
     * Whether a line of standard error says more than the one kept so far: the last line that names an error,
     * not a client's pointer under the failing statement (sqlite3's {@code ^--- error here}) or its echo.
     */
    static boolean explains(String line, String kept) {
        if (line.isBlank() || line.stripLeading().startsWith("^")) {
            return false;
        }
        boolean namesError = line.toLowerCase(java.util.Locale.ROOT).contains("error");
        return namesError || kept == null || !kept.toLowerCase(java.util.Locale.ROOT).contains("error");
    }

    private static final java.util.regex.Pattern ERRNO = java.util.regex.Pattern.compile("(?i)\\berrno:? ?(\\d+)\\b");
    private static final java.util.Map<Integer, String> ERRNO_NAMES = java.util.Map.of(2, "no such file or directory",
            13, "permission denied", 28, "no space left on device", 122, "disk quota exceeded");

    /** Tools that print a bare errno ({@code mysqldump: Got errno 28 on write}) get its meaning added. */
    static String withErrnoName(String line) {
        java.util.regex.Matcher m = ERRNO.matcher(line);
        if (m.find()) {
            String name = ERRNO_NAMES.get(Integer.parseInt(m.group(1)));
            if (name != null && !line.toLowerCase(java.util.Locale.ROOT).contains(name)) {
                return line + " (" + name + ")";
            }
        }
        return line;
    }
}
