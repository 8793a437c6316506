package dev.migrationpanel.restore;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import dev.migrationpanel.artifact.Artifact;
import dev.migrationpanel.artifact.ArtifactException;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.database.DatabaseException;
import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.database.DumpCommands;
import dev.migrationpanel.database.DumpFacts;
import dev.migrationpanel.database.RestoreCommands;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.job.JobCheck;
import dev.migrationpanel.job.StepFailedException;
import dev.migrationpanel.job.StepResult;
import dev.migrationpanel.job.StepRun;
import dev.migrationpanel.remote.CommandResult;
import dev.migrationpanel.remote.LineListener;
import dev.migrationpanel.remote.RemoteException;
import dev.migrationpanel.remote.SecretRefs;
import dev.migrationpanel.remote.SshSession;

/**
 * The test-restore itself ({@link TestRestoreFlow}'s second step), in one step so that its clean-up always runs:
 * whatever fails or is cancelled after the scratch database was created, it is dropped, and the uploaded dump
 * removed, before the step ends; the outcome is recorded with the artifact in every case. A resumed job starts
 * the step again: the scratch database's name is the job's, so a left-over one is dropped first.
 */
@Component
class TestRestoreCheck implements JobCheck {

    static final String ID = "backup.test-restore";
    private static final Duration SHORT = Duration.ofMinutes(2);
    private static final Pattern COUNT_LINE = Pattern.compile("(\\d{1,19})[\\t|](.+)");

    private final ArtifactStore artifacts;
    private final ScratchServerRepository servers;
    private final TestRestores results;
    private final Clock clock;

    TestRestoreCheck(ArtifactStore artifacts, ScratchServerRepository servers, TestRestores results, Clock clock) {
        this.artifacts = artifacts;
        this.servers = servers;
        this.results = results;
        this.clock = clock;
    }

    @Override
    public String id() {
        return ID;
    }

    /** Where the restore goes: the scratch DB's settings (password included) and how to create and drop it. */
    private record Scratch(String description, DbSettings settings, String create, String drop) {
    }

    @Override
    public StepResult run(StepRun run, Map<String, String> args) throws Exception {
        Instant started = clock.instant();
        String artifactId = args.get("artifact");
        DbVendor vendor = DbVendor.fromCode(args.get("vendor")).orElseThrow(() -> new StepFailedException("No vendor"));
        String staged = args.get("staged");
        // in a container or pod the vendor client runs there, on a copy of the dump (null: on the host)
        String stagedInside = args.get("stagedInside");
        Deployment deployment = stagedInside == null ? Deployment.ON_HOST : Deployment.of(run.instance());
        String scratchName = TestRestoreFlow.scratchName(run.jobId(), artifactId);
        Scratch scratch;
        if (vendor.networked()) {
            ScratchServer server = servers.findById(Long.parseLong(args.getOrDefault("scratch", "0"))).orElseThrow(() ->
                    new StepFailedException("The scratch server of this plan was deleted: start a new test-restore"));
            run.addSecret(server.password());
            scratch = networked(server, scratchName);
        } else {
            String file = TestRestoreFlow.sqliteScratch(deployment, scratchName);
            scratch = new Scratch("the scratch file " + file + " " + (stagedInside == null
                    ? "on " + run.instance().getName() + "'s host" : deployment.describe()),
                    new DbSettings(DbVendor.SQLITE, null, 0, null, null, null, file),
                    "rm -f " + quote(file), "rm -f " + quote(file) + " " + quote(file + "-journal"));
        }
        Client client = new Client(run, run.ssh(), deployment, scratch.settings());
        SshSession ssh = run.ssh();
        List<TableCount> tables = List.of();
        Map<String, Long> source = null;
        String failure = null;
        RuntimeException cancelled = null;
        boolean created = false;
        try {
            Artifact artifact = artifacts.find(artifactId).filter(a -> !a.isDeleted()).orElseThrow(() ->
                    new StepFailedException("Artifact " + artifactId + " is gone (deleted by retention or an admin)"));
            DumpFacts facts;
            try (InputStream in = artifacts.open(artifactId)) {
                facts = DumpFacts.read(in, vendor);
            }
            if (!facts.complete()) {
                throw new StepFailedException("The dump is incomplete (truncated?): it lacks the line \""
                        + DumpFacts.completeMarker(vendor) + "\" with which " + vendor.label() + "'s tool ends a complete dump");
            }
            source = facts.sourceCounts();
            run.note(source == null
                    ? "The dump records no source counts (taken before the panel recorded them): the restore is checked, "
                            + "the tables are counted, nothing is compared"
                    : "The dump records the row counts of " + source.size() + " tables of its source");
            upload(run, ssh, artifact, staged);
            String dump = staged;
            if (stagedInside != null) {
                copyInside(run, client, deployment, artifact, staged, stagedInside);
                dump = stagedInside;
            }
            run.note("Creating " + scratch.description());
            client.exec(scratch.create(), run.timeout(), true, "Could not create the scratch database");
            created = true;
            client.exec(RestoreCommands.importInto(scratch.settings(), dump), run.timeout(), true, "The dump did not import");
            run.note("Imported; counting the tables of the scratch database");
            Map<String, Long> restored = counts(client.exec(DumpCommands.rowCounts(scratch.settings()), run.timeout(), true,
                    "Could not count the restored tables"));
            tables = compare(source, restored);
        } catch (StepFailedException | DatabaseException | ArtifactException | IOException e) {
            failure = e.getMessage();
        } catch (RemoteException e) {
            if (e.kind() == RemoteException.Kind.CANCELLED || Thread.currentThread().isInterrupted()) {
                cancelled = e;
                failure = "Cancelled: " + e.getMessage();
            } else {
                failure = e.getMessage();
            }
        } finally {
            cleanUp(run, client, scratch, staged, stagedInside, created);
        }
        TestRestore.Result result;
        String reason;
        List<TableCount> differing = tables.stream().filter(t -> !t.matches()).toList();
        if (failure != null) {
            result = TestRestore.Result.FAIL;
            reason = failure;
        } else if (source == null) {
            result = TestRestore.Result.RESTORED;
            reason = "Restored " + tables.size() + " tables; the dump records no source counts to compare with";
        } else if (!differing.isEmpty()) {
            result = TestRestore.Result.FAIL;
            reason = differing.size() + " of " + tables.size() + " tables differ from the source: " + String.join(", ",
                    differing.stream().limit(5).map(t -> t.table() + " " + shown(t.restored()) + " rows instead of "
                            + shown(t.source())).toList());
        } else {
            result = TestRestore.Result.PASS;
            reason = "All " + tables.size() + " tables restored with the source's row counts ("
                    + tables.stream().mapToLong(t -> t.restored() == null ? 0 : t.restored()).sum() + " rows)";
        }
        TestRestore kept = results.record(artifactId, run.jobId(), run.instance().getId(), scratch.description(), started,
                clock.instant(), result, reason, tables);
        run.note("Test-restore " + result + ": " + reason + " (result #" + kept.getId() + ")");
        for (TableCount t : tables) {
            run.out(String.format(Locale.ROOT, "%-40s source %10s restored %10s %s", t.table(), shown(t.source()),
                    shown(t.restored()), t.matches() ? "ok" : "DIFFERS"));
        }
        if (cancelled != null) {
            throw cancelled;
        }
        if (result == TestRestore.Result.FAIL) {
            throw new StepFailedException("Test-restore FAIL: " + reason);
        }
        return StepResult.done("Test-restore " + result + ": " + reason);
    }

    private static String shown(Long n) {
        return n == null ? "missing" : String.valueOf(n);
    }

    private static Scratch networked(ScratchServer server, String database) {
        DbSettings settings = server.settings(database);
        String quoted = server.getVendor().quoteName(database);
        String client = server.getVendor() == DbVendor.MYSQL
                ? "MYSQL_PWD=" + DumpCommands.DB_PASSWORD + " mysql -h " + quote(server.getHost()) + " -P " + server.getPort()
                        + " -u " + quote(server.getUsername()) + " -e "
                : "PGPASSWORD=" + DumpCommands.DB_PASSWORD + " psql -X -q -v ON_ERROR_STOP=1 -h " + quote(server.getHost())
                        + " -p " + server.getPort() + " -U " + quote(server.getUsername()) + " -d postgres -c ";
        String drop = client + quote("DROP DATABASE IF EXISTS " + quoted);
        String create = server.getVendor() == DbVendor.MYSQL
                ? client + quote("DROP DATABASE IF EXISTS " + quoted + "; CREATE DATABASE " + quoted)
                : drop + " -c " + quote("CREATE DATABASE " + quoted);
        return new Scratch("the scratch database " + database + " on " + server.describe(), settings, create, drop);
    }

    /** The dump from the store onto the host, verified by its SHA-256 there. */
    private void upload(StepRun run, SshSession ssh, Artifact artifact, String staged) throws IOException {
        // a file an earlier attempt left (a resumed job) is replaced
        run.note("Uploading " + artifact.getName() + " to " + staged);
        long sent;
        try (InputStream in = artifacts.open(artifact.getId())) {
            sent = ssh.upload(in, staged, bytes -> {
                run.progress(bytes, artifact.getSizeBytes());
                return !run.cancelled();
            });
        }
        if (run.cancelled()) {
            throw new RemoteException(RemoteException.Kind.CANCELLED, "the upload was stopped");
        }
        CommandResult sum = ssh.run("sha256sum " + quote(staged), SHORT);
        String remote = sum.ok() ? sum.stdout().trim().split("\\s+")[0].toLowerCase(Locale.ROOT) : null;
        if (remote != null && !remote.equals(artifact.getSha256())) {
            throw new StepFailedException("The uploaded dump differs from the stored one: sha256 " + remote + " instead of "
                    + artifact.getSha256());
        }
        run.note("Uploaded " + sent + " bytes" + (remote == null ? " (not verified: no sha256sum on the host)" : ", SHA-256 verified"));
    }

    /** The dump copied from the host into the container or pod, in a private directory, verified by its SHA-256 there. */
    private static void copyInside(StepRun run, Client client, Deployment deployment, Artifact artifact, String staged,
            String inside) {
        String dir = inside.substring(0, inside.lastIndexOf('/'));
        client.exec("mkdir -p " + quote(dir) + " && chmod 700 " + quote(dir), SHORT, true,
                "Could not make the private directory " + dir + " " + deployment.describe());
        run.note("Copying the dump " + deployment.describe() + " to " + inside);
        client.onHost(deployment.copyIn(staged, inside), run.timeout(), "Could not copy the dump " + deployment.describe());
        List<String> sum = client.exec("sha256sum " + quote(inside) + " 2>/dev/null || true", SHORT, true,
                "Could not read the copy's SHA-256");
        String inner = sum.isEmpty() || sum.get(0).isBlank() ? null : sum.get(0).trim().split("\\s+")[0].toLowerCase(Locale.ROOT);
        if (inner != null && !inner.equals(artifact.getSha256())) {
            throw new StepFailedException("The dump's copy " + deployment.describe() + " differs from the stored one: sha256 "
                    + inner + " instead of " + artifact.getSha256());
        }
        run.note("Copied" + (inner == null ? " (not verified: no sha256sum " + deployment.describe() + ")" : ", SHA-256 verified"));
    }

    /**
     * Drops the scratch database and removes the uploaded dump (and its copy in the container), never cancelled, each
     * failure logged, none thrown.
     */
    private static void cleanUp(StepRun run, Client client, Scratch scratch, String staged, String stagedInside,
            boolean created) {
        try {
            client.exec(scratch.drop(), SHORT, false, "Could not drop the scratch database");
            run.note((created ? "Dropped " : "Made sure nothing is left of ") + scratch.description());
        } catch (RuntimeException e) {
            run.err("Could not drop " + scratch.description() + ": " + e.getMessage() + " — drop it by hand");
        }
        if (stagedInside != null) {
            try {
                client.exec("rm -f " + quote(stagedInside), SHORT, false, "Could not remove the dump's copy");
                run.note("Removed the dump's copy " + stagedInside);
            } catch (RuntimeException e) {
                run.err("Could not remove " + stagedInside + ": " + e.getMessage());
            }
        }
        try {
            client.ssh().run("rm -f " + quote(staged), SHORT);
            run.note("Removed the uploaded dump " + staged);
        } catch (RuntimeException e) {
            run.err("Could not remove " + staged + ": " + e.getMessage());
        }
    }

    /**
     * Runs the vendor client's commands where it is — on the host, or inside the instance's container or pod — each
     * in its own process group, its lines in the job log; its secret (the scratch server's password, as
     * {@code {{secret:db.password}}}) on its standard input, also across {@code docker exec}.
     */
    private record Client(StepRun run, SshSession ssh, Deployment deployment, DbSettings settings) {

        /** @return the command's standard output's lines */
        List<String> exec(String command, Duration timeout, boolean cancellable, String what) {
            return onHost(deployment.wrap(command), timeout, cancellable, what);
        }

        List<String> onHost(String command, Duration timeout, String what) {
            return onHost(command, timeout, true, what);
        }

        private List<String> onHost(String command, Duration timeout, boolean cancellable, String what) {
            StringBuilder stdin = new StringBuilder();
            for (String name : SecretRefs.names(command)) {
                if (!name.equals("db.password") || settings.password() == null) {
                    throw new StepFailedException("The command needs a secret the scratch server has none of: " + name);
                }
                stdin.append(settings.password()).append('\n');
            }
            List<String> out = new ArrayList<>();
            String[] lastError = {null};
            int exit = ssh.streamInProcessGroup(SecretRefs.readingFromStdin(command), stdin.toString(), timeout,
                    (stream, line) -> {
                        if (stream == LineListener.Stream.STDERR) {
                            if (!line.isBlank()) {
                                lastError[0] = line.strip();
                            }
                            run.err(line);
                        } else {
                            out.add(line);
                        }
                    }, cancellable ? run::cancelled : () -> false);
            if (exit != 0) {
                throw new StepFailedException(what + " (exit code " + exit + ")" + (lastError[0] == null ? "" : ": " + lastError[0]));
            }
            return out;
        }
    }

    static Map<String, Long> counts(List<String> lines) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String line : lines) {
            Matcher m = COUNT_LINE.matcher(line);
            if (m.matches()) {
                counts.put(m.group(2), Long.parseLong(m.group(1)));
            }
        }
        return counts;
    }

    /** Every table of either side, by name: a table the restore lacks, or one the source did not have, differs. */
    static List<TableCount> compare(Map<String, Long> source, Map<String, Long> restored) {
        TreeSet<String> names = new TreeSet<>(restored.keySet());
        if (source != null) {
            names.addAll(source.keySet());
        }
        List<TableCount> tables = new ArrayList<>();
        for (String name : names) {
            tables.add(new TableCount(name, source == null ? null : source.get(name), restored.get(name), source != null));
        }
        return tables;
    }
}
