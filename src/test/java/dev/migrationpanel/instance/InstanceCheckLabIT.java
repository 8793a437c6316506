package dev.migrationpanel.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.remote.TestSshServer;
import dev.migrationpanel.web.InvalidInputException;

/**
 * The pre-flight check against the lab: real OpenSSH sshd, the real MariaDB and PostgreSQL, SQLite,
 * git and php, on DreamFactory-shaped installs. Fails (never skips) when the lab is not running.
 */
@SpringBootTest
// Alone: its wrong-password login waits out the lab sshd's failure delays within the panel's 10 s SSH timeout, which a
// class running beside it on the 2 cores made it miss once ("No answer from 127.0.0.1:2222 within 10 s")
@Isolated
class InstanceCheckLabIT {

    static final String USER = "dflab";

    @Autowired
    InstanceService instances;
    @Autowired
    InstanceCheckService checks;
    @Autowired
    InstanceRepository repository;

    final Lab lab = Lab.get();

    @BeforeEach
    void signIn() {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("lab-admin", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
    }

    @AfterEach
    void signOut() {
        SecurityContextHolder.clearContext();
    }

    private InstanceForm form(String name, String labInstance) {
        InstanceForm form = new InstanceForm();
        form.setProduct("dreamfactory");
        form.setName(name + "-" + System.nanoTime());
        form.setSshHost(lab.sshHost());
        form.setSshPort(lab.sshPort());
        form.setSshUser(USER);
        form.setInstallPath(lab.instance(labInstance).path().toString());
        form.getProductSettings().put("webServer", "NONE");
        return form;
    }

    private static InstanceForm withKey(InstanceForm form, Lab lab, String type) {
        form.setSshAuth(SshAuthMethod.PRIVATE_KEY);
        form.setSshPrivateKey(lab.privateKeyText(USER, type));
        form.setSshPassphrase(lab.passphrase(USER, type));
        return form;
    }

    private InstanceForm withPassword(InstanceForm form) {
        form.setSshAuth(SshAuthMethod.PASSWORD);
        form.setSshPassword(lab.password(USER));
        return form;
    }

    /** Registers, meets the host key, checks it against the lab's own fingerprint, accepts it, checks. */
    private Map<String, CheckItem> registerAndCheck(InstanceForm form) {
        Instance instance = instances.create(form);
        InstanceCheck first = checks.check(instance.getId());
        assertThat(first.getOutcome()).isEqualTo(CheckStatus.BLOCKING);
        Instance seen = instances.get(instance.getId());
        String type = seen.getSeenHostKeyType().replace("ssh-", "").replaceAll("ecdsa-sha2-.*", "ecdsa");
        assertThat(seen.getSeenHostKeyFingerprint()).isEqualTo(lab.hostKeyFingerprint(type));
        instances.acceptHostKey(instance.getId(), seen.getSeenHostKeyFingerprint());
        InstanceCheck report = checks.check(instance.getId());
        return report.getItems().stream().collect(Collectors.toMap(CheckItem::getName, i -> i, (a, b) -> a));
    }

    private void assertHealthyInstall(Map<String, CheckItem> items, String labInstance) {
        Lab.LabInstance li = lab.instance(labInstance);
        assertThat(items.get("SSH").getStatus()).isEqualTo(CheckStatus.OK);
        assertThat(items.get("OS").getMessage()).contains("Linux");
        assertThat(items.get("Install path").getStatus()).isEqualTo(CheckStatus.OK);
        assertThat(items.get("Free disk").getStatus()).isNotEqualTo(CheckStatus.BLOCKING);
        assertThat(items.get("Git").getMessage()).startsWith("branch master at ");
        assertThat(items.get(".env").getStatus()).isEqualTo(CheckStatus.OK);
        assertThat(items.get(".env").getMessage()).contains("APP_KEY sha256:" + InstanceCheckService.shortHash(li.appKey()));
        assertThat(items.get("PHP").getStatus()).isEqualTo(CheckStatus.OK);
        assertThat(items.get("Composer").getStatus()).isEqualTo(CheckStatus.OK);
        assertThat(items.get("App version").getMessage()).isEqualTo("DreamFactory " + li.version());
        assertThat(items.get("DB reachable").getStatus()).as(items.get("DB reachable").getMessage()).isEqualTo(CheckStatus.OK);
        String all = items.values().toString();
        assertThat(all).doesNotContain(li.appKey());
        if (li.dbPassword() != null) {
            assertThat(all).doesNotContain(li.dbPassword());
        }
    }

    @Test
    void mariadbInstanceWithAnEd25519KeyAndPassphraseThroughTheTunnel() {
        Map<String, CheckItem> items = registerAndCheck(withKey(form("df-mariadb", "mariadb"), lab, "ed25519"));
        assertHealthyInstall(items, "mariadb");
        assertThat(items.get("Database").getMessage()).contains("MySQL / MariaDB df_lab on 127.0.0.1:3306 as df_lab (from .env)");
        assertThat(items.get("DB reachable").getMessage()).startsWith("MariaDB ").endsWith("(through the SSH tunnel)");
        assertThat(items.get("Tools").getStatus()).isEqualTo(CheckStatus.OK);
    }

    @Test
    void mariadbDirectlyFromThePanel() {
        InstanceForm form = withKey(form("df-mariadb-direct", "mariadb"), lab, "ecdsa");
        form.setDbAccess(DbAccess.DIRECT);
        Map<String, CheckItem> items = registerAndCheck(form);
        assertThat(items.get("DB reachable").getMessage()).startsWith("MariaDB ").endsWith("(direct)");
    }

    @Test
    void postgresInstanceWithAnRsaKey() {
        Map<String, CheckItem> items = registerAndCheck(withKey(form("df-pgsql", "pgsql"), lab, "rsa"));
        assertHealthyInstall(items, "pgsql");
        assertThat(items.get("DB reachable").getMessage()).startsWith("PostgreSQL ").endsWith("(through the SSH tunnel)");
    }

    @Test
    void sqliteInstanceWithAPassword() {
        Map<String, CheckItem> items = registerAndCheck(withPassword(form("df-sqlite", "sqlite")));
        assertHealthyInstall(items, "sqlite");
        assertThat(items.get("Database").getMessage()).contains("SQLite file " + lab.instance("sqlite").dbDatabase());
        assertThat(items.get("DB reachable").getMessage()).startsWith("SQLite 3.");
    }

    @Test
    void aWrongDbPasswordOverrideIsReportedWithoutTheValue() {
        InstanceForm form = withPassword(form("df-mariadb-badpw", "mariadb"));
        form.setDbPassword("not-the-db-password-42");
        Map<String, CheckItem> items = registerAndCheck(form);
        assertThat(items.get("Database").getMessage()).contains("with overrides set in the panel");
        assertThat(items.get("DB reachable").getStatus()).isEqualTo(CheckStatus.BLOCKING);
        assertThat(items.get("DB reachable").getMessage()).contains("login refused for user 'df_lab'")
                .doesNotContain("not-the-db-password-42");
    }

    @Test
    void aMissingEnvBlocksWithOneLine() {
        Map<String, CheckItem> items = registerAndCheck(withPassword(form("df-noenv", "noenv")));
        assertThat(items.get(".env").getStatus()).isEqualTo(CheckStatus.BLOCKING);
        assertThat(items.get(".env").getMessage()).startsWith("No .env at " + lab.instance("noenv").path() + "/.env");
    }

    @Test
    void aChangedHostKeyRefusesToConnect() {
        Instance instance = instances.create(withPassword(form("df-changed", "sqlite")));
        instance.pinHostKey(TestSshServer.hostKeyOf(TestSshServer.generateKeyPair(TestSshServer.KeyType.ED25519).getPublic()),
                "lab-admin", Instant.now());
        repository.save(instance);
        InstanceCheck report = checks.check(instance.getId());
        assertThat(report.getOutcome()).isEqualTo(CheckStatus.BLOCKING);
        assertThat(report.getItems().get(0).getMessage()).startsWith("HOST KEY CHANGED for " + lab.sshHost() + ":" + lab.sshPort())
                .contains(lab.hostKeyFingerprint("ed25519"));
    }

    @Test
    void loginFailuresAreOneClearLine() {
        InstanceForm wrongPassword = withPassword(form("df-wrongpw", "sqlite"));
        wrongPassword.setSshPassword("definitely-wrong-pw");
        Instance a = instances.create(wrongPassword);
        checks.check(a.getId());
        instances.acceptHostKey(a.getId(), instances.get(a.getId()).getSeenHostKeyFingerprint());
        assertThat(checks.check(a.getId()).getItems().get(0).getMessage())
                .isEqualTo("SSH login as 'dflab' was refused: wrong password or key not authorized");

        InstanceForm refused = withPassword(form("df-refused", "sqlite"));
        refused.setSshPort(1);
        assertThat(checks.check(instances.create(refused).getId()).getItems().get(0).getMessage())
                .isEqualTo("Connection refused by 127.0.0.1:1");

        InstanceForm unknown = withPassword(form("df-unknown", "sqlite"));
        unknown.setSshHost("no-such-host.invalid");
        assertThat(checks.check(instances.create(unknown).getId()).getItems().get(0).getMessage())
                .contains("no-such-host.invalid").contains("could not be resolved");

        InstanceForm wrongPassphrase = withKey(form("df-badphrase", "sqlite"), lab, "ed25519");
        wrongPassphrase.setSshPassphrase("not-the-passphrase");
        assertThatThrownBy(() -> instances.create(wrongPassphrase)).isInstanceOf(InvalidInputException.class)
                .satisfies(e -> assertThat(((InvalidInputException) e).fieldErrors())
                        .containsEntry("sshPassphrase", "The passphrase does not open this private key"));
    }
}
