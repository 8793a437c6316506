package dev.migrationpanel.remote;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostKeyTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(TestSshServer.KeyType.class)
    void fingerprintAndTypeMatchSshKeygen(TestSshServer.KeyType type) throws Exception {
        TestKeys.ClientKey key = TestKeys.generate(dir, type, "", false);
        Path pub = dir.resolve("key-" + type + ".pub");
        java.nio.file.Files.writeString(pub, key.publicKeyLine() + "\n");

        HostKey hostKey = HostKey.fromOpenSshLine(key.publicKeyLine());

        assertThat(hostKey.type()).isEqualTo(type.sshName());
        assertThat(hostKey.fingerprint()).isEqualTo(TestKeys.keygenFingerprint(pub));
        assertThat(hostKey.fingerprint()).startsWith("SHA256:").doesNotEndWith("=");
        assertThat(hostKey.base64Key()).isEqualTo(key.publicKeyLine().split(" ")[1]);
        assertThat(HostKey.fromBlob(hostKey.blob())).isEqualTo(hostKey);
        assertThat(hostKey.describe()).isEqualTo(type.sshName() + " " + hostKey.fingerprint());
    }

    @Test
    void comparesKeysByBlob() {
        HostKey a = TestSshServer.hostKeyOf(TestSshServer.generateKeyPair(TestSshServer.KeyType.ED25519).getPublic());
        HostKey b = TestSshServer.hostKeyOf(TestSshServer.generateKeyPair(TestSshServer.KeyType.ED25519).getPublic());
        assertThat(a.sameKeyAs(HostKey.fromBase64(a.base64Key()))).isTrue();
        assertThat(a.sameKeyAs(b)).isFalse();
        assertThat(a.sameKeyAs(null)).isFalse();
        assertThat(a.fingerprint()).isNotEqualTo(b.fingerprint());
    }

    @Test
    void rejectsGarbage() {
        assertThatThrownBy(() -> HostKey.fromBase64("not base64 !!")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostKey.fromBlob(new byte[] {0, 0})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostKey.fromBlob(new byte[] {0, 0, 0, 100, 'a'})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostKey.fromOpenSshLine("ssh-rsa")).isInstanceOf(IllegalArgumentException.class);
    }
}
