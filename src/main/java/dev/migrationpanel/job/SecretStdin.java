package dev.migrationpanel.job;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

import dev.migrationpanel.remote.SecretRefs;

/**
 * A command whose secrets travel on its standard input: each becomes a shell variable read first
 * ({@code IFS= read -r PANEL_SECRET_1; …}) and the command refers to the variable. Never on a command line,
 * where other users of the host could read them in the process list. Whatever the command reads from its
 * standard input after that (a dump to import) follows the secrets' lines.
 *
 * @param command the command to run, with the reading prelude
 * @param stdin   the secrets' lines, to send first
 */
record SecretStdin(String command, byte[] stdin) {

    static SecretStdin of(String command, Function<String, String> secret) {
        StringBuilder lines = new StringBuilder();
        for (String name : StepSpec.secretNames(command)) {
            String value = secret.apply(name);
            if (value.contains("\n") || value.contains("\r")) {
                throw new StepFailedException("The secret " + name + " holds a line break and cannot be passed safely");
            }
            lines.append(value).append('\n');
        }
        return new SecretStdin(SecretRefs.readingFromStdin(command), lines.toString().getBytes(StandardCharsets.UTF_8));
    }

    String stdinText() {
        return new String(stdin, StandardCharsets.UTF_8);
    }
}
