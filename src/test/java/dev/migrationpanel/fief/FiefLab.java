package dev.migrationpanel.fief;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceForm;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.SshAuthMethod;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.lab.Lab;

/**
 * The lab's Fief instances (src/test/lab/fief.sh) for tests: their properties ({@code fief.NAME.*}), a rebuild with a
 * failure switch ({@code lab.sh fief-reset NAME SWITCH}), registering one as an admin would, and reading its databases
 * directly (the test's own eyes, not the panel's).
 */
final class FiefLab {

    private static final java.nio.file.Path LAB_SH = java.nio.file.Path.of("src/test/lab/lab.sh");

    private FiefLab() {
    }

    static String property(Lab lab, String name, String key) {
        return lab.property("fief." + name + "." + key);
    }

    /** Rebuilds one instance ({@code none}: as built), as root, like {@code lab.sh fief-reset NAME SWITCH}. */
    static void reset(String name, String switchName) {
        ProcessBuilder pb = new ProcessBuilder("bash", LAB_SH.toString(), "fief-reset", name, switchName).redirectErrorStream(true);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("lab.sh fief-reset " + name + " " + switchName + " failed: "
                        + new String(out, StandardCharsets.UTF_8) + "\nThe Fief lab is built by: src/test/lab/lab.sh fief-up (as root)");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + LAB_SH, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Instance register(InstanceService instances, JdbcTemplate jdbc, Lab lab, String name) {
        InstanceForm form = new InstanceForm();
        form.setProduct(FiefProfile.ID);
        form.setName(name + "-" + System.nanoTime());
        form.setSshHost(lab.sshHost());
        form.setSshPort(lab.sshPort());
        form.setSshUser(property(lab, name, "owner"));
        form.setSshAuth(SshAuthMethod.PRIVATE_KEY);
        form.setSshPrivateKey(lab.privateKeyText(property(lab, name, "owner"), "ed25519"));
        form.setSshPassphrase(lab.passphrase(property(lab, name, "owner"), "ed25519"));
        form.setInstallPath(property(lab, name, "path"));
        form.setAppUrl(property(lab, name, "url"));
        form.setProductSettings(Map.of(FiefProfile.CLI, property(lab, name, "cli"), FiefProfile.START,
                property(lab, name, "start"), FiefProfile.STOP, property(lab, name, "stop"), FiefProfile.START_BEFORE_028,
                property(lab, name, "start027")));
        Instance instance = instances.create(form);
        TestInstances.pinLabHostKey(jdbc, instance.getId(), lab);
        return instances.get(instance.getId());
    }

    /**
     * Registers a Fief-in-Docker instance ({@code fief.NAME.deployment=docker}) as an admin would: the container, the
     * install path inside it, the CLI run there, start/stop/0.27 commands on the host and, when {@code withEnvFile}, the
     * environment file the container is created from.
     */
    static Instance registerDocker(InstanceService instances, JdbcTemplate jdbc, Lab lab, String name, boolean withEnvFile) {
        InstanceForm form = new InstanceForm();
        form.setProduct(FiefProfile.ID);
        form.setName(name + "-" + System.nanoTime());
        form.setSshHost(lab.sshHost());
        form.setSshPort(lab.sshPort());
        form.setSshUser(property(lab, name, "owner"));
        form.setSshAuth(SshAuthMethod.PRIVATE_KEY);
        form.setSshPrivateKey(lab.privateKeyText(property(lab, name, "owner"), "ed25519"));
        form.setSshPassphrase(lab.passphrase(property(lab, name, "owner"), "ed25519"));
        form.setDeploymentType(dev.migrationpanel.instance.DeploymentType.DOCKER);
        form.setContainerName(property(lab, name, "container"));
        form.setInstallPath(property(lab, name, "app"));
        form.setAppUrl(property(lab, name, "url"));
        Map<String, String> settings = new java.util.HashMap<>(Map.of(FiefProfile.CLI, property(lab, name, "cli"),
                FiefProfile.START, property(lab, name, "start"), FiefProfile.STOP, property(lab, name, "stop"),
                FiefProfile.START_BEFORE_028, property(lab, name, "start027")));
        if (withEnvFile) {
            settings.put(FiefProfile.DOCKER_ENV_FILE, property(lab, name, "envfile"));
        }
        form.setProductSettings(settings);
        Instance instance = instances.create(form);
        TestInstances.pinLabHostKey(jdbc, instance.getId(), lab);
        return instances.get(instance.getId());
    }

    /** A JDBC connection to the instance's main database (PostgreSQL or MariaDB). */
    static Connection connect(Lab lab, String name) throws SQLException {
        String type = property(lab, name, "db.type");
        String url = (type.equals("POSTGRESQL") ? "jdbc:postgresql://" : "jdbc:mariadb://") + property(lab, name, "db.host") + ":"
                + property(lab, name, "db.port") + "/" + property(lab, name, "db.name");
        return DriverManager.getConnection(url, property(lab, name, "db.user"), property(lab, name, "db.password"));
    }

    /** The first column of a query's rows, on the main database (SQLite: its main file, through sqlite3). */
    static List<String> column(Lab lab, String name, String sql) throws Exception {
        List<String> values = new ArrayList<>();
        if (property(lab, name, "db.type").equals("SQLITE")) {
            Process p = new ProcessBuilder("sqlite3", "-batch", "-noheader", property(lab, name, "db.location") + "/"
                    + property(lab, name, "db.name"), sql).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("sqlite3: " + out);
            }
            out.lines().forEach(values::add);
            return values;
        }
        try (Connection c = connect(lab, name); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    static void execute(Lab lab, String name, String sql) throws Exception {
        if (property(lab, name, "db.type").equals("SQLITE")) {
            Process p = new ProcessBuilder("sqlite3", "-bail", property(lab, name, "db.location") + "/" + property(lab, name, "db.name"),
                    sql).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("sqlite3: " + out);
            }
            return;
        }
        try (Connection c = connect(lab, name); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
