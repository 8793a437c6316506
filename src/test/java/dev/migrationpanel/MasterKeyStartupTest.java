package dev.migrationpanel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.migrationpanel.security.MasterKeyRotationCommand;
import dev.migrationpanel.artifact.Artifact;
import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactSpec;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.instance.InstanceRepository;
import dev.migrationpanel.security.MasterKeyException;

/**
 * The whole panel on a database file with secrets in it, started again and again as an admin would: with the
 * key file gone, with another key, with the right one; then the rotation command, and the panel reading every
 * secret and encrypted artifact under the new key. Before this, a missing key file made the panel start with a
 * new key and fail on every instance page afterwards.
 */
@ExtendWith(OutputCaptureExtension.class)
class MasterKeyStartupTest {

    @TempDir
    Path dataDir;

    String[] args(String... more) {
        List<String> all = new ArrayList<>(List.of(
                "--panel.data-dir=" + dataDir,
                "--spring.datasource.url=jdbc:h2:file:" + dataDir.resolve("panel"),
                "--panel.master-key=", // the tests' fixed key off: the key file decides
                "--server.port=0",
                "--spring.main.banner-mode=off"));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    ConfigurableApplicationContext start(String... more) {
        return SpringApplication.run(MigrationPanelApplication.class, args(more));
    }

    /** The start's failure: the master key's refusal, wherever Spring wrapped it. */
    MasterKeyException refusedStart() {
        try (ConfigurableApplicationContext unexpected = start()) {
            throw new AssertionError("the panel started");
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof MasterKeyException refused) {
                    return refused;
                }
            }
            throw e;
        }
    }

    static Instance instance(String name) {
        return TestInstances.entity(name);
    }

    @Test
    void theKeyMustFitTheDataAndARotationMovesEverythingToTheNewKey(CapturedOutput output) throws Exception {
        Path keyFile = dataDir.resolve("master.key");
        byte[] dump = "create table t (secret varchar);\n".repeat(3000).getBytes(StandardCharsets.UTF_8);
        long instanceId;
        String artifactId;
        try (ConfigurableApplicationContext panel = start()) {
            instanceId = panel.getBean(InstanceRepository.class).saveAndFlush(instance("keyed")).getId();
            Artifact artifact = panel.getBean(ArtifactStore.class).write(new ArtifactSpec(1L, instanceId, 1,
                    "db.sql", ArtifactKind.DB_DUMP, "application/sql", true), out -> out.write(dump));
            artifactId = artifact.getId();
        }
        String originalKey = Files.readString(keyFile);

        // the key file is gone: no start, no new key
        Files.move(keyFile, dataDir.resolve("elsewhere.key"));
        MasterKeyException missing = refusedStart();
        assertThat(missing.getMessage()).contains("no master key was found", keyFile.toString(), "PANEL_MASTER_KEY",
                "Restore the key file", "does not make a new key");
        assertThat(keyFile).doesNotExist();

        // another key in its place: no start
        Files.writeString(keyFile, "ZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmY=\n");
        MasterKeyException other = refusedStart();
        assertThat(other.getMessage()).contains("The master key from the key file " + keyFile, "is not the key",
                "Restore the original key file");
        assertThat(output.getAll()).contains("APPLICATION FAILED TO START").contains("Restore the original key file");

        // the right key back: the panel reads its secrets
        Files.writeString(keyFile, originalKey);
        try (ConfigurableApplicationContext panel = start()) {
            assertThat(panel.getBean(InstanceRepository.class).findById(instanceId).orElseThrow().getSshPassword())
                    .isEqualTo("ssh-secret-keyed");
        }

        // rotation, the panel stopped
        Path newKey = dataDir.resolve("new.key");
        Files.writeString(newKey, "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n");
        assertThat(MasterKeyRotationCommand.run(args("--panel.rotate-master-key=" + newKey))).isZero();
        assertThat(output.getAll()).contains("Master key rotated from key id").contains("The new key is in " + keyFile);
        assertThat(Files.readString(keyFile).trim()).isEqualTo(Files.readString(newKey).trim());

        try (ConfigurableApplicationContext panel = start()) {
            Instance read = panel.getBean(InstanceRepository.class).findById(instanceId).orElseThrow();
            assertThat(read.getSshPassword()).isEqualTo("ssh-secret-keyed");
            assertThat(read.getDbPassword()).isEqualTo("db-secret-keyed");
            try (InputStream in = panel.getBean(ArtifactStore.class).open(artifactId)) {
                assertThat(in.readAllBytes()).isEqualTo(dump);
            }
            JdbcTemplate jdbc = panel.getBean(JdbcTemplate.class);
            assertThat(jdbc.queryForList("select action from audit_event where target_type = 'master_key' order by id",
                    String.class)).containsSubsequence("master_key.recorded", "master_key.rotation_started",
                    "master_key.installed", "master_key.rotated");
        }

        // the key from before the rotation no longer starts it, and says why
        Files.writeString(keyFile, originalKey);
        assertThat(refusedStart().getMessage()).contains("the key from before the rotation");

        for (String key : List.of(originalKey.trim(), Files.readString(newKey).trim())) {
            assertThat(output.getAll()).as("no key in the log").doesNotContain(key);
        }
    }
}
