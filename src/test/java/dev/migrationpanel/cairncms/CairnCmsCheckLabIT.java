package dev.migrationpanel.cairncms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.migrationpanel.instance.CheckItem;
import dev.migrationpanel.instance.CheckStatus;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceCheck;
import dev.migrationpanel.instance.InstanceCheckService;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.lab.LabLocks;

/**
 * Real CairnCMS installs of the lab (PostgreSQL, MariaDB, SQLite) registered as CairnCMS instances and checked
 * over the real sshd: the .env read as CairnCMS writes it (DB_CLIENT pg/mysql/sqlite3, DB_USER, DB_FILENAME
 * relative to the install), the DB reached with those settings, KEY and SECRET never shown, only SECRET's short hash;
 * the migrations' pre-flight of storage, file bytes and the server.
 */
@SpringBootTest
@ResourceLock(LabLocks.CAIRNCMS)
class CairnCmsCheckLabIT {

    @Autowired
    InstanceService instances;
    @Autowired
    InstanceCheckService checks;
    @Autowired
    JdbcTemplate jdbc;

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

    @Autowired
    CairnPreflight preflight;

    private Instance register(Lab.CairnInstance cairn) {
        return CairnLabInstances.register(instances, jdbc, lab, cairn, false);
    }

    private static Map<String, CheckItem> byName(java.util.List<CheckItem> items) {
        Map<String, CheckItem> result = new LinkedHashMap<>();
        items.forEach(i -> result.put(i.getName(), i));
        return result;
    }

    /**
     * The pre-flight of a source with two local locations (one a second root) and a file row whose bytes the lab
     * deleted: each location counted as on disk, the missing file named, the server answering; a fresh target has
     * nothing missing.
     */
    @Test
    void thePreflightCountsEachLocationAndNamesTheFilesWhoseBytesAreMissing() throws Exception {
        Lab.CairnInstance source = lab.cairn("cs-pgsql");
        Map<String, CheckItem> items = byName(preflight.run(register(source)));

        assertThat(items).containsKeys("Storage local", "Storage archive", "File bytes", "/server/ping", "/server/health");
        long localFiles;
        try (var files = java.nio.file.Files.list(source.storageRoots().get("local"))) {
            localFiles = files.count();
        }
        assertThat(items.get("Storage local").getMessage()).contains(localFiles + " file(s)");
        assertThat(items.get("Storage archive").getMessage()).contains("1 file(s), 262144 bytes");
        assertThat(items.get("File bytes").getStatus()).isEqualTo(CheckStatus.WARNING);
        assertThat(items.get("File bytes").getMessage()).startsWith("1 of 5 directus_files row(s) have no bytes: lost-scan.pdf (local/");
        assertThat(items.get("/server/ping").getMessage()).isEqualTo("HTTP 200 pong");
        assertThat(items.get("/server/health").getStatus()).isEqualTo(CheckStatus.OK);

        Map<String, CheckItem> fresh = byName(preflight.run(register(lab.cairn("ct-sqlite"))));
        assertThat(fresh.get("File bytes").getMessage()).isEqualTo("every one of 0 directus_files row(s) has its bytes");
        assertThat(fresh.get("Storage local").getMessage()).contains("0 file(s)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cs-pgsql", "cs-mariadb", "cs-sqlite"})
    void aCairnCmsInstallIsReadFromItsEnvAndItsDbReached(String name) {
        Lab.CairnInstance cairn = lab.cairn(name);
        Instance instance = CairnLabInstances.register(instances, jdbc, lab, cairn, true); // its CLI wrapper: the version
        InstanceCheck check = checks.check(instance.getId());
        Map<String, CheckItem> items = new LinkedHashMap<>();
        check.getItems().forEach(i -> items.put(i.getName(), i));

        assertThat(items.get("package.json").getStatus()).isEqualTo(CheckStatus.OK);
        assertThat(items.get("App version").getMessage()).as("the CLI's own version, shown on the dashboard")
                .isEqualTo("CairnCMS " + cairn.version());
        assertThat(items.get("DB reachable").getStatus()).as(items.get("DB reachable").getMessage())
                .isEqualTo(CheckStatus.OK);
        String report = check.getItems().stream().map(i -> i.getName() + ": " + i.getMessage()).reduce("", (a, b) -> a + "\n" + b);
        assertThat(report).contains("SECRET sha256:").doesNotContain(cairn.secret()).doesNotContain(cairn.key())
                .doesNotContain(cairn.dbPassword() == null ? "\u0000" : cairn.dbPassword())
                .doesNotContain("Git"); // a git checkout is DreamFactory's concern, not CairnCMS's
        assertThat(check.getItems()).noneMatch(i -> i.getStatus() == CheckStatus.BLOCKING);
    }
}
