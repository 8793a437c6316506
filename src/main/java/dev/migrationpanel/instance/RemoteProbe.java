package dev.migrationpanel.instance;

import java.util.function.Function;

import dev.migrationpanel.remote.CommandResult;

/**
 * One pre-flight item answered by a command run where the install lives: the command (built with
 * {@link dev.migrationpanel.remote.ShellQuote}) and how its result reads as a report line.
 */
public record RemoteProbe(String name, String command, Function<CommandResult, CheckItem> interpret) {
}
