package dev.migrationpanel.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The running lab (src/test/lab/lab.sh up) is what lab.properties says it is. */
class LabIT {

    private final Lab lab = Lab.get();

    @Test
    void labLoadsAndDescribesItsUsersAndInstances() {
        assertThat(lab.sshHost()).isEqualTo("127.0.0.1");
        assertThat(lab.sshPort()).isPositive();
        for (String user : List.of("dflab", "dftarget")) {
            assertThat(lab.password(user)).isNotBlank();
            assertThat(lab.passphrase(user)).isNotBlank();
            for (String type : List.of("ed25519", "ecdsa", "rsa")) {
                assertThat(lab.privateKeyText(user, type)).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
            }
        }
        for (String name : List.of("mariadb", "pgsql", "sqlite")) {
            Lab.LabInstance instance = lab.instance(name);
            assertThat(instance.version()).isEqualTo("7.0.0");
            assertThat(instance.appKey()).startsWith("base64:");
            assertThat(instance.path().resolve("config/df.php")).content().contains("'version' => '7.0.0',");
            assertThat(instance.path().resolve(".env")).content()
                    .contains("DB_CONNECTION=" + instance.dbConnection(), "APP_KEY=" + instance.appKey());
        }
        assertThat(lab.instance("noenv").path().resolve(".env")).doesNotExist();
        assertThat(lab.instance("noenv").path().resolve("artisan")).isRegularFile();
        assertThat(lab.originPath().resolve("HEAD")).isRegularFile();
        for (String name : List.of("mariadb", "pgsql", "sqlite")) {
            assertThat(lab.instance(name).webUser()).as("%s web user", name).isEqualTo("dflab");
            assertThat(lab.instance(name).webGroup()).as("%s web group", name).isEqualTo("dflab");
        }
    }

    @Test
    void originHasTheBrokenReleasesAsTagsAndMasterStillAt710() throws Exception {
        String origin = lab.originPath().toString();
        assertThat(lab.ref("failing-migration")).isEqualTo("7.1.0-failing-migration");
        assertThat(lab.ref("broken-composer")).isEqualTo("7.1.0-broken-composer");
        List<String> refs = run(null, "git", "ls-remote", origin).lines().map(l -> l.split("\t")[1]).toList();
        assertThat(refs).contains("refs/heads/master", "refs/heads/release/7.0.0", "refs/tags/7.0.0", "refs/tags/7.1.0",
                "refs/tags/" + lab.ref("failing-migration"), "refs/tags/" + lab.ref("broken-composer"));
        assertThat(refs).doesNotContain("refs/heads/" + lab.ref("failing-migration"), "refs/heads/" + lab.ref("broken-composer"));
        assertThat(rev(origin, "master")).isEqualTo(rev(origin, "7.1.0^{commit}"));
        for (String key : List.of("failing-migration", "broken-composer")) {
            String ref = lab.ref(key);
            assertThat(rev(origin, ref + "^{commit}^")).as("%s is one commit on 7.1.0", ref).isEqualTo(rev(origin, "7.1.0^{commit}"));
            assertThat(run(null, "git", "--git-dir", origin, "show", ref + ":config/df.php")).contains("'version' => '7.1.0',");
        }
        String failing = lab.ref("failing-migration");
        String migrations = run(null, "git", "--git-dir", origin, "ls-tree", "--name-only", failing, "database/migrations/");
        assertThat(migrations.lines().toList()).last().asString()
                .isEqualTo("database/migrations/2025_01_20_100000_add_upgrade_marker.php");
        assertThat(migrations).contains("2025_01_15_120000_create_limits_table.php");
        assertThat(run(null, "git", "--git-dir", origin, "show", failing + ":database/migrations/2025_01_20_100000_add_upgrade_marker.php"))
                .contains("'withinTransaction' => false", "INSERT INTO `lookup`", "lab_missing_table");
        String composer = run(null, "git", "--git-dir", origin, "show", lab.ref("broken-composer") + ":composer.json");
        assertThatThrownBy(() -> new ObjectMapper().readTree(composer))
                .isInstanceOf(JsonProcessingException.class);
        assertThat(new ObjectMapper().readTree(
                run(null, "git", "--git-dir", origin, "show", "7.1.0:composer.json")).get("name").asText())
                .isEqualTo("dreamfactory/dreamfactory");
    }

    @Test
    void upgradeInstancesAreAt700WithDatabasesOfTheirOwn() throws Exception {
        for (String name : List.of("up-mariadb", "up-pgsql", "up-sqlite")) {
            Lab.LabInstance up = lab.instance(name);
            assertThat(up.path()).isEqualTo(Path.of("/opt/lab/" + name));
            assertThat(up.version()).isEqualTo("7.0.0");
            assertThat(up.webUser()).isEqualTo("dflab");
            assertThat(up.webGroup()).isEqualTo("dflab");
            assertThat(Files.getOwner(up.path().resolve("artisan")).getName()).isEqualTo("dflab");
            assertThat(up.path().resolve("config/df.php")).content().contains("'version' => '7.0.0',");
            assertThat(up.path().resolve(".env")).content()
                    .contains("DB_CONNECTION=" + up.dbConnection(), "DB_DATABASE=" + up.dbDatabase(), "APP_KEY=" + up.appKey());
            assertThat(up.appKey()).startsWith("base64:").isNotEqualTo(lab.instance(name.substring(3)).appKey());
        }
        for (String name : List.of("up-mariadb", "up-pgsql")) {
            Lab.LabInstance up = lab.instance(name);
            Lab.LabInstance shared = lab.instance(name.substring(3));
            assertThat(up.dbDatabase()).isEqualTo("up_lab");
            assertThat(up.dbUsername()).isEqualTo("up_lab");
            assertThat(up.dbPassword()).isNotBlank().isNotEqualTo(shared.dbPassword());
            String userTable = name.equals("up-mariadb") ? "`user`" : "\"user\"";
            try (Connection c = DriverManager.getConnection(up.jdbcUrl(), up.dbUsername(), up.dbPassword())) {
                assertThat(emails(c, "SELECT email FROM " + userTable + " ORDER BY id")).containsExactly("admin@lab.test", "user@lab.test");
                assertThat(count(c, "SELECT COUNT(*) FROM migrations")).isEqualTo(3);
            }
            // its own database: the shared instance's credentials do not open it
            assertThatThrownBy(() -> DriverManager.getConnection(up.jdbcUrl(), shared.dbUsername(), shared.dbPassword()).close())
                    .isInstanceOf(SQLException.class);
            if (name.equals("up-mariadb")) {
                // and its credentials do not open the shared database (PostgreSQL lets any role connect to
                // df_lab, and the lab's pg_hba may trust local TCP, so this holds for MariaDB only)
                assertThatThrownBy(() -> DriverManager.getConnection(shared.jdbcUrl(), up.dbUsername(), up.dbPassword()).close())
                        .isInstanceOf(SQLException.class);
                assertThatThrownBy(() -> DriverManager.getConnection(up.jdbcUrl(), up.dbUsername(), up.dbPassword() + "-wrong").close())
                        .isInstanceOf(SQLException.class);
            } else {
                try (Connection c = DriverManager.getConnection(up.jdbcUrl(), up.dbUsername(), up.dbPassword());
                     Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("up_lab");
                }
            }
        }
        Lab.LabInstance sqlite = lab.instance("up-sqlite");
        assertThat(sqlite.dbDatabase()).isEqualTo("/opt/lab/up-sqlite/storage/databases/dreamfactory.sqlite")
                .isNotEqualTo(lab.instance("sqlite").dbDatabase());
        assertThat(run(null, "sqlite3", sqlite.dbDatabase(), "SELECT COUNT(*) FROM migrations").trim()).isEqualTo("3");
    }

    @Test
    void resetRestoresAChangedInstance() throws Exception {
        Lab.LabInstance up = lab.instance("up-sqlite");
        Path dfPhp = up.path().resolve("config/df.php");
        Files.writeString(dfPhp, Files.readString(dfPhp).replace("'version' => '7.0.0',", "'version' => '9.9.9',"));
        Files.writeString(up.path().resolve("stray-file.txt"), "left by a test");
        run(null, "sqlite3", up.dbDatabase(), "DELETE FROM lookup; INSERT INTO migrations (migration, batch) VALUES ('x', 9)");
        assertThat(dfPhp).content().contains("'version' => '9.9.9',");

        Lab.reset("up-sqlite");

        assertThat(dfPhp).content().contains("'version' => '7.0.0',").doesNotContain("9.9.9");
        assertThat(up.path().resolve("stray-file.txt")).doesNotExist();
        assertThat(Files.getOwner(dfPhp).getName()).isEqualTo("dflab");
        assertThat(up.path().resolve(".env")).content().contains("APP_KEY=" + up.appKey());
        assertThat(run(null, "sqlite3", up.dbDatabase(), "SELECT COUNT(*) FROM migrations").trim()).isEqualTo("3");
        assertThat(run(null, "sqlite3", up.dbDatabase(), "SELECT name FROM lookup ORDER BY name").lines().toList())
                .containsExactly("company", "smtp_password");
        assertThat(run(null, "git", "-C", up.path().toString(), "-c", "safe.directory=*", "status", "--porcelain")).isEmpty();

        assertThatThrownBy(() -> Lab.reset("no-such-instance"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Resetting lab instance no-such-instance failed")
                .hasMessageContaining("unknown instance 'no-such-instance'");
    }

    @Test
    void failingMigrationReleaseFailsHalfWayAndLogsAnErrorThenResetUndoesIt() throws Exception {
        Lab.reset("up-pgsql");
        Lab.LabInstance up = lab.instance("up-pgsql");
        String ref = lab.ref("failing-migration");
        // the vendor's minor-upgrade steps, as the install's owner
        String[] steps = asOwner(up, "git stash && git fetch origin && git checkout " + ref + " && git pull origin " + ref
                + " && chmod -R 2775 storage/ bootstrap/cache/"
                + " && composer install --no-dev --ignore-platform-reqs --no-interaction && php artisan --version");
        assertThat(steps[0]).as("exit code; stdout %s; stderr %s", steps[1], steps[2]).isEqualTo("0");
        assertThat(steps[1]).contains("DreamFactory 7.1.0");
        String[] result = asOwner(up, "php artisan migrate --seed --force");
        assertThat(result[0]).as("exit code; stdout %s; stderr %s", result[1], result[2]).isEqualTo("1");
        assertThat(result[1]).containsPattern("2025_01_15_120000_create_limits_table \\.+ \\d+ms DONE")
                .containsPattern("2025_01_20_100000_add_upgrade_marker \\.+ FAIL");
        assertThat(result[2].strip().lines().toList()).singleElement().asString()
                .contains("ERROR", "2025_01_20_100000_add_upgrade_marker", "lab_missing_table");
        assertThat(up.path().resolve("storage/logs/laravel.log")).content()
                .containsPattern("(?m)^\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\] production\\.ERROR: Migration 2025_01_20_100000_add_upgrade_marker failed: .*lab_missing_table");
        String[] status = asOwner(up, "php artisan migrate:status");
        assertThat(status[0]).isEqualTo("0");
        assertThat(status[1]).containsPattern("2025_01_15_120000_create_limits_table \\.+ \\[2\\] Ran")
                .containsPattern("2025_01_20_100000_add_upgrade_marker \\.+ Pending");
        try (Connection c = DriverManager.getConnection(up.jdbcUrl(), up.dbUsername(), up.dbPassword())) {
            // the first statement stayed: the database is partly upgraded
            assertThat(count(c, "SELECT COUNT(*) FROM lookup WHERE name = 'upgrade_marker'")).isEqualTo(1);
            assertThat(count(c, "SELECT COUNT(*) FROM migrations")).isEqualTo(4);
        }

        Lab.reset("up-pgsql");

        assertThat(up.path().resolve("config/df.php")).content().contains("'version' => '7.0.0',");
        assertThat(up.path().resolve("storage/logs/laravel.log")).doesNotExist();
        try (Connection c = DriverManager.getConnection(up.jdbcUrl(), up.dbUsername(), up.dbPassword())) {
            assertThat(count(c, "SELECT COUNT(*) FROM lookup WHERE name = 'upgrade_marker'")).isZero();
            assertThat(count(c, "SELECT COUNT(*) FROM migrations")).isEqualTo(3);
        }
    }

    /** Runs a shell command in the instance as its owner (dflab); returns exit code, stdout, stderr. */
    private static String[] asOwner(Lab.LabInstance instance, String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("runuser", "-u", "dflab", "--", "env", "-i", "HOME=/home/dflab", "USER=dflab",
                "PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8", "bash", "-c", "cd " + instance.path() + " && " + script)
                .redirectError(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", script).isTrue();
        return new String[] {String.valueOf(p.exitValue()), out, err.join()};
    }

    private static String rev(String gitDir, String rev) throws IOException, InterruptedException {
        return run(null, "git", "--git-dir", gitDir, "rev-parse", rev).trim();
    }

    @Test
    void sshdPresentsTheEd25519HostKeyOfTheProperties() throws Exception {
        String scan = run(null, "ssh-keyscan", "-p", String.valueOf(lab.sshPort()), "-t", "ed25519", lab.sshHost());
        assertThat(scan).contains("ssh-ed25519 ");
        String fingerprint = run(scan, "ssh-keygen", "-lf", "-");
        // e.g. "256 SHA256:abc… [127.0.0.1]:2222 (ED25519)"
        assertThat(fingerprint.trim().split("\\s+")[1]).isEqualTo(lab.hostKeyFingerprint("ed25519"));
        assertThat(fingerprint).contains("(ED25519)");
    }

    @Test
    void mariadbLabDatabaseAcceptsTheLabCredentialsAndHoldsTheSeed() throws SQLException {
        Lab.LabInstance db = lab.instance("mariadb");
        assertThat(db.jdbcUrl()).isEqualTo("jdbc:mariadb://127.0.0.1:3306/df_lab");
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.dbUsername(), db.dbPassword())) {
            assertThat(emails(c, "SELECT email FROM `user` ORDER BY id")).contains("admin@lab.test", "user@lab.test");
            assertThat(count(c, "SELECT COUNT(*) FROM migrations")).isEqualTo(3);
        }
        assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), db.dbUsername(), db.dbPassword() + "-wrong"))
                .isInstanceOf(SQLException.class);
    }

    @Test
    void postgresLabDatabaseAcceptsTheLabCredentialsAndHoldsTheSeed() throws SQLException {
        Lab.LabInstance db = lab.instance("pgsql");
        assertThat(db.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/df_lab");
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.dbUsername(), db.dbPassword())) {
            assertThat(emails(c, "SELECT email FROM \"user\" ORDER BY id")).contains("admin@lab.test", "user@lab.test");
            assertThat(count(c, "SELECT COUNT(*) FROM migrations")).isEqualTo(3);
            assertThat(count(c, "SELECT COUNT(*) FROM service")).isEqualTo(5);
        }
    }

    private static List<String> emails(Connection c, String sql) throws SQLException {
        List<String> emails = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                emails.add(rs.getString(1));
            }
        }
        return emails;
    }

    private static int count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getInt(1);
        }
    }

    /** Runs a command, feeding it stdin, and returns its stdout; fails on a non-zero exit. */
    private static String run(String stdin, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("%s finished", command[0]).isTrue();
        assertThat(p.exitValue()).as("exit code of %s", String.join(" ", command)).isZero();
        return out;
    }
}
