package dev.migrationpanel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.migrationpanel.instance.FakeInstall;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceCheckService;
import dev.migrationpanel.instance.InstanceForm;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.SshAuthMethod;
import dev.migrationpanel.remote.TestKeys;
import dev.migrationpanel.remote.TestSshServer;

/**
 * Proof that the panel's own database file holds no secret in plain text: SSH password, private key and
 * passphrase, DB password, and the .env values a check reads. The instance's name is searched too, as
 * the control that the scan does see what the panel writes.
 */
@SpringBootTest
@ExtendWith(OutputCaptureExtension.class)
class SecretsAtRestTest {

    static final Path DATA_DIR;

    static {
        try {
            DATA_DIR = Files.createTempDirectory("panel-secrets-at-rest");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void fileDatabase(DynamicPropertyRegistry registry) {
        registry.add("panel.data-dir", DATA_DIR::toString);
        registry.add("spring.datasource.url", () -> "jdbc:h2:file:" + DATA_DIR.resolve("panel"));
    }

    @Autowired
    InstanceService instances;
    @Autowired
    InstanceCheckService checks;
    @Autowired
    JdbcTemplate jdbc;

    @AfterEach
    void signOut() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void theDatabaseFileAndTheLogHoldNoSecret(CapturedOutput output) throws Exception {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("admin", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        Path work = Files.createTempDirectory("panel-secrets-work");
        TestKeys.ClientKey key = TestKeys.generate(work, TestSshServer.KeyType.ED25519, "key-passphrase-Xy7", false);
        String keyBody = key.privateKeyText().lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        String dbPassword = "db-password-Qw3rty";
        String sshPassword = "ssh-password-Az9";
        String name = "visible-instance-name-" + System.nanoTime();

        try (TestSshServer server = TestSshServer.builder().user("deploy").password(sshPassword)
                .authorizedKey(key.publicKeyLine()).start()) {
            Path install = FakeInstall.create(work.resolve("df"), FakeInstall.sqliteEnv());
            InstanceForm form = new InstanceForm();
            form.setProduct("dreamfactory");
            form.setName(name);
            form.setSshHost(server.host());
            form.setSshPort(server.port());
            form.setSshUser("deploy");
            form.setSshAuth(SshAuthMethod.PRIVATE_KEY);
            form.setSshPrivateKey(key.privateKeyText());
            form.setSshPassphrase("key-passphrase-Xy7");
            form.setInstallPath(install.toString());
            form.getProductSettings().put("webServer", "NONE");
            form.setDbPassword(dbPassword);
            Instance instance = instances.create(form);
            checks.check(instance.getId());
            instances.acceptHostKey(instance.getId(), server.hostKey().fingerprint());
            checks.check(instance.getId());

            // the password is kept for a switch back to password auth only when given; set it, then switch
            InstanceForm edit = InstanceForm.from(instances.get(instance.getId()));
            edit.setSshAuth(SshAuthMethod.PASSWORD);
            edit.setSshPassword(sshPassword);
            instances.update(instance.getId(), edit);
            checks.check(instance.getId());
        }
        jdbc.execute("CHECKPOINT SYNC");

        byte[] everything = readAll(DATA_DIR);
        String asText = new String(everything, StandardCharsets.ISO_8859_1);
        assertThat(asText).as("control: the scan sees what the panel stores").contains(name);
        List<String> secrets = List.of(sshPassword, "key-passphrase-Xy7", keyBody, dbPassword,
                FakeInstall.APP_KEY, "unused-but-secret-pw");
        for (String secret : secrets) {
            assertThat(asText).as("database files must not hold a secret").doesNotContain(secret);
            assertThat(output.getAll()).as("the log must not hold a secret").doesNotContain(secret);
        }
    }

    private static byte[] readAll(Path dir) throws IOException {
        List<byte[]> parts = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                parts.add(Files.readAllBytes(f));
            }
        }
        int size = parts.stream().mapToInt(p -> p.length).sum();
        byte[] all = new byte[size];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
