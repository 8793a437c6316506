package dev.migrationpanel.fief;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.util.List;
import java.util.stream.Collectors;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.database.DumpCommands;
import dev.migrationpanel.fief.FiefDatabase.Place;
import dev.migrationpanel.instance.Deployment;
import dev.migrationpanel.instance.DeploymentType;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.product.ProductSteps;

/** The commands the Fief flows share, as values: the vendor's SQL client on the main DB, the table moves, the key line. */
final class FiefSteps {

    private FiefSteps() {
    }

    /** The vendor's client running {@code sql} on the main database (password on standard input, never the command line). */
    static String sqlClient(DbSettings main, String sql) {
        return switch (main.vendor()) {
            case PGSQL -> "PGPASSWORD=" + DumpCommands.DB_PASSWORD + " psql -X -q -v ON_ERROR_STOP=1 -h " + quote(main.host())
                    + " -p " + main.port() + " -U " + quote(main.username()) + " -d " + quote(main.database()) + " -c " + quote(sql);
            case MYSQL -> "MYSQL_PWD=" + DumpCommands.DB_PASSWORD + " mysql -h " + quote(main.host()) + " -P " + main.port()
                    + " -u " + quote(main.username()) + " " + quote(main.database()) + " -e " + quote(sql);
            case SQLITE -> "sqlite3 -bail " + quote(main.sqlitePath()) + " " + quote(sql);
            case SQLSRV -> throw new IllegalArgumentException("Fief does not run on SQL Server");
        };
    }

    /**
     * PostgreSQL: the guide's {@code ALTER TABLE "<id>".<t> SET SCHEMA public} for every table the schema really has,
     * then its enum types and the sequences no table owns (owned ones follow their table), in one transaction: a
     * failure moves nothing.
     */
    static String pgMoveSql(String workspaceId, List<String> tables, List<String> types, List<String> sequences) {
        DbVendor pg = DbVendor.PGSQL;
        String schema = pg.quoteName(workspaceId);
        StringBuilder sql = new StringBuilder("BEGIN;");
        for (String t : tables) {
            sql.append(" ALTER TABLE ").append(schema).append('.').append(pg.quoteName(t)).append(" SET SCHEMA public;");
        }
        for (String t : types) {
            sql.append(" ALTER TYPE ").append(schema).append('.').append(pg.quoteName(t)).append(" SET SCHEMA public;");
        }
        for (String s : sequences) {
            sql.append(" ALTER SEQUENCE ").append(schema).append('.').append(pg.quoteName(s)).append(" SET SCHEMA public;");
        }
        return sql.append(" COMMIT;").toString();
    }

    /**
     * MySQL: the guide's {@code RENAME TABLE}, its names in backticks (the guide's {@code "…"} is a syntax error unless
     * ANSI_QUOTES is on), every table the workspace database really has, in one statement: MySQL and MariaDB rename
     * them all or, on any error, none.
     */
    static String mysqlMoveSql(String workspaceId, String mainDatabase, List<String> tables) {
        DbVendor my = DbVendor.MYSQL;
        return "RENAME TABLE " + tables.stream().map(t -> my.quoteName(workspaceId) + "." + my.quoteName(t) + " TO "
                + my.quoteName(mainDatabase) + "." + my.quoteName(t)).collect(Collectors.joining(", ")) + ";";
    }

    /**
     * SQLite: the guide's file swap ({@code mv fief.db fief.db.bak}, {@code mv <id> fief.db}), refusing to overwrite an
     * earlier {@code fief.db.bak}, and putting {@code fief.db} back when the second rename fails.
     */
    static String sqliteSwap(DbSettings main, String workspaceId) {
        String dir = FiefDatabase.directory(main.sqlitePath());
        String file = main.sqlitePath().substring(dir.length() + 1);
        return "cd " + quote(dir) + " && test ! -e " + quote(file + ".bak") + " && test -f " + quote(workspaceId) + " && mv "
                + quote(file) + " " + quote(file + ".bak") + " && { mv " + quote(workspaceId) + " " + quote(file) + " || { mv "
                + quote(file + ".bak") + " " + quote(file) + "; exit 1; }; }";
    }

    /**
     * {@code ENCRYPTION_KEY=<key>} as the one line of that key in the file Fief's settings come from (others removed, the
     * rest kept, the file's owner and mode kept): on a host the install's .env; in Docker the file on the SSH host the
     * container is created from ({@link FiefProfile#DOCKER_ENV_FILE}). The key travels on standard input.
     */
    static String setEncryptionKey(Instance instance, String keyRef) {
        return setEncryptionKeyIn(envFileOf(instance), keyRef);
    }

    /** The file {@link #setEncryptionKey} writes: the install's .env, or in Docker the container's env file on the host. */
    static String envFileOf(Instance instance) {
        if (instance.getDeploymentType() == DeploymentType.DOCKER) {
            String file = instance.productSetting(FiefProfile.DOCKER_ENV_FILE, null);
            if (file == null || file.isBlank()) {
                throw new IllegalStateException("no environment file set for Docker instance " + instance.getName());
            }
            return file.strip();
        }
        return instance.getInstallPath() + "/" + FiefProfile.ENV_FILE;
    }

    static String setEncryptionKeyIn(String envFile, String keyRef) {
        String dir = FiefDatabase.directory(envFile);
        String name = envFile.substring(envFile.lastIndexOf('/') + 1);
        String file = quote(name);
        String scratch = quote(name + ".panel-new");
        return "cd " + quote(dir) + " && umask 077 && PANEL_FIEF_KEY=" + keyRef + " awk 'BEGIN { k = "
                + "ENVIRON[\"PANEL_FIEF_KEY\"] } /^[[:space:]]*(export[[:space:]]+)?ENCRYPTION_KEY[[:space:]]*=/ { if (!done) print "
                + "\"ENCRYPTION_KEY=\" k; done = 1; next } { print } END { if (!done) print \"ENCRYPTION_KEY=\" k }' "
                + file + " > " + scratch + " && cat " + scratch + " > " + file
                + " && rm -f " + scratch + " && test \"$(grep -c '^ENCRYPTION_KEY=' " + file + ")\" = 1";
    }

    /**
     * What every flow that ends on Fief 0.28 runs last but the proof: its start command (0.28 upgrades the schema on
     * start-up), the wait for that upgrade ({@code <prefix>alembic_version} leaving the workspace revision and the OpenID
     * configuration answering), then {@code fief grant-admin-role <email>} with the instance's CLI.
     */
    static List<Step> start028AndGrant(Instance instance, String prefix, String adminEmail) {
        return List.of(
                command(instance, "Start Fief 0.28 (it upgrades the schema on start-up)", true,
                        instance.productSetting(FiefProfile.START, null), null),
                new Step("Wait for its schema upgrade", instance.getId(), instance.getName(), false, new StepSpec.Verify(
                        FiefProof.AWAIT_UPGRADE, "the main database's " + prefix + "alembic_version leaves "
                                + FiefPreflight.WORKSPACE_REVISION + " and the OpenID configuration answers (2 minutes at most)",
                        java.util.Map.of("prefix", prefix)), ProductSteps.SHORT, null),
                command(instance, "Grant the admin role (fief grant-admin-role" + (instance.getDeploymentType()
                        == DeploymentType.DOCKER ? ", in the container" : "") + ")", true, Deployment.of(instance).wrap("cd "
                        + quote(instance.getInstallPath()) + " && " + instance.productSetting(FiefProfile.CLI, "fief")
                        + " grant-admin-role " + quote(adminEmail)), null));
    }

    /**
     * The backup of a database of the instance: in Docker a networked database is dumped from the SSH host (the
     * container is stopped while tables move, and Fief's image has no dump tools); a SQLite file inside the running
     * container through a snapshot its Python takes ({@link FiefSnapshot}: the image has no sqlite3 command either),
     * dumped on the SSH host with its sqlite3, the snapshot's copies removed after.
     */
    static List<Step> backup(Instance instance, dev.migrationpanel.product.HostFacts facts, String label) {
        if (FiefSnapshot.needed(instance, facts.db())) {
            String file = facts.db().sqlitePath();
            List<Step> steps = new java.util.ArrayList<>();
            steps.add(ProductSteps.workDir(instance, facts));
            steps.add(FiefSnapshot.takeStep(instance, file, facts.workDir(), label));
            steps.addAll(ProductSteps.dbBackup(instance, new dev.migrationpanel.product.HostFacts(facts.home(),
                    FiefDatabase.sqliteFile(FiefSnapshot.staged(instance, file, facts.workDir(), label))), FiefProfile.ID, label,
                    Deployment.ON_HOST));
            steps.add(FiefSnapshot.removeStep(instance, facts.workDir(), label));
            return steps;
        }
        Deployment where = facts.db().vendor() == DbVendor.SQLITE ? Deployment.of(instance) : Deployment.ON_HOST;
        return ProductSteps.dbBackup(instance, facts, FiefProfile.ID, label, where);
    }

    static Step command(Instance instance, String title, boolean changes, String command, String undo) {
        return new Step(title, instance.getId(), instance.getName(), changes, new StepSpec.RemoteCommand(command),
                ProductSteps.LONG, undo);
    }

    static String describe(Place place) {
        return place.describe();
    }
}
