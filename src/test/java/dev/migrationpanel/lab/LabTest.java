package dev.migrationpanel.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lab's loading and accessors against hand-written lab.properties files (no lab needed). */
class LabTest {

    @TempDir
    Path dir;

    @Test
    void missingPropertiesFailWithTheStartHint() {
        assertThatThrownBy(() -> Lab.load(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("The test lab is not running (")
                .hasMessageContaining(dir.resolve("lab.properties") + " does not exist")
                .hasMessageEndingWith("Start it with: src/test/lab/lab.sh up   (as root; see README)");
    }

    @Test
    void closedSshPortFailsWithTheStartHint() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Files.writeString(dir.resolve("lab.properties"), "ssh.host=127.0.0.1\nssh.port=" + port + "\n");
        assertThatThrownBy(() -> Lab.load(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the lab sshd does not answer on 127.0.0.1:" + port)
                .hasMessageContaining(Lab.START_HINT);
    }

    @Test
    void readsPropertiesWhenTheSshPortAnswers() throws IOException {
        Path key = Files.writeString(dir.resolve("id_rsa"), "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n");
        try (ServerSocket s = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Files.writeString(dir.resolve("lab.properties"), String.join("\n",
                    "ssh.host=127.0.0.1",
                    "ssh.port=" + s.getLocalPort(),
                    "ssh.dflab.password=pw-1",
                    "ssh.dflab.key.rsa=" + key,
                    "ssh.dflab.key.ecdsa=" + dir.resolve("absent"),
                    "ssh.dflab.key.ed25519.passphrase=pp-1",
                    "sshd.hostkey.ed25519.fingerprint=SHA256:abc+/def",
                    "instance.pgsql.path=/opt/lab/df-pgsql",
                    "instance.pgsql.db.connection=pgsql",
                    "instance.pgsql.db.host=127.0.0.1",
                    "instance.pgsql.db.port=5432",
                    "instance.pgsql.db.database=df_lab",
                    "instance.pgsql.db.username=df_lab",
                    "instance.pgsql.db.password=secret",
                    "instance.pgsql.app.key=base64:AAAA=",
                    "instance.pgsql.version=7.0.0",
                    "instance.pgsql.web.user=www-lab",
                    "instance.pgsql.web.group=www-group",
                    "instance.pgsql.owner=dflab",
                    "origin.refs.failing-migration=7.1.0-failing-migration",
                    "instance.sqlite.path=/opt/lab/df-sqlite",
                    "instance.sqlite.db.connection=sqlite",
                    "instance.sqlite.db.host=",
                    "instance.sqlite.db.port=",
                    "instance.sqlite.db.database=/opt/lab/df-sqlite/storage/databases/dreamfactory.sqlite",
                    "instance.sqlite.version=7.0.0",
                    "instance.sqlite.owner=dftarget",
                    "instance.noowner.path=/opt/lab/df-noowner",
                    "instance.noowner.version=7.0.0",
                    ""));

            Lab lab = Lab.load(dir);

            assertThat(lab.sshHost()).isEqualTo("127.0.0.1");
            assertThat(lab.sshPort()).isEqualTo(s.getLocalPort());
            assertThat(lab.password("dflab")).isEqualTo("pw-1");
            assertThat(lab.passphrase("dflab")).isEqualTo("pp-1");
            assertThat(lab.passphrase("dflab", "ed25519")).isEqualTo("pp-1");
            assertThat(lab.passphrase("dflab", "rsa")).isNull();
            assertThat(lab.hostKeyFingerprint("ed25519")).isEqualTo("SHA256:abc+/def");
            assertThat(lab.keyFile("dflab", "rsa")).isEqualTo(key);
            assertThat(lab.privateKeyText("dflab", "rsa")).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
            assertThatThrownBy(() -> lab.keyFile("dflab", "ecdsa"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("missing or unreadable");
            assertThatThrownBy(() -> lab.property("no.such.key"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("'no.such.key'")
                    .hasMessageContaining("src/test/lab/lab.sh up");

            Lab.LabInstance pg = lab.instance("pgsql");
            assertThat(pg.path()).isEqualTo(Path.of("/opt/lab/df-pgsql"));
            assertThat(pg.dbConnection()).isEqualTo("pgsql");
            assertThat(pg.dbPort()).isEqualTo(5432);
            assertThat(pg.dbPassword()).isEqualTo("secret");
            assertThat(pg.appKey()).isEqualTo("base64:AAAA=");
            assertThat(pg.version()).isEqualTo("7.0.0");
            assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/df_lab");
            assertThat(pg.webUser()).isEqualTo("www-lab");
            assertThat(pg.webGroup()).isEqualTo("www-group");
            assertThat(pg.owner()).isEqualTo("dflab");
            assertThat(lab.ref("failing-migration")).isEqualTo("7.1.0-failing-migration");
            assertThatThrownBy(() -> lab.ref("broken-composer")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("'origin.refs.broken-composer'");
            assertThat(pg.toString()).doesNotContain("secret");

            Lab.LabInstance sqlite = lab.instance("sqlite");
            assertThat(sqlite.dbHost()).isNull();
            assertThat(sqlite.dbPort()).isNull();
            assertThat(sqlite.dbDatabase()).endsWith("/dreamfactory.sqlite");
            assertThat(sqlite.webUser()).isNull();
            assertThat(sqlite.owner()).isEqualTo("dftarget");
            assertThatThrownBy(() -> lab.instance("noowner")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("instance.noowner.owner");
            assertThatThrownBy(() -> lab.instance("mariadb")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("instance.mariadb.path");
        }
    }
}
