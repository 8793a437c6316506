package dev.migrationpanel.fief;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.GeneralSecurityException;

import org.junit.jupiter.api.Test;

/** Fernet as Fief uses it, against a token made by Python's cryptography (the lab's generator) and negative controls. */
class FernetTest {

    // made with: Fernet(KEY).encrypt(b"GOCSPX-secret") in Debian's python3-cryptography
    static final String KEY = "cw_0x689RpI-jtRR7oE8h7Eny2i7dEA5KzmEPRF6H4Q=";

    @Test
    void decryptsWhatItEncryptsAndRefusesAnotherKeyOrAnAlteredToken() throws Exception {
        Fernet fernet = new Fernet(KEY);
        String token = fernet.encrypt("GOCSPX-secret");
        assertThat(Fernet.looksLikeToken(token)).isTrue();
        assertThat(fernet.decrypt(token)).isEqualTo("GOCSPX-secret");
        assertThatThrownBy(() -> new Fernet(Fernet.newKey()).decrypt(token)).isInstanceOf(GeneralSecurityException.class);
        char[] chars = token.toCharArray();
        chars[40] = chars[40] == 'A' ? 'B' : 'A';
        assertThatThrownBy(() -> fernet.decrypt(new String(chars))).isInstanceOf(GeneralSecurityException.class);
        assertThat(Fernet.isValidKey("short")).isFalse();
        assertThat(Fernet.isValidKey(KEY)).isTrue();
    }

    @Test
    void readsATokenMadeByPythonsCryptography() throws Exception {
        String python = System.getProperty("fernet.python", "/usr/bin/python3");
        Process p = new ProcessBuilder(python, "-c", "from cryptography.fernet import Fernet; print(Fernet(b'" + KEY
                + "').encrypt(b'made by python').decode())").redirectErrorStream(true).start();
        String token = new String(p.getInputStream().readAllBytes()).trim();
        assertThat(p.waitFor()).as(token + " (Debian's python3-cryptography, installed by lab.sh fief-up)").isZero();
        assertThat(new Fernet(KEY).decrypt(token)).isEqualTo("made by python");
    }
}
