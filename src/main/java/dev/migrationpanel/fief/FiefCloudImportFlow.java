package dev.migrationpanel.fief;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.migrationpanel.artifact.Artifact;
import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.database.RestoreCommands;
import dev.migrationpanel.fief.FiefDatabase.Place;
import dev.migrationpanel.instance.DeploymentType;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.job.Flow;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.product.HostFacts;
import dev.migrationpanel.product.ProductSteps;
import dev.migrationpanel.remote.SshSession;
import dev.migrationpanel.web.InvalidInputException;

/**
 * The guide's "Fief Cloud" section: the exporter's dump (uploaded by an ADMIN, {@link FiefCloudExport}) imported with
 * {@code psql} into the instance's PostgreSQL database (the guide: only PostgreSQL), the {@code ENCRYPTION_KEY} of the
 * dump's first line set in the instance's environment (read from the file on the host, never shown), then the guide's
 * next steps: Fief 0.28 started and its upgrade awaited, {@code grant-admin-role}, and a proof (the imported tables, the
 * revision, the admin role, every Fernet value decrypting with the key, the OpenID configuration). The instance's main
 * database must hold no Fief table yet; it is backed up first. Options: {@code dump} (the upload's artifact id),
 * {@code adminEmail}.
 */
@Component
class FiefCloudImportFlow implements Flow {

    static final String ID = "fief.cloud-import";

    private final ArtifactStore artifacts;
    private final InstanceConnections connections;
    private final FiefDatabase db;

    FiefCloudImportFlow(ArtifactStore artifacts, InstanceConnections connections, FiefDatabase db) {
        this.artifacts = artifacts;
        this.connections = connections;
        this.db = db;
    }

    public String id() {
        return ID;
    }

    public String title() {
        return "Import a Fief Cloud export";
    }

    public String description() {
        return "The Fief Cloud exporter's dump imported into this instance's PostgreSQL database, its ENCRYPTION_KEY set, "
                + "Fief 0.28 started, the admin role granted, then proved.";
    }

    @Override
    public String changes() {
        return "Changes the instance's PostgreSQL database (the export imported), the .env's ENCRYPTION_KEY and the running "
                + "Fief; backs the database up first";
    }

    public String product() {
        return FiefProfile.ID;
    }

    @Override
    public boolean appliesTo(Instance instance) {
        return Flow.super.appliesTo(instance) && instance.getDeploymentType() == DeploymentType.HOST;
    }

    @Override
    public String startPath(Instance instance) {
        return "/instances/" + instance.getId() + "/fief/cloud-import";
    }

    public Plan plan(Instance instance, Map<String, String> options) {
        Map<String, String> errors = new LinkedHashMap<>();
        String email = options.getOrDefault("adminEmail", "").trim();
        String dump = options.getOrDefault("dump", "").trim();
        if (!FiefPreflight.EMAIL.matcher(email).matches()) {
            errors.put("adminEmail", "The e-mail of the account to make admin (a user of the export's default tenant)");
        }
        Artifact artifact = dump.matches("[A-Za-z0-9-]{1,64}") ? artifacts.find(dump).orElse(null) : null;
        if (artifact == null || artifact.isDeleted() || artifact.getKind() != ArtifactKind.UPLOAD
                || !instance.getId().equals(artifact.getInstanceId()) || !FiefCloudExport.NAME.equals(artifact.getName())) {
            errors.put("dump", "Upload the Fief Cloud export for this instance first (an ADMIN's upload)");
        }
        if (instance.productSetting(FiefProfile.START, null) == null || instance.productSetting(FiefProfile.STOP, null) == null) {
            errors.put("dump", "Set the instance's start and stop commands first (an ADMIN): Fief 0.28 is started after the import");
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        String home;
        DbSettings main;
        try (SshSession ssh = connections.openSsh(instance)) {
            HostFacts host = HostFacts.read(instance, ssh, connections);
            home = host.home();
            main = host.db();
            if (main.vendor() != DbVendor.PGSQL) {
                throw InvalidInputException.of("dump", "The export imports into PostgreSQL only (the guide); " + instance.getName()
                        + " runs on " + main.vendor().label());
            }
            List<String> fief = db.tables(instance, ssh, Place.main(main)).stream().filter(t -> t.startsWith("fief_")).toList();
            if (!fief.isEmpty()) {
                throw InvalidInputException.of("dump", "The database " + main.database() + " already holds Fief's tables ("
                        + fief.size() + ", e.g. " + fief.get(0) + "): import into a fresh database");
            }
        }
        return build(instance, home, main, artifact.getId(), email);
    }

    static Plan build(Instance instance, String home, DbSettings main, String dumpArtifact, String adminEmail) {
        HostFacts host = new HostFacts(home, main);
        String staged = host.workDir() + "/fief-" + instance.getId() + "-cloud-export.sql";
        List<Step> plan = new ArrayList<>();
        plan.add(ProductSteps.workDir(instance, host));
        plan.add(FiefSteps.command(instance, "Stop Fief", true, instance.productSetting(FiefProfile.STOP, null), null));
        plan.addAll(ProductSteps.dbBackup(instance, host, FiefProfile.ID, "before-cloud-import"));
        plan.add(new Step("Upload the export to the instance's host", instance.getId(), instance.getName(), false,
                new StepSpec.Upload(0, dumpArtifact, staged), ProductSteps.LONG, null));
        plan.add(FiefSteps.command(instance, "Import it with psql (one transaction)", true, RestoreCommands.importInto(main, staged),
                "restore the backup above"));
        plan.add(FiefSteps.command(instance, "Set ENCRYPTION_KEY in " + FiefProfile.ENV_FILE + " from the export's first line "
                + "(read on the host, never shown)", true, "head -n 1 " + quote(staged) + " | grep -q '^-- ENCRYPTION_KEY=.' && "
                + FiefSteps.setEncryptionKey(instance, "\"$(head -n 1 " + quote(staged)
                        + " | sed -n 's/^-- ENCRYPTION_KEY=//p' | tr -d '\\r')\""), null));
        plan.add(FiefSteps.command(instance, "Remove the staged export", false, "rm -f " + quote(staged), null));
        plan.addAll(FiefSteps.start028AndGrant(instance, "fief_", adminEmail));
        plan.add(ProductSteps.note(instance, "Recreate the admin API keys", "the guide: admin API keys are not migrated; create "
                + "them again in Fief's admin"));
        plan.add(new Step("Prove the import: the tables, alembic revision, admin role, Fernet values, the OpenID endpoint",
                instance.getId(), instance.getName(), false, new StepSpec.Verify(FiefProof.PROVE, "the imported fief_* tables "
                        + "with rows, the revision advanced, " + adminEmail + "'s admin role, every Fernet value decrypting with "
                        + "the export's key, /.well-known/openid-configuration", Map.of("adminEmail", adminEmail, "cloud", "true")),
                ProductSteps.SHORT, null));
        Map<String, String> options = new LinkedHashMap<>();
        options.put("dump", dumpArtifact);
        options.put("adminEmail", adminEmail);
        return new Plan(ID, "Import a Fief Cloud export into " + instance.getName(), instance.getId(), instance.getName(), plan,
                options);
    }
}
