package dev.migrationpanel.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.migrationpanel.remote.TestSshServer;
import dev.migrationpanel.web.InvalidInputException;

/**
 * The pre-flight check end to end against an in-process SSH server that runs real commands (git, php,
 * sqlite3, df) on a DreamFactory-shaped install, with the real PostgreSQL behind an SSH tunnel.
 */
@SpringBootTest
class InstanceCheckServiceTest {

    @Autowired
    InstanceService instances;
    @Autowired
    InstanceCheckService checks;

    @TempDir
    Path tmp;
    TestSshServer server;

    @BeforeEach
    void signIn() throws Exception {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("alice", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        server = TestSshServer.startDefault("deploy", "ssh-pass-Zq9!");
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        SecurityContextHolder.clearContext();
    }

    private Instance register(String name, Path install) {
        return instances.create(TestInstances.passwordForm(name, server, install));
    }

    private static Map<String, CheckItem> byName(InstanceCheck check) {
        return check.getItems().stream().collect(Collectors.toMap(CheckItem::getName, i -> i, (a, b) -> a));
    }

    @Test
    void firstContactAsksForTheHostKeyThenTheCheckReportsTheInstall() throws Exception {
        Path install = FakeInstall.create(tmp.resolve("df"), FakeInstall.sqliteEnv());
        Files.writeString(install.resolve("local-change.txt"), "x");
        Instance instance = register("df-sqlite", install);

        InstanceCheck first = checks.check(instance.getId());
        assertThat(first.getOutcome()).isEqualTo(CheckStatus.BLOCKING);
        assertThat(first.getItems().get(0).getMessage()).contains("not accepted yet")
                .contains(server.hostKey().fingerprint());
        Instance seen = instances.get(instance.getId());
        assertThat(seen.getSeenHostKeyFingerprint()).isEqualTo(server.hostKey().fingerprint());
        assertThat(seen.pinnedHostKey()).isNull();

        assertThatThrownBy(() -> instances.acceptHostKey(instance.getId(), "SHA256:somethingElse"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("does not match");
        instances.acceptHostKey(instance.getId(), server.hostKey().fingerprint());
        assertThat(instances.get(instance.getId()).getHostKeyAcceptedBy()).isEqualTo("alice");

        InstanceCheck report = checks.check(instance.getId());
        Map<String, CheckItem> items = byName(report);
        assertThat(items.get("SSH").getStatus()).isEqualTo(CheckStatus.OK);
        assertThat(items.get("Install path").getStatus()).isEqualTo(CheckStatus.OK);
        assertThat(items.get("Git").getStatus()).isEqualTo(CheckStatus.WARNING);
        assertThat(items.get("Git").getMessage()).contains("branch master").contains("local-change.txt");
        assertThat(items.get(".env").getStatus()).isEqualTo(CheckStatus.OK);
        assertThat(items.get(".env").getMessage()).contains("APP_KEY sha256:" + InstanceCheckService.shortHash(FakeInstall.APP_KEY))
                .contains("DB_CONNECTION");
        assertThat(items.get("PHP").getStatus()).isEqualTo(CheckStatus.OK);
        assertThat(items.get("App version").getMessage()).isEqualTo("DreamFactory 7.0.0");
        assertThat(items.get("Database").getMessage()).contains("SQLite file " + install + "/storage/databases/database.sqlite");
        assertThat(items.get("DB reachable").getStatus()).isEqualTo(CheckStatus.OK);
        assertThat(items.get("DB reachable").getMessage()).startsWith("SQLite 3.");
        assertThat(items.get("Tools").getMessage()).contains("sqlite3");
        assertThat(items).containsKeys("OS", "Free disk", "Composer");
        String all = report.getItems().toString();
        assertThat(all).doesNotContain(FakeInstall.APP_KEY).doesNotContain("c2VjcmV0LWFwcC1rZXk")
                .doesNotContain("unused-but-secret-pw").doesNotContain(server.password());
        assertThat(instances.lastCheck(instance.getId())).get().extracting(InstanceCheck::getId).isEqualTo(report.getId());
    }

    @Test
    void aChangedHostKeyIsAHardFailureUntilReaccepted() throws Exception {
        Path install = FakeInstall.create(tmp.resolve("df"), FakeInstall.sqliteEnv());
        Instance instance = register("df-moved", install);
        checks.check(instance.getId());
        instances.acceptHostKey(instance.getId(), server.hostKey().fingerprint());
        String pinned = server.hostKey().fingerprint();
        int port = server.port();
        server.close();
        server = TestSshServer.builder().user("deploy").password("ssh-pass-Zq9!").port(port).start();

        InstanceCheck report = checks.check(instance.getId());
        assertThat(report.getOutcome()).isEqualTo(CheckStatus.BLOCKING);
        assertThat(report.getItems().get(0).getMessage()).contains("HOST KEY CHANGED").contains(pinned)
                .contains(server.hostKey().fingerprint());
        assertThat(report.getItems()).extracting(CheckItem::getName).containsExactly("SSH", "Not checked");
        Instance after = instances.get(instance.getId());
        assertThat(after.getHostKeyFingerprint()).isEqualTo(pinned);
        assertThat(after.getSeenHostKeyFingerprint()).isEqualTo(server.hostKey().fingerprint());

        instances.acceptHostKey(instance.getId(), server.hostKey().fingerprint());
        assertThat(checks.check(instance.getId()).getItems().get(0).getStatus()).isEqualTo(CheckStatus.OK);
    }

    @Test
    void aWrongPasswordAndAMissingEnvAreOneLineEach() throws Exception {
        Path install = FakeInstall.create(tmp.resolve("df"), null);
        Instance instance = register("df-noenv", install);
        checks.check(instance.getId());
        instances.acceptHostKey(instance.getId(), server.hostKey().fingerprint());

        Map<String, CheckItem> items = byName(checks.check(instance.getId()));
        assertThat(items.get(".env").getStatus()).isEqualTo(CheckStatus.BLOCKING);
        assertThat(items.get(".env").getMessage()).isEqualTo("No .env at " + install
                + "/.env: the instance's settings and APP_KEY cannot be read");
        assertThat(items.get("Database").getStatus()).isEqualTo(CheckStatus.BLOCKING);

        InstanceForm form = InstanceForm.from(instances.get(instance.getId()));
        form.setSshPassword("wrong-password-123");
        instances.update(instance.getId(), form);
        InstanceCheck refused = checks.check(instance.getId());
        assertThat(refused.getItems().get(0).getMessage()).contains("refused").doesNotContain("wrong-password-123")
                .doesNotContainPattern("\\R");
    }

    @Test
    void reachesPostgresThroughTheSshTunnel() throws Exception {
        Path install = FakeInstall.create(tmp.resolve("df"), "APP_KEY=" + FakeInstall.APP_KEY
                + "\nDB_CONNECTION=pgsql\nDB_HOST=127.0.0.1\nDB_PORT=5432\nDB_DATABASE=postgres\nDB_USERNAME=postgres\n");
        Instance instance = register("df-pg", install);
        checks.check(instance.getId());
        instances.acceptHostKey(instance.getId(), server.hostKey().fingerprint());
        Map<String, CheckItem> items = byName(checks.check(instance.getId()));
        assertThat(items.get("Database").getMessage()).contains("PostgreSQL postgres on 127.0.0.1:5432 as postgres");
        assertThat(items.get("DB reachable").getStatus()).isEqualTo(CheckStatus.OK);
        assertThat(items.get("DB reachable").getMessage()).startsWith("PostgreSQL ").endsWith("(through the SSH tunnel)");

        InstanceForm form = InstanceForm.from(instances.get(instance.getId()));
        form.setDbDatabase("no_such_database_here");
        instances.update(instance.getId(), form);
        CheckItem missing = byName(checks.check(instance.getId())).get("DB reachable");
        assertThat(missing.getStatus()).isEqualTo(CheckStatus.BLOCKING);
        assertThat(missing.getMessage()).contains("no_such_database_here");
    }
}
