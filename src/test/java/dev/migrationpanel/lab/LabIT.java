package dev.migrationpanel.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
