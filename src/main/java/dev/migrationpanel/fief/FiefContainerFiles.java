package dev.migrationpanel.fief;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.util.List;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.RestoreCommands;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.product.HostFacts;

/**
 * Fief on SQLite inside a Docker container (its image's default: {@code DATABASE_LOCATION=/data/db}, on a volume): the
 * guide's file swap runs while Fief is stopped, and {@code docker exec} does not reach a stopped container. So the files
 * are read through copies ({@code docker cp}, which works on a stopped container) staged in the panel's private work
 * directory on the SSH host, where the backups, the record and the checks read them with the host's sqlite3; and they
 * are changed in place, on the container's own volume, by a one-off container of its image with its volumes
 * ({@link Deployment#withVolumesOf}): the guide's {@code mv} as it is, owner and mode kept, and a file put back by a
 * rollback written by the image's user as Fief's own process would write it. The start command recreates the container,
 * so the database directory must be on a volume or bind mount (the pre-flight checks it): a file in the container's own
 * layer would not survive that, and the one-off container could not reach it.
 */
final class FiefContainerFiles {

    private FiefContainerFiles() {
    }

    /** The staging directory of the instance's copies on the SSH host (in the panel's private work directory). */
    static String stage(Instance instance, HostFacts host) {
        return host.workDir() + "/fief-" + instance.getId() + "-container-db";
    }

    /** Where the copy of a file of the database directory is staged. */
    static String staged(String stage, String fileName) {
        return stage + "/" + fileName;
    }

    /** The main file's copy, as a database the host's sqlite3 reads. */
    static DbSettings stagedMain(String stage, DbSettings main) {
        return FiefDatabase.sqliteFile(staged(stage, FiefDatabase.fileName(main.sqlitePath())));
    }

    /**
     * Copies the named files of the stopped container's database directory to {@code into} on the SSH host ({@code docker
     * cp}), first emptying it. Refuses a file with a journal left behind ({@code -wal} or {@code -journal} not empty: Fief
     * did not close it cleanly, and a copy of the file alone would miss what the journal holds).
     */
    static String copyOut(Instance instance, DbSettings main, String into, List<String> files) {
        Deployment d = Deployment.of(instance);
        String dir = FiefDatabase.directory(main.sqlitePath());
        StringBuilder cmd = new StringBuilder("umask 077 && rm -rf " + quote(into) + " && mkdir -p " + quote(into));
        for (String file : files) {
            cmd.append(" && ").append(d.copyOut(dir + "/" + file, into + "/" + file));
        }
        for (String file : files) {
            for (String journal : List.of(file + "-wal", file + "-journal")) {
                String copy = into + "/" + journal;
                cmd.append(" && { ! ").append(d.copyOut(dir + "/" + journal, copy)).append(" >/dev/null 2>&1 || ! test -s ")
                        .append(quote(copy)).append(" || { echo ").append(quote(dir + "/" + journal + " is not empty: Fief did "
                                + "not close " + file + " cleanly; start and stop it again first")).append(" >&2; exit 1; }; }");
            }
        }
        return cmd.toString();
    }

    /** The copy-out step of the main file and the workspace's, before anything changes. */
    static Step copyOutBefore(Instance instance, DbSettings main, String stage, String workspaceId) {
        String dir = FiefDatabase.directory(main.sqlitePath());
        return FiefSteps.command(instance, "Copy " + main.sqlitePath() + " and the workspace's file " + dir + "/" + workspaceId
                + " out of the stopped container (docker cp) to " + stage, false, copyOut(instance, main, stage,
                        List.of(FiefDatabase.fileName(main.sqlitePath()), workspaceId)), null);
    }

    /** The guide's swap, on the container's volume, by a one-off container of its image. */
    static Step swap(Instance instance, DbSettings main, String workspaceId) {
        return FiefSteps.command(instance, "Swap the files on the container's volume: " + main.sqlitePath() + " becomes "
                + main.sqlitePath() + ".bak, the workspace's file the main one (the guide's mv, in a one-off container of its "
                + "image with its volumes: owner and mode kept)", true, Deployment.of(instance).withVolumesOf(
                        FiefSteps.sqliteSwap(main, workspaceId), false), "the rollback follow-up restores the backups");
    }

    /**
     * Writes a file staged on the SSH host into the container's volume at {@code inside}: streamed on standard input to a
     * one-off container of its image, which writes it beside the target and renames it over (the image's user owns it).
     */
    static String putBack(Instance instance, String onHost, String inside) {
        String partial = inside + ".panel-restoring";
        return Deployment.of(instance).withVolumesOf("cat > " + quote(partial) + " && mv -f " + quote(partial) + " "
                + quote(inside), true) + " < " + quote(onHost);
    }

    /**
     * A rollback's way back for SQLite in a container: each backup restored into a file on the SSH host with its
     * sqlite3, both files written into the container's volume, the swap's {@code fief.db.bak} set aside there, and the
     * result copied out again for the check ({@code checkStage}).
     */
    static List<Step> restore(Instance instance, DbSettings main, String workspaceId, String stage, String stagedMainDump,
            String stagedWsDump, long jobId) {
        String dir = FiefDatabase.directory(main.sqlitePath());
        String mainName = FiefDatabase.fileName(main.sqlitePath());
        String bak = main.sqlitePath() + ".bak";
        return List.of(
                FiefSteps.command(instance, "Make a fresh staging directory on the SSH host", false, "umask 077 && rm -rf "
                        + quote(stage) + " && mkdir -p " + quote(stage), null),
                FiefSteps.command(instance, "Restore the main database's backup into " + staged(stage, mainName) + " (sqlite3 "
                        + "on the SSH host)", false, RestoreCommands.restore(stagedMain(stage, main), stagedMainDump), null),
                FiefSteps.command(instance, "Restore the workspace's backup into " + staged(stage, workspaceId), false,
                        RestoreCommands.restore(FiefDatabase.sqliteFile(staged(stage, workspaceId)), stagedWsDump), null),
                FiefSteps.command(instance, "Put " + main.sqlitePath() + " back as it was before the consolidation (into the "
                        + "container's volume, written by a one-off container of its image)", true, putBack(instance,
                                staged(stage, mainName), main.sqlitePath()), null),
                FiefSteps.command(instance, "Put the workspace's file " + dir + "/" + workspaceId + " back", true, putBack(instance,
                        staged(stage, workspaceId), dir + "/" + workspaceId), null),
                FiefSteps.command(instance, "Set the swap's fief.db.bak aside in the volume (a later consolidation needs the "
                        + "name)", true, Deployment.of(instance).withVolumesOf("if [ -e " + quote(bak) + " ]; then mv " + quote(bak)
                                + " " + quote(bak + "-before-rollback-" + jobId) + "; fi", false), null),
                FiefSteps.command(instance, "Copy both files out of the stopped container again, for the check", false,
                        copyOut(instance, main, checkStage(stage), List.of(mainName, workspaceId)), null));
    }

    /** Where the files are copied once changed, for the check after the swap or the rollback. */
    static String checkStage(String stage) {
        return stage + "/after";
    }

    /** Removes the staged copies (they hold the database's rows). */
    static Step removeStage(Instance instance, String stage) {
        return FiefSteps.command(instance, "Remove the staged copies", false, "rm -rf " + quote(stage), null);
    }
}
