package dev.migrationpanel.instance;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.remote.HostKey;
import dev.migrationpanel.remote.TestSshServer;

/** Instances as tests need them: a registration form for a test server, and a host key already accepted. */
public final class TestInstances {

    private TestInstances() {
    }

    /** A plain-host DreamFactory instance reached with the server's password user; no web server to restart. */
    public static InstanceForm passwordForm(String namePrefix, TestSshServer server, Path installPath) {
        InstanceForm form = new InstanceForm();
        form.setProduct("dreamfactory"); // the product the fake installs imitate
        form.setName(namePrefix + "-" + System.nanoTime());
        form.setSshHost(server.host());
        form.setSshPort(server.port());
        form.setSshUser(server.user());
        form.setSshAuth(SshAuthMethod.PASSWORD);
        form.setSshPassword(server.password());
        form.setInstallPath(installPath.toString());
        form.getProductSettings().put("webServer", "NONE");
        return form;
    }

    /** {@link #passwordForm} on a SQLite DB file in {@code tmp}, with a DB password that tests then look for where no secret may be. */
    public static InstanceForm passwordFormWithDbSecret(String namePrefix, TestSshServer server, Path tmp, String dbPassword) {
        InstanceForm form = passwordForm(namePrefix, server, tmp);
        form.setDbConnection("sqlite");
        form.setDbSqlitePath(tmp.resolve("db.sqlite").toString());
        form.setDbPassword(dbPassword);
        return form;
    }

    /** A lab install reached as its owner ({@code dflab}, {@code dftarget}) with one of its keys (no passphrase: ecdsa or rsa). */
    public static InstanceForm labForm(Lab lab, String labInstance, String namePrefix, String keyType) {
        Lab.LabInstance li = lab.instance(labInstance);
        InstanceForm form = new InstanceForm();
        form.setProduct("dreamfactory");
        form.setName(namePrefix + "-" + System.nanoTime());
        form.setSshHost(lab.sshHost());
        form.setSshPort(lab.sshPort());
        form.setSshUser(li.owner());
        form.setSshAuth(SshAuthMethod.PRIVATE_KEY);
        form.setSshPrivateKey(lab.privateKeyText(li.owner(), keyType));
        form.setSshPassphrase(lab.passphrase(li.owner(), keyType));
        form.setInstallPath(li.path().toString());
        form.getProductSettings().put("webServer", "NONE");
        form.getProductSettings().put("webUser", li.webUser());
        form.getProductSettings().put("webGroup", li.webGroup());
        form.setAppUrl(lab.optionalProperty("instance." + labInstance + ".app.url"));
        // the lab's container instances (src/test/lab/docker.sh): the install path is inside the container
        String container = lab.optionalProperty("instance." + labInstance + ".container");
        if (container != null) {
            form.setDeploymentType(DeploymentType.DOCKER);
            form.setContainerName(container);
        }
        return form;
    }

    /** An instance as stored, with a secret of each kind named after it, for repository and key tests. */
    public static Instance entity(String name) {
        Instance i = new Instance();
        i.setName(name);
        i.setProduct("dreamfactory");
        i.setEnvironment("production");
        i.setSshHost("10.0.0.5");
        i.setSshPort(22);
        i.setSshUser("deploy");
        i.setSshAuth(SshAuthMethod.PASSWORD);
        i.setSshPassword("ssh-secret-" + name);
        i.setDeploymentType(DeploymentType.HOST);
        i.setInstallPath("/opt/dreamfactory");
        i.setProductSettings("{\"webServer\":\"NGINX\"}");
        i.setDbAccess(DbAccess.TUNNEL);
        i.setDbPassword("db-secret-" + name);
        i.setCreatedAt(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        i.setUpdatedAt(i.getCreatedAt());
        return i;
    }

    /** Pins the lab sshd's ed25519 host key, as an admin would have after comparing fingerprints. */
    public static void pinLabHostKey(JdbcTemplate jdbc, long instanceId, Lab lab) {
        pinHostKey(jdbc, instanceId, HostKey.fromOpenSshLine(lab.property("sshd.hostkey.ed25519.public")));
    }

    /** Pins a host key as if an admin had accepted it, for tests about what happens after first contact. */
    public static void pinHostKey(JdbcTemplate jdbc, long instanceId, HostKey key) {
        jdbc.update("update instance set host_key_type = ?, host_key_fingerprint = ?, host_key_base64 = ?, "
                + "host_key_accepted_by = 'test', host_key_accepted_at = ? where id = ?", key.type(), key.fingerprint(),
                key.base64Key(), Timestamp.from(Instant.now()), instanceId);
    }

    /** Sets product settings on an entity as the form would store them: name, value, name, value… (null: unset). */
    public static void settings(Instance instance, String... namesAndValues) {
        java.util.Map<String, String> values = new java.util.TreeMap<>(instance.productSettingValues());
        for (int k = 0; k < namesAndValues.length; k += 2) {
            if (namesAndValues[k + 1] == null) {
                values.remove(namesAndValues[k]);
            } else {
                values.put(namesAndValues[k], namesAndValues[k + 1]);
            }
        }
        instance.setProductSettings(values.isEmpty() ? null
                : tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(values));
    }
}
