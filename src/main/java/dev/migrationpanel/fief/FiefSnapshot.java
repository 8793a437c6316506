package dev.migrationpanel.fief;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.migrationpanel.database.DatabaseException;
import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.fief.FiefDatabase.Place;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.DeploymentType;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.remote.CommandResult;
import dev.migrationpanel.remote.SshSession;

/**
 * Reads the SQLite files of a RUNNING Fief container without a {@code sqlite3} command inside it: Fief's image
 * ({@code python:3.x-slim} plus {@code pip install fief-server}) has none, but it has Python and its {@code sqlite3}
 * module. The image's Python takes a consistent snapshot of each file with SQLite's online backup
 * ({@code Connection.backup}, the file opened read-only through a {@code file:…?mode=ro} URI) into a private temporary
 * directory inside the container; {@code docker cp} copies that out to the panel's private work directory on the SSH
 * host, where the host's sqlite3 reads it as it reads copies of a stopped container's files ({@link Place#onHost()});
 * both copies are removed afterwards, also when something failed ({@link #close()}).
 *
 * <p>On a plain host, and for networked databases, a snapshot is no snapshot: {@link #read} gives the place as it is.
 */
final class FiefSnapshot implements AutoCloseable {

    /** The image's Python (Fief's image is {@code python:3.x-slim}: it has {@code python3}, and {@code python} as well). */
    static final String PYTHON = "python3";

    /**
     * The snapshot script (no user text in it): argv the database directory inside the container, the private temporary
     * directory to create there (it must not exist yet: {@code mkdir} refuses a name someone planted), then the file
     * names (each passed as an argument through the one quoting helper). A file that is not there is left out (its copy missing says so to the reader). Each file opened read-only
     * ({@code mode=ro}: nothing of Fief's is written, not even a journal), copied whole by one online backup (a
     * consistent state even while Fief writes).
     */
    static final String SCRIPT = String.join("\n",
            "import os, sqlite3, sys, urllib.parse",
            "os.umask(0o077)",
            "src, out, names = sys.argv[1], sys.argv[2], sys.argv[3:]",
            "os.mkdir(out, 0o700)",
            "for name in names:",
            "    path = os.path.join(src, name)",
            "    if not os.path.isfile(path):",
            "        continue",
            "    ro = sqlite3.connect(\"file:\" + urllib.parse.quote(path) + \"?mode=ro\", uri=True)",
            "    copy = sqlite3.connect(os.path.join(out, name))",
            "    try:",
            "        ro.backup(copy)",
            "    finally:",
            "        copy.close()",
            "        ro.close()",
            "");

    /** The pre-flight's check that the container's Python has its sqlite3 module with the online backup. */
    static final String PROBE = PYTHON + " -c " + quote("import sqlite3, sys; sqlite3.Connection.backup; "
            + "print(sys.version.split()[0], sqlite3.sqlite_version)");

    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    private final Instance instance;
    private final SshSession ssh;
    private final String directory;
    private final String stage;
    private final String inside;
    private final Set<String> taken = new LinkedHashSet<>();

    private FiefSnapshot(Instance instance, SshSession ssh, String directory, String stage, String inside) {
        this.instance = instance;
        this.ssh = ssh;
        this.directory = directory;
        this.stage = stage;
        this.inside = inside;
    }

    /** Whether the instance's files are read through snapshots: SQLite inside a Docker container. */
    static boolean needed(Instance instance, DbSettings main) {
        return main.vendor() == DbVendor.SQLITE && instance.getDeploymentType() == DeploymentType.DOCKER;
    }

    /**
     * A snapshot session for the running container's files beside {@code main} (nothing is taken yet: {@link #read} takes
     * each file the first time), staged in {@code workDir} on the SSH host.
     */
    static FiefSnapshot open(Instance instance, SshSession ssh, DbSettings main, String workDir) {
        if (!needed(instance, main)) {
            return new FiefSnapshot(instance, ssh, null, null, null);
        }
        String token = UUID.randomUUID().toString();
        return new FiefSnapshot(instance, ssh, FiefDatabase.directory(main.sqlitePath()), stageIn(workDir, instance, token),
                insideDir(token));
    }

    /** The staging directory on the SSH host, in the panel's private work directory. */
    static String stageIn(String workDir, Instance instance, String token) {
        return workDir + "/fief-" + instance.getId() + "-snapshot-" + token;
    }

    /** The private temporary directory inside the container. */
    static String insideDir(String token) {
        return "/tmp/panel-fief-snapshot-" + token;
    }

    /**
     * The place as this session reads it: a SQLite file of the container, from its snapshot staged on the SSH host (taken
     * now if it is not yet); any other place as it is.
     */
    Place read(Place place) {
        if (stage == null || place.vendor() != DbVendor.SQLITE || place.onHost()) {
            return place;
        }
        String path = place.db().sqlitePath();
        if (!FiefDatabase.directory(path).equals(directory)) {
            throw new IllegalArgumentException(path + " is not beside the main database in " + directory);
        }
        String name = FiefDatabase.fileName(path);
        if (!taken.contains(name)) {
            take(List.of(name));
        }
        return new Place(FiefDatabase.sqliteFile(stage + "/" + name), place.schema(), true, path);
    }

    private void take(List<String> names) {
        CommandResult r = ssh.run(takeCommand(Deployment.of(instance), directory, inside, stage, names), TIMEOUT);
        if (!r.ok()) {
            throw new DatabaseException("Taking a snapshot of " + String.join(", ", names) + " in container "
                    + instance.getContainerName() + " failed: " + FiefDatabase.firstLine(r.stderr()));
        }
        taken.addAll(names);
    }

    /** Removes both copies: the staged one on the SSH host, and the temporary directory inside (if a take was cut short). */
    @Override
    public void close() {
        if (stage != null) {
            ssh.run(removeCommand(Deployment.of(instance), inside, stage), TIMEOUT);
        }
    }

    /**
     * The command on the SSH host taking a snapshot of {@code names} (files of {@code directory} in the container) into
     * {@code stage}: the script run by the container's Python into {@code inside}, copied out by {@code docker cp}, and
     * {@code inside} removed whatever happened; exit status that of the snapshot and the copy.
     */
    static String takeCommand(Deployment container, String directory, String inside, String stage, List<String> names) {
        List<String> args = new ArrayList<>(List.of(SCRIPT, directory, inside));
        args.addAll(names);
        String snapshot = container.wrap(PYTHON + " -c " + String.join(" ", args.stream().map(a -> quote(a)).toList()));
        return "umask 077 && mkdir -p " + quote(stage) + " && { " + snapshot + " && " + container.copyOut(inside + "/.", stage)
                + "; }; rc=$?; " + container.wrap("rm -rf " + quote(inside)) + " >/dev/null 2>&1; [ \"$rc\" = 0 ]";
    }

    /** The command on the SSH host removing both copies (each removal whatever the other did). */
    static String removeCommand(Deployment container, String inside, String stage) {
        return "rm -rf " + quote(stage) + "; " + container.wrap("rm -rf " + quote(inside)) + " >/dev/null 2>&1; true";
    }

    /**
     * A plan's backup of a running container's SQLite file: a snapshot step into the staging directory {@code label}
     * names (left for the next steps, which dump the staged copy on the SSH host); {@link #removeStep} removes it.
     */
    static Step takeStep(Instance instance, String file, String workDir, String label) {
        String stage = stageIn(workDir, instance, label);
        String inside = insideDir(instance.getId() + "-" + label);
        Deployment container = Deployment.of(instance);
        return FiefSteps.command(instance, "Snapshot " + file + " in the running container (its Python's sqlite3 online "
                + "backup, the file opened read-only) and copy it out (docker cp) to " + stage, false, removeCommand(container,
                        inside, stage) + " && " + takeCommand(container, FiefDatabase.directory(file), inside, stage,
                                List.of(FiefDatabase.fileName(file))), null);
    }

    /** Where {@link #takeStep} stages its copy of {@code file}. */
    static String staged(Instance instance, String file, String workDir, String label) {
        return stageIn(workDir, instance, label) + "/" + FiefDatabase.fileName(file);
    }

    /** Removes what {@link #takeStep} left: the staged copy, and the temporary directory inside. */
    static Step removeStep(Instance instance, String workDir, String label) {
        return FiefSteps.command(instance, "Remove the snapshot's copies", false, removeCommand(Deployment.of(instance),
                insideDir(instance.getId() + "-" + label), stageIn(workDir, instance, label)), null);
    }
}
