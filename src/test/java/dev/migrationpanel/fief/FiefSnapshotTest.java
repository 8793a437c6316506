package dev.migrationpanel.fief;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.DeploymentType;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.product.HostFacts;

/**
 * The snapshot of a running container's SQLite file ({@link FiefSnapshot}): its commands run here for real, the
 * container played by a fake {@code docker} on the PATH ({@code exec} runs the command here, {@code cp} copies a
 * directory's contents) and the script by this machine's python3 (as Fief's image's Python would run it): file paths
 * with a quote and spaces pass through the quoting helper, the copy is a consistent SQLite file with the rows, the
 * original is not written, a missing file is left out, and the temporary directory "inside" is removed also when the
 * copy-out fails.
 */
class FiefSnapshotTest {

    @TempDir
    Path tmp;
    Path bin;
    Path dir;

    @BeforeEach
    void fakeDocker() throws IOException {
        bin = Files.createDirectories(tmp.resolve("bin"));
        Path docker = bin.resolve("docker");
        Files.writeString(docker, String.join("\n",
                "#!/bin/sh",
                "# a container played here: exec [-i] NAME CMD... runs CMD; cp NAME:SRC DST copies SRC (a dir/.) into DST",
                "case \"$1\" in",
                "  exec) shift; [ \"$1\" = -i ] && shift; shift; exec \"$@\" ;;",
                "  cp) [ -n \"$FAIL_CP\" ] && { echo 'docker cp failed' >&2; exit 1; }; cp -R \"${2#*:}\" \"$3\" ;;",
                "  *) exit 2 ;;",
                "esac", ""));
        Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwxr-xr-x"));
        dir = Files.createDirectories(tmp.resolve("it's a data dir"));
    }

    private static final Deployment CONTAINER = new Deployment(DeploymentType.DOCKER, "fief-server", null, null);

    /** Runs a command as the SSH host's shell would, the fake docker first on the PATH: exit code and output. */
    private Result sh(String command, String... env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        for (int i = 0; i < env.length; i += 2) {
            pb.environment().put(env[i], env[i + 1]);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }

    record Result(int exit, String out) {
    }

    private String python(String code, String... args) throws Exception {
        StringBuilder cmd = new StringBuilder("python3 -c " + dev.migrationpanel.remote.ShellQuote.quote(code));
        for (String a : args) {
            cmd.append(' ').append(dev.migrationpanel.remote.ShellQuote.quote(a));
        }
        Result r = sh(cmd.toString());
        assertThat(r.exit()).as(r.out()).isZero();
        return r.out().strip();
    }

    /** Fails, never skips, without the machine's python3 and its sqlite3 module (Debian's python3; the lab installs it). */
    private void requirePython() throws Exception {
        assertThat(sh("python3 -c 'import sqlite3'").exit()).as("this test needs python3 with its sqlite3 module on this "
                + "machine: install it with src/test/lab/lab.sh up (as root; see README)").isZero();
    }

    @Test
    void theScriptIsAConstantReadingReadOnlyWithTheOnlineBackup() {
        assertThat(FiefSnapshot.SCRIPT).contains("+ \"?mode=ro\", uri=True)").contains("ro.backup(copy)").contains("os.mkdir(out, 0o700)")
                .contains("os.umask(0o077)").doesNotContain("sqlite3 -").doesNotContain("'");
        String take = FiefSnapshot.takeCommand(CONTAINER, "/data/db", "/tmp/panel-fief-snapshot-t", "/home/u/.migration-panel/s",
                List.of("fief.db"));
        // the paths as arguments through the one quoting helper, the script as one word, the removal after the copy
        assertThat(take).startsWith("umask 077 && mkdir -p '/home/u/.migration-panel/s' && { docker exec -i 'fief-server' sh -c ")
                .contains("docker cp 'fief-server:/tmp/panel-fief-snapshot-t/.' '/home/u/.migration-panel/s'; }; rc=$?; ")
                .contains("rc=$?; docker exec -i 'fief-server' sh -c 'rm -rf '\"'\"'/tmp/panel-fief-snapshot-t'\"'\"'' >/dev/null 2>&1;")
                .endsWith("[ \"$rc\" = 0 ]")
                .doesNotContain("sqlite3 -");
        assertThat(FiefSnapshot.removeCommand(CONTAINER, "/tmp/panel-fief-snapshot-t", "/home/u/s")).isEqualTo("rm -rf "
                + "'/home/u/s'; docker exec -i 'fief-server' sh -c 'rm -rf '\"'\"'/tmp/panel-fief-snapshot-t'\"'\"'' "
                + ">/dev/null 2>&1; true");
    }

    @Test
    void aSnapshotIsTakenCopiedOutAndTheTemporaryDirectoryRemoved() throws Exception {
        requirePython();
        Path db = dir.resolve("fief.db");
        python("import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.execute('CREATE TABLE fief_users (email TEXT)')\n"
                + "c.executemany('INSERT INTO fief_users VALUES (?)', [('a@x',), ('b@x',)])\nc.commit()", db.toString());
        long modified = Files.getLastModifiedTime(db).toMillis();
        Path inside = tmp.resolve("inside it's");
        Path stage = tmp.resolve("work dir/stage");
        Result r = sh(FiefSnapshot.takeCommand(CONTAINER, dir.toString(), inside.toString(), stage.toString(),
                List.of("fief.db", "no-such-workspace")));
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(inside).as("the temporary directory inside is removed").doesNotExist();
        assertThat(stage.resolve("no-such-workspace")).as("a missing file is left out").doesNotExist();
        assertThat(python("import sqlite3, sys\nprint(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM fief_users')"
                + ".fetchone()[0])", stage.resolve("fief.db").toString())).isEqualTo("2");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stage))).isEqualTo("rwx------");
        assertThat(Files.getLastModifiedTime(db).toMillis()).as("the original not written").isEqualTo(modified);
        assertThat(dir.resolve("fief.db-journal")).doesNotExist();

        Result removed = sh(FiefSnapshot.removeCommand(CONTAINER, inside.toString(), stage.toString()));
        assertThat(removed.exit()).isZero();
        assertThat(stage).doesNotExist();
    }

    @Test
    void aFailedCopyOutFailsAndStillRemovesTheTemporaryDirectory() throws Exception {
        requirePython();
        python("import sqlite3, sys\nsqlite3.connect(sys.argv[1]).execute('CREATE TABLE t (a)')", dir.resolve("fief.db").toString());
        Path inside = tmp.resolve("inside");
        Path stage = tmp.resolve("stage");
        Result r = sh(FiefSnapshot.takeCommand(CONTAINER, dir.toString(), inside.toString(), stage.toString(),
                List.of("fief.db")), "FAIL_CP", "1");
        assertThat(r.exit()).isNotZero();
        assertThat(r.out()).contains("docker cp failed");
        assertThat(inside).doesNotExist();
        // negative control: without the failure the same command succeeds
        assertThat(sh(FiefSnapshot.takeCommand(CONTAINER, dir.toString(), inside.toString(), stage.toString(),
                List.of("fief.db"))).exit()).isZero();
    }

    @Test
    void aPlantedTemporaryDirectoryIsRefused() throws Exception {
        requirePython();
        python("import sqlite3, sys\nsqlite3.connect(sys.argv[1]).execute('CREATE TABLE t (a)')", dir.resolve("fief.db").toString());
        Path inside = Files.createDirectories(tmp.resolve("planted"));
        Result r = sh(FiefSnapshot.takeCommand(CONTAINER, dir.toString(), inside.toString(), tmp.resolve("stage").toString(),
                List.of("fief.db")));
        assertThat(r.exit()).isNotZero();
        assertThat(r.out()).contains("FileExistsError");
        assertThat(tmp.resolve("stage/fief.db")).doesNotExist();
    }

    @Test
    void aDockerSqliteBackupDumpsTheSnapshotOnTheSshHostAndRemovesIt() {
        Instance docker = FiefConsolidationPlanTest.dockerInstance("/srv/fief/fief.env");
        DbSettings main = FiefDatabase.sqliteFile("/data/db/fief.db");
        List<Step> steps = FiefSteps.backup(docker, new HostFacts("/home/fief", main), "before-cleanup");
        List<String> commands = steps.stream().filter(s -> s.spec() instanceof StepSpec.RemoteCommand)
                .map(s -> ((StepSpec.RemoteCommand) s.spec()).command()).toList();
        String stage = "/home/fief/.migration-panel/fief-" + docker.getId() + "-snapshot-before-cleanup";
        assertThat(commands.get(1)).contains("docker exec -i 'fief-server' sh -c 'python3 -c ")
                .contains("docker cp 'fief-server:/tmp/panel-fief-snapshot-" + docker.getId() + "-before-cleanup/.' '" + stage + "'");
        assertThat(String.join("\n", commands)).as("the dump reads the staged copy with the host's sqlite3")
                .contains("sqlite3 '" + stage + "/fief.db' .dump")
                .doesNotContain("sh -c 'umask 077 && sqlite3");
        assertThat(steps.get(steps.size() - 1).title()).isEqualTo("Remove the snapshot's copies");
        assertThat(commands.get(commands.size() - 1)).startsWith("rm -rf '" + stage + "';");
        // negative control: a networked database is dumped as before, no snapshot
        List<Step> pg = FiefSteps.backup(docker, new HostFacts("/home/fief", new DbSettings(DbVendor.PGSQL, "127.0.0.1", 5432,
                "fief", "fief", "secret", null)), "before-cleanup");
        assertThat(pg).noneMatch(s -> s.title().startsWith("Snapshot"));
    }
}
