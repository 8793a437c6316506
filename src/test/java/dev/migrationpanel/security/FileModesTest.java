package dev.migrationpanel.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Owner-only modes whatever the umask: 0700 for the data and artifact directories, 0600 for the database files,
 * the master key file and the artifacts; made so at creation and narrowed at start when something else made them
 * wider (an older panel, a restore, a copy).
 */
class FileModesTest {

    @TempDir
    Path tmp;

    static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void underAPermissiveUmaskThePanelsFirstStartMakesEverythingOwnerOnly() throws Exception {
        Path dataDir = tmp.resolve("data");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // a JVM of its own: the umask is per process and Java cannot change its own
        Process probe = new ProcessBuilder("sh", "-c", "umask 000 && exec \"$0\" -cp \"$1\" "
                + UmaskProbe.class.getName() + " \"$2\"", java, System.getProperty("java.class.path"), dataDir.toString())
                .redirectErrorStream(true).start();
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(probe.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(probe.exitValue()).as(out).isZero();

        assertThat(mode(tmp.resolve("control-data"))).as("control: the umask was 000").isEqualTo("rw-rw-rw-");
        TreeMap<String, String> modes = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dataDir)) {
            for (Path p : all.toList()) {
                modes.put(dataDir.relativize(p).toString(), mode(p));
            }
        }
        assertThat(modes).containsEntry("", "rwx------").containsEntry("master.key", "rw-------")
                .containsEntry("panel.mv.db", "rw-------").containsEntry("artifacts", "rwx------");
        List<String> artifactFiles = modes.keySet().stream().filter(k -> k.endsWith(".zst.enc") || k.endsWith(".gz.enc"))
                .toList();
        assertThat(artifactFiles).hasSize(1);
        modes.forEach((path, mode) -> assertThat(mode).as(path).isIn("rwx------", "rw-------"));
    }

    @Test
    void whatAPermissiveUmaskLeftBehindIsNarrowedAtStart() throws Exception {
        Path dataDir = Files.createDirectories(tmp.resolve("data"));
        Path artifacts = Files.createDirectories(dataDir.resolve("artifacts/2026/11"));
        Path dump = Files.writeString(artifacts.resolve("x.zst.enc"), "x");
        Path db = Files.writeString(dataDir.resolve("panel.mv.db"), "db");
        Path key = Files.writeString(dataDir.resolve("master.key"), "k");
        Path elsewhere = Files.createDirectories(tmp.resolve("db-elsewhere"));
        Path otherDb = Files.writeString(elsewhere.resolve("panel.mv.db"), "db");
        Path notOurs = Files.writeString(elsewhere.resolve("unrelated.txt"), "x");
        for (Path p : List.of(dataDir, dataDir.resolve("artifacts"), dataDir.resolve("artifacts/2026"), artifacts,
                elsewhere)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        for (Path p : List.of(dump, db, key, otherDb, notOurs)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-rw-rw-"));
        }

        new DataDirectoryModes(dataDir, "jdbc:h2:file:" + elsewhere.resolve("panel") + ";MODE=PostgreSQL").secure();
        assertThat(mode(dataDir)).isEqualTo("rwx------");
        assertThat(mode(db)).isEqualTo("rw-------");
        assertThat(mode(key)).isEqualTo("rw-------");
        assertThat(mode(otherDb)).as("an H2 file configured elsewhere").isEqualTo("rw-------");
        assertThat(mode(notOurs)).as("not the panel's").isEqualTo("rw-rw-rw-");
        assertThat(mode(elsewhere)).as("not the panel's directory").isEqualTo("rwxrwxrwx");

        // the artifact store narrows its own tree, recursively
        assertThat(FileModes.narrow(dataDir.resolve("artifacts"), true)).isEqualTo(4);
        assertThat(mode(artifacts)).isEqualTo("rwx------");
        assertThat(mode(dataDir.resolve("artifacts/2026"))).isEqualTo("rwx------");
        assertThat(mode(dump)).isEqualTo("rw-------");
        assertThat(FileModes.narrow(dataDir.resolve("artifacts"), true)).as("nothing left to change").isZero();
    }

    @Test
    void privateDirectoriesAreMadeOwnerOnlyBelowTheirRootAndTheRootToo() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("store"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        FileModes.createPrivateDirectories(root, root.resolve("2026/12"));
        assertThat(mode(root)).isEqualTo("rwx------");
        assertThat(mode(root.resolve("2026"))).isEqualTo("rwx------");
        assertThat(mode(root.resolve("2026/12"))).isEqualTo("rwx------");
    }

    @Test
    void theH2UrlsFileIsFoundOnlyForEmbeddedFiles() {
        assertThat(DataDirectoryModes.h2Base("jdbc:h2:file:/var/lib/panel/panel;AUTO_SERVER=TRUE"))
                .isEqualTo(Path.of("/var/lib/panel/panel"));
        assertThat(DataDirectoryModes.h2Base("jdbc:h2:/srv/db/x")).isEqualTo(Path.of("/srv/db/x"));
        assertThat(DataDirectoryModes.h2Base("jdbc:h2:mem:panel;DB_CLOSE_DELAY=-1")).isNull();
        assertThat(DataDirectoryModes.h2Base("jdbc:h2:tcp://db/panel")).isNull();
        assertThat(DataDirectoryModes.h2Base("jdbc:postgresql://127.0.0.1/panel")).isNull();
    }
}
