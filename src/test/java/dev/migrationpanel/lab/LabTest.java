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

    @Test
    void readsTheCairnInstancesAndFailsClearlyOnAnOlderLab() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Files.writeString(dir.resolve("lab.properties"), String.join("\n",
                    "ssh.host=127.0.0.1",
                    "ssh.port=" + s.getLocalPort(),
                    "cairn.version=1.0.0-beta.4",
                    "cairn.cli=/opt/lab/node22/bin/node --no-node-snapshot --no-deprecation /opt/lab/cairncms-1.0.0-beta.4/cli.js",
                    "cairn.sources=cs-pgsql",
                    "cairn.targets=ct-sqlite",
                    "cairn.cs-pgsql.path=/opt/lab/cs-pgsql",
                    "cairn.cs-pgsql.owner=dflab",
                    "cairn.cs-pgsql.role=source",
                    "cairn.cs-pgsql.version=1.0.0-beta.4",
                    "cairn.cs-pgsql.db.client=pg",
                    "cairn.cs-pgsql.db.host=127.0.0.1",
                    "cairn.cs-pgsql.db.port=5432",
                    "cairn.cs-pgsql.db.database=cs_lab",
                    "cairn.cs-pgsql.db.user=cs_lab",
                    "cairn.cs-pgsql.db.password=db-secret",
                    "cairn.cs-pgsql.key=2f1d0f4e-0000-4000-8000-000000000001",
                    "cairn.cs-pgsql.secret=the-secret",
                    "cairn.cs-pgsql.port=18182",
                    "cairn.cs-pgsql.app.url=http://127.0.0.1:18182",
                    "cairn.cs-pgsql.admin.email=admin@example.com",
                    "cairn.cs-pgsql.admin.password=admin-pw",
                    "cairn.cs-pgsql.editor.email=editor@example.com",
                    "cairn.cs-pgsql.editor.password=editor-pw",
                    "cairn.cs-pgsql.start=/opt/lab/cs-pgsql/bin/start",
                    "cairn.cs-pgsql.stop=/opt/lab/cs-pgsql/bin/stop",
                    "cairn.cs-pgsql.pidfile=/opt/lab/cs-pgsql/run/cairncms.pid",
                    "cairn.cs-pgsql.log=/opt/lab/cs-pgsql/logs/cairncms.log",
                    "cairn.cs-pgsql.cli=/opt/lab/node22/bin/node --no-node-snapshot --no-deprecation /opt/lab/cairncms-1.0.0-beta.4/cli.js",
                    "cairn.cs-pgsql.cli.wrapper=/opt/lab/cs-pgsql/bin/cairncms",
                    "cairn.cs-pgsql.storage.locations=local,archive",
                    "cairn.cs-pgsql.storage.local.root=/opt/lab/cs-pgsql/uploads",
                    "cairn.cs-pgsql.storage.archive.root=/opt/lab/cs-pgsql/archive",
                    "cairn.cs-pgsql.content.files.missing.id=abc",
                    "cairn.ct-sqlite.path=/opt/lab/ct-sqlite",
                    "cairn.ct-sqlite.owner=dftarget",
                    "cairn.ct-sqlite.role=target",
                    "cairn.ct-sqlite.version=1.0.0-beta.4",
                    "cairn.ct-sqlite.db.client=sqlite3",
                    "cairn.ct-sqlite.db.filename=/opt/lab/ct-sqlite/data.db",
                    "cairn.ct-sqlite.key=k",
                    "cairn.ct-sqlite.secret=s",
                    "cairn.ct-sqlite.port=18193",
                    "cairn.ct-sqlite.app.url=http://127.0.0.1:18193",
                    "cairn.ct-sqlite.admin.email=admin@example.com",
                    "cairn.ct-sqlite.admin.password=pw",
                    "cairn.ct-sqlite.start=/opt/lab/ct-sqlite/bin/start",
                    "cairn.ct-sqlite.stop=/opt/lab/ct-sqlite/bin/stop",
                    "cairn.ct-sqlite.pidfile=/opt/lab/ct-sqlite/run/cairncms.pid",
                    "cairn.ct-sqlite.log=/opt/lab/ct-sqlite/logs/cairncms.log",
                    "cairn.ct-sqlite.cli=node cli.js",
                    "cairn.ct-sqlite.cli.wrapper=/opt/lab/ct-sqlite/bin/cairncms",
                    "cairn.ct-sqlite.storage.locations=local",
                    "cairn.ct-sqlite.storage.local.root=/opt/lab/ct-sqlite/uploads",
                    ""));

            Lab lab = Lab.load(dir);

            assertThat(lab.cairnSources()).containsExactly("cs-pgsql");
            assertThat(lab.cairnTargets()).containsExactly("ct-sqlite");
            assertThat(lab.cairnVersion()).isEqualTo("1.0.0-beta.4");
            Lab.CairnInstance pg = lab.cairn("cs-pgsql");
            assertThat(pg.isSource()).isTrue();
            assertThat(pg.vendor()).isEqualTo("postgres");
            assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/cs_lab");
            assertThat(pg.dbPort()).isEqualTo(5432);
            assertThat(pg.dbFilename()).isNull();
            assertThat(pg.port()).isEqualTo(18182);
            assertThat(pg.storageLocations()).containsExactly("local", "archive");
            assertThat(pg.storageRoot("archive")).isEqualTo(Path.of("/opt/lab/cs-pgsql/archive"));
            assertThatThrownBy(() -> pg.storageRoot("s3")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no storage location s3");
            assertThat(pg.cliCommand("schema snapshot -y s.yaml")).isEqualTo("cd /opt/lab/cs-pgsql && /opt/lab/node22/bin/node "
                    + "--no-node-snapshot --no-deprecation /opt/lab/cairncms-1.0.0-beta.4/cli.js schema snapshot -y s.yaml");
            assertThat(pg.toString()).doesNotContain("secret", "db-secret", "admin-pw", "editor-pw");
            assertThat(lab.cairnContent("cs-pgsql", "files.missing.id")).isEqualTo("abc");

            Lab.CairnInstance sqlite = lab.cairn("ct-sqlite");
            assertThat(sqlite.isSource()).isFalse();
            assertThat(sqlite.vendor()).isEqualTo("sqlite");
            assertThat(sqlite.jdbcUrl()).isEqualTo("jdbc:sqlite:/opt/lab/ct-sqlite/data.db");
            assertThat(sqlite.dbHost()).isNull();
            assertThat(sqlite.dbPort()).isNull();
            assertThat(sqlite.editorEmail()).isNull();

            // a lab built before the CairnCMS part: the property is named with the way to rebuild it
            assertThatThrownBy(() -> lab.cairn("cs-mariadb")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("'cairn.cs-mariadb.")
                    .hasMessageContaining("src/test/lab/lab.sh up");
            assertThatThrownBy(() -> lab.cairnContent("ct-sqlite", "files")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("'cairn.ct-sqlite.content.files'");
        }
    }
}
