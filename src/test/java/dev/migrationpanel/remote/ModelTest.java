package dev.migrationpanel.remote;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelTest {

    @Test
    void authToStringHidesSecrets() {
        SshAuth pw = new SshAuth.Password("hunter2-secret");
        SshAuth key = new SshAuth.PrivateKey("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAsecretbody\n-----END OPENSSH PRIVATE KEY-----\n",
                "my-passphrase");
        assertThat(pw.toString()).doesNotContain("hunter2").contains("****");
        assertThat(key.toString()).doesNotContain("secretbody").doesNotContain("my-passphrase")
                .doesNotContain("BEGIN").contains("****");
    }

    @Test
    void targetToStringHidesSecretsButNamesTheHost() {
        HostKey pin = TestSshServer.hostKeyOf(TestSshServer.generateKeyPair(TestSshServer.KeyType.ED25519).getPublic());
        SshTarget target = new SshTarget("db1.example.com", 2222, "deploy", new SshAuth.Password("hunter2-secret"), pin);
        assertThat(target.toString())
                .contains("deploy@db1.example.com:2222")
                .contains(pin.fingerprint())
                .doesNotContain("hunter2");
        assertThat(target.withPinned(null).toString()).contains("pinned=none");
    }

    @Test
    void targetValidates() {
        SshAuth auth = new SshAuth.Password("x");
        assertThatThrownBy(() -> new SshTarget(" ", 22, "u", auth, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SshTarget("h", 0, "u", auth, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SshTarget("h", 65536, "u", auth, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SshTarget("h", 22, "", auth, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SshTarget("h", 22, "u", null, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void hostKeyExceptionsRequireThePresentedKey() {
        assertThatThrownBy(() -> new RemoteException(RemoteException.Kind.HOST_KEY_UNKNOWN, "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new RemoteException(RemoteException.Kind.AUTH_FAILED, "x").presentedHostKey()).isNull();
    }

    @Test
    void commandResultOk() {
        assertThat(new CommandResult(0, "", "").ok()).isTrue();
        assertThat(new CommandResult(1, "", "").ok()).isFalse();
    }

    @Test
    void hostKeyPreferencePutsThePinnedAlgorithmsFirst() {
        assertThat(SshConnector.hostKeyPreference("ssh-rsa", "ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256"))
                .isEqualTo("rsa-sha2-512,rsa-sha2-256,ssh-rsa,ssh-ed25519,ecdsa-sha2-nistp256");
        assertThat(SshConnector.hostKeyPreference("ecdsa-sha2-nistp256", "ssh-ed25519,ecdsa-sha2-nistp256"))
                .isEqualTo("ecdsa-sha2-nistp256,ssh-ed25519");
        assertThat(SshConnector.seconds(java.time.Duration.ofSeconds(10))).isEqualTo("10 s");
        assertThat(SshConnector.seconds(java.time.Duration.ofMillis(1500))).isEqualTo("1.5 s");
    }
}
