package dev.migrationpanel.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import dev.migrationpanel.settings.PanelProperties;
import dev.migrationpanel.security.MasterKey;
import dev.migrationpanel.security.SecretCipher;

/** Property defaults and the derived artifact key. */
class ArtifactConfigTest {

    private static ArtifactProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("panel.artifacts",
                ArtifactProperties.class);
    }

    @Test
    void defaultsAndTheDirectoryUnderTheDataDirectory() {
        ArtifactProperties defaults = bind(Map.of());
        assertThat(defaults.keepPerInstance()).isEqualTo(10);
        assertThat(defaults.keepDays()).isEqualTo(30);
        assertThat(defaults.cleanupInterval()).isEqualTo(Duration.ofHours(1));
        assertThat(defaults.resolveDir(Path.of("/var/lib/panel"))).isEqualTo(Path.of("/var/lib/panel/artifacts"));

        ArtifactProperties set = bind(Map.of("panel.artifacts.dir", "/srv/backups/../artifacts",
                "panel.artifacts.keep-per-instance", "3", "panel.artifacts.keep-days", "7",
                "panel.artifacts.cleanup-interval", "15m"));
        assertThat(set.resolveDir(Path.of("/var/lib/panel"))).isEqualTo(Path.of("/srv/artifacts"));
        assertThat(set.keepPerInstance()).isEqualTo(3);
        assertThat(set.keepDays()).isEqualTo(7);
        assertThat(set.cleanupInterval()).isEqualTo(Duration.ofMinutes(15));

        assertThatThrownBy(() -> bind(Map.of("panel.artifacts.keep-per-instance", "0")))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessage("panel.artifacts.keep-per-instance must be at least 1");
    }

    @Test
    void theArtifactKeyIsDerivedStableAndNotTheMasterKey() {
        String master = "dGVzdC1vbmx5LW1hc3Rlci1rZXktMzItYnl0ZXMhISE=";
        SecretCipher one = new SecretCipher(MasterKey.configured(
                new PanelProperties(Path.of("/nonexistent"), master, null, null, null)));
        SecretCipher two = new SecretCipher(MasterKey.parse(master, "test"));
        byte[] key = one.deriveKey(ArtifactStore.KEY_PURPOSE).getEncoded();
        assertThat(key).hasSize(32);
        assertThat(two.deriveKey(ArtifactStore.KEY_PURPOSE).getEncoded()).isEqualTo(key);
        assertThat(one.deriveKey("something-else").getEncoded()).isNotEqualTo(key);
        assertThat(key).isNotEqualTo(java.util.Base64.getDecoder().decode(master));
    }
}
