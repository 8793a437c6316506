package dev.migrationpanel.product;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.database.DumpCommands;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;

/**
 * Steps several products' flows share, built as values for a plan: the private work directory, capturing a
 * configuration file into the artifact store, the vendor's DB backup, a note for a step of a vendor procedure
 * the plan does not run. Each works on a plain host and, copying through the host, in a container or pod.
 */
public final class ProductSteps {

    public static final String WORK_DIR = ".migration-panel";
    public static final Duration SHORT = Duration.ofMinutes(2);
    public static final Duration LONG = Duration.ofHours(2);
    /** The title of {@link #dbBackup}'s download: later steps refer to its artifact by it. */
    public static final String DUMP_DOWNLOAD_TITLE = "Download the dump";

    private ProductSteps() {
    }

    public static Step workDir(Instance instance, HostFacts facts) {
        return new Step("Prepare a private work directory", instance.getId(), instance.getName(), false,
                new StepSpec.RemoteCommand("mkdir -p " + quote(facts.workDir()) + " && chmod 700 " + quote(facts.workDir())),
                SHORT, null);
    }

    /**
     * A file of the install (e.g. {@code .env}, relative to the install path) into the artifact store, encrypted
     * and as the kind given: by SFTP, or copied out of the container or pod first.
     */
    public static List<Step> captureFile(Instance instance, HostFacts facts, String file, String kind) {
        Deployment deployment = Deployment.of(instance);
        String path = instance.getInstallPath() + "/" + file;
        String artifact = instance.getName() + (file.startsWith(".") ? "" : "-") + file;
        if (!deployment.copiesThroughHost()) {
            return List.of(new Step("Capture " + file, instance.getId(), instance.getName(), false,
                    new StepSpec.Download(path, artifact, kind, true), SHORT, null));
        }
        String staged = facts.workDir() + "/" + instance.getId() + (file.startsWith(".") ? "" : "-") + file.replace('/', '_');
        return List.of(
                workDir(instance, facts),
                new Step("Copy " + file + " out of the " + deployment.kindLabel(), instance.getId(), instance.getName(), false,
                        new StepSpec.RemoteCommand("umask 077 && " + deployment.copyOut(path, staged)), SHORT, null),
                new Step("Capture " + file, instance.getId(), instance.getName(), false,
                        new StepSpec.Download(staged, artifact, kind, true), SHORT, null),
                new Step("Remove the staged " + file, instance.getId(), instance.getName(), false,
                        new StepSpec.RemoteCommand("rm -f " + quote(staged)), SHORT, null));
    }

    /** Where {@link #dbBackup} leaves the dump on the SSH host until it is downloaded (and removed). */
    public static String stagedDump(Instance instance, HostFacts facts, String product, String label) {
        return facts.workDir() + "/" + product + "-" + instance.getId() + "-" + label + ".sql";
    }

    /**
     * The vendor's DB backup: dump with the vendor tool into the private work dir, its tables' row counts appended
     * (SQL comments, {@link DumpCommands#appendRowCounts}), download it, remove it. In a container or pod the dump is
     * made there and copied out to the work dir first.
     *
     * @return the steps; the download is the one whose artifact later steps refer to ({@link #DUMP_DOWNLOAD_TITLE})
     */
    public static List<Step> dbBackup(Instance instance, HostFacts facts, String product, String label) {
        return dbBackup(instance, facts, product, label, Deployment.of(instance));
    }

    /**
     * {@link #dbBackup(Instance, HostFacts, String, String)} with the dump made where {@code deployment} says: e.g. on the
     * SSH host for a networked DB of a container that is stopped while the backup is taken ({@code docker exec} needs it
     * running).
     */
    public static List<Step> dbBackup(Instance instance, HostFacts facts, String product, String label, Deployment deployment) {
        Long id = instance.getId();
        String name = instance.getName();
        String dumpFile = stagedDump(instance, facts, product, label);
        DbSettings db = facts.db();
        boolean inside = deployment.copiesThroughHost();
        String dumpedAt = inside ? "/tmp/panel-dump-" + id + "-" + label + ".sql" : dumpFile;
        List<Step> steps = new ArrayList<>();
        steps.add(workDir(instance, facts));
        steps.add(new Step("Dump the system DB (" + db.vendor().label() + ")", id, name, false,
                new StepSpec.RemoteCommand(deployment.wrap("umask 077 && "
                        + DumpCommands.dump(db, dumpedAt, db.vendor() == DbVendor.MYSQL)
                        // the source's row counts travel in the dump: a test-restore compares against them
                        + " && " + DumpCommands.appendRowCounts(db, dumpedAt))), LONG, "rm -f " + dumpedAt));
        if (inside) {
            steps.add(new Step("Copy the dump out of the " + deployment.kindLabel(), id, name, false,
                    new StepSpec.RemoteCommand("umask 077 && " + deployment.copyOut(dumpedAt, dumpFile) + " && "
                            + deployment.wrap("rm -f " + quote(dumpedAt))), LONG, null));
        }
        steps.add(new Step(DUMP_DOWNLOAD_TITLE, id, name, false,
                new StepSpec.Download(dumpFile, name + "-" + label + "-" + db.vendor().code() + "-dump.sql",
                        "DB_DUMP", true), LONG, null));
        steps.add(new Step("Remove the staged dump", id, name, false,
                new StepSpec.RemoteCommand("rm -f " + quote(dumpFile)), SHORT, null));
        return steps;
    }

    /** A step of the vendor procedure this plan does not run, shown with the reason. */
    public static Step note(Instance instance, String title, String why) {
        return new Step(title, instance.getId(), instance.getName(), false, new StepSpec.Note(why), SHORT, null);
    }
}
