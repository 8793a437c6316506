package dev.migrationpanel.job;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

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
        List<String> names = StepSpec.secretNames(command);
        StringBuilder prelude = new StringBuilder();
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            String value = secret.apply(names.get(i));
            if (value.contains("\n") || value.contains("\r")) {
                throw new StepFailedException("The secret " + names.get(i) + " holds a line break and cannot be passed safely");
            }
            prelude.append("IFS= read -r PANEL_SECRET_").append(i + 1).append("; ");
            lines.append(value).append('\n');
        }
        String withVariables = StepSpec.withSecrets(command, name -> "\"$PANEL_SECRET_" + (names.indexOf(name) + 1) + "\"");
        return new SecretStdin(prelude + withVariables, lines.toString().getBytes(StandardCharsets.UTF_8));
    }

    String stdinText() {
        return new String(stdin, StandardCharsets.UTF_8);
    }
}
