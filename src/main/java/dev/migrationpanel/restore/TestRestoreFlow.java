package dev.migrationpanel.restore;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Component;

import dev.migrationpanel.artifact.Artifact;
import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.job.Flow;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.web.InvalidInputException;

/**
 * Test-restore of a DB dump the panel took: on the SSH host of the dump's instance (its vendor client made the dump,
 * so it is there, and its host key is pinned), the dump is restored into a scratch database the panel names
 * ({@code panel_restore_<job id>}) on a scratch server an ADMIN set up — never the instance's own DB, whose
 * credentials are not used — or, for SQLite, into a scratch file in the private work directory; every table is
 * counted and compared with the counts the dump recorded of its source; the scratch database is dropped whatever
 * happened. Runs as a job: its plan is reviewed, its log followed, it can be cancelled and resumed.
 */
@Component
public class TestRestoreFlow implements Flow {

    public static final String ID = "backup.test-restore";
    /** Every scratch database's name starts with it: recognisable, and what the lab's scratch user may create. */
    public static final String SCRATCH_PREFIX = "panel_restore_";
    static final String WORK_DIR = ".migration-panel";
    static final Duration TIMEOUT = Duration.ofHours(2);
    private static final java.util.regex.Pattern ARTIFACT_ID = java.util.regex.Pattern.compile("[A-Za-z0-9-]{1,64}");

    private final ArtifactStore artifacts;
    private final ScratchServerRepository servers;
    private final TestRestores results;

    TestRestoreFlow(ArtifactStore artifacts, ScratchServerRepository servers, TestRestores results) {
        this.artifacts = artifacts;
        this.servers = servers;
        this.results = results;
    }

    /** The job's page leads with the test-restore's result, as kept with the artifact. */
    @Override
    public String resultSummary(dev.migrationpanel.job.JobView job, Map<String, String> options) {
        return results.forJob(job.id()).stream().reduce((first, second) -> second)
                .map(r -> "Test-restore " + r.getResult() + ": " + r.getReason()).orElse(null);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Test-restore a DB dump";
    }

    @Override
    public String description() {
        return "Restores one of the instance's kept DB dumps into a scratch database and counts every table against "
                + "what the dump's source held; chosen on the backups page.";
    }

    @Override
    public Purpose purpose() {
        return Purpose.BACKUP;
    }

    @Override
    public String changes() {
        return "nothing on the instance: a scratch database (or scratch SQLite file) is created, counted and dropped";
    }

    /** Any product's: it works on what the shared backup step made. */
    @Override
    public String product() {
        return "any";
    }

    @Override
    public boolean appliesTo(Instance instance) {
        return true;
    }

    @Override
    public String startPath(Instance instance) {
        return "/backups?instanceId=" + instance.getId() + "&kind=DB_DUMP";
    }

    @Override
    public Plan plan(Instance instance, Map<String, String> options) {
        String artifactId = options.getOrDefault("artifact", "").trim();
        if (!ARTIFACT_ID.matcher(artifactId).matches()) {
            throw InvalidInputException.of("artifact", "Choose a DB dump from the backups page (an artifact id)");
        }
        Artifact artifact = artifacts.find(artifactId).filter(a -> !a.isDeleted()).orElseThrow(() ->
                InvalidInputException.of("artifact", "No kept artifact " + artifactId + " (deleted by retention or an admin?)"));
        if (artifact.getKind() != ArtifactKind.DB_DUMP || !instance.getId().equals(artifact.getInstanceId())) {
            throw InvalidInputException.of("artifact", "Artifact " + artifactId + " is no DB dump of " + instance.getName());
        }
        DbVendor vendor = vendorOf(artifact.getName()).orElseThrow(() -> InvalidInputException.of("artifact",
                "The panel cannot tell which DB made " + artifact.getName() + ": test-restore takes the dumps the panel's "
                        + "backups make (…-mysql-dump.sql, …-pgsql-dump.sql, …-sqlite-dump.sql)"));
        ScratchServer server = null;
        if (vendor.networked()) {
            String scratch = options.getOrDefault("scratch", "").trim();
            if (!scratch.matches("\\d{1,18}")) {
                throw InvalidInputException.of("scratch", "Choose a " + vendor.label() + " scratch server (an ADMIN sets "
                        + "them up under Scratch servers)");
            }
            server = servers.findById(Long.parseLong(scratch)).orElseThrow(() ->
                    InvalidInputException.of("scratch", "No scratch server " + scratch));
            if (server.getVendor() != vendor) {
                throw InvalidInputException.of("scratch", server.getName() + " is a " + server.getVendor().label()
                        + " server; this dump needs " + vendor.label());
            }
        }
        return build(instance, artifact.getId(), artifact.getName(), vendor, server == null ? null : server.getId(),
                server == null ? null : server.describe());
    }

    /** The dump's vendor, from the name {@code ProductSteps.dbBackup} gives it ({@code …-<vendor code>-dump.sql}). */
    public static Optional<DbVendor> vendorOf(String artifactName) {
        for (DbVendor vendor : List.of(DbVendor.MYSQL, DbVendor.PGSQL, DbVendor.SQLITE)) {
            if (artifactName.endsWith("-" + vendor.code() + "-dump.sql")) {
                return Optional.of(vendor);
            }
        }
        return Optional.empty();
    }

    /**
     * The scratch database's (or file's) name: the prefix, the job's id (a resumed job finds its own left-over and drops
     * it first) and 8 characters of the artifact's random id, so that panels sharing a scratch server never meet.
     */
    public static String scratchName(long jobId, String artifactId) {
        return scratchName(String.valueOf(jobId), artifactId);
    }

    private static String scratchName(String jobId, String artifactId) {
        String tail = artifactId.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", "");
        return SCRATCH_PREFIX + jobId + "_" + tail.substring(0, Math.min(8, tail.length()));
    }

    /** Where the dump is staged on the host (relative to the SSH user's home, in the private work directory). */
    static String staged(String artifactId) {
        return WORK_DIR + "/test-restore-" + artifactId + ".sql";
    }

    /**
     * Inside a container or pod, where the vendor client that made the dump is: the private directory the dump is
     * copied to and the SQLite scratch file made in (absolute: a container's working directory is its image's).
     */
    static final String INSIDE_DIR = "/tmp/.migration-panel";

    static String stagedInside(String artifactId) {
        return INSIDE_DIR + "/test-restore-" + artifactId + ".sql";
    }

    /** The SQLite scratch file: in the private work directory on the host, or inside the container or pod. */
    static String sqliteScratch(Deployment deployment, String scratchName) {
        return (deployment.copiesThroughHost() ? INSIDE_DIR : WORK_DIR) + "/" + scratchName + ".sqlite";
    }

    /** The plan, built without a server: a work directory, then the panel's check that does the rest. */
    static Plan build(Instance instance, String artifactId, String artifactName, DbVendor vendor, Long scratchId,
            String scratchDescription) {
        Deployment deployment = Deployment.of(instance);
        boolean inside = deployment.copiesThroughHost();
        Map<String, String> args = new LinkedHashMap<>();
        args.put("artifact", artifactId);
        args.put("vendor", vendor.code());
        args.put("staged", staged(artifactId));
        if (inside) {
            args.put("stagedInside", stagedInside(artifactId));
        }
        if (scratchId != null) {
            args.put("scratch", String.valueOf(scratchId));
        }
        String where = vendor.networked()
                ? "a new database " + scratchName("<job id>", artifactId) + " on the scratch server " + scratchDescription
                        + (inside ? " (as the " + deployment.kindLabel() + " reaches it)" : "")
                : "a new SQLite file " + sqliteScratch(deployment, scratchName("<job id>", artifactId)) + " "
                        + (inside ? deployment.describe() : "on " + instance.getName() + "'s host");
        String description = "test-restore of " + artifactName + ": check that the dump ends as a complete "
                + vendor.label() + " dump; upload it to " + staged(artifactId) + " (SHA-256 verified)"
                + (inside ? "; copy it " + deployment.describe() + " to " + stagedInside(artifactId)
                        + ", where the vendor client that made the dump runs" : "")
                + "; create " + where
                + "; import the dump into it with the vendor client; count every table's rows and compare them with the "
                + "counts the dump recorded of its source; then drop the scratch database and remove the uploaded dump"
                + (inside ? " and its copy" : "") + ", "
                + "also when a step before failed or was cancelled; the result is kept with the artifact";
        Map<String, String> options = new LinkedHashMap<>();
        options.put("artifact", artifactId);
        if (scratchId != null) {
            options.put("scratch", String.valueOf(scratchId));
        }
        return new Plan(ID, "Test-restore " + artifactName, instance.getId(), instance.getName(), List.of(
                new Step("Prepare a private work directory", instance.getId(), instance.getName(), false,
                        new StepSpec.RemoteCommand("mkdir -p " + WORK_DIR + " && chmod 700 " + WORK_DIR), Duration.ofMinutes(2), null),
                new Step("Restore into a scratch database, count, compare, drop", instance.getId(), instance.getName(), false,
                        new StepSpec.Verify(TestRestoreCheck.ID, description, args), TIMEOUT,
                        "nothing to undo: the scratch database and the uploaded dump are removed by the step itself")),
                options);
    }
}
