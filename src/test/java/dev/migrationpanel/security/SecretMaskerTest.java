package dev.migrationpanel.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

class SecretMaskerTest {

    @Test
    void masksTheValueAndItsEncodedForms() {
        String secret = "p@ss w/rd+1";
        SecretMasker masker = new SecretMasker(List.of(secret));
        String b64 = Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
        String url = URLEncoder.encode(secret, StandardCharsets.UTF_8);
        String masked = masker.mask("plain=" + secret + " b64=" + b64 + " url=" + url);
        assertThat(masked).isEqualTo("plain=**** b64=**** url=****");
    }

    @Test
    void masksALongerSecretWholeBeforeAShorterOneInsideIt() {
        SecretMasker masker = new SecretMasker(Arrays.asList("abcd", "xxabcdxx", null));
        assertThat(masker.mask("[xxabcdxx] [abcd]")).isEqualTo("[****] [****]");
    }

    @Test
    void ignoresValuesTooShortToBeSecrets() {
        assertThat(new SecretMasker(List.of("ab", "")).mask("ab cd")).isEqualTo("ab cd");
    }

    @Test
    void masksEachLineOfAPrivateKey() {
        String key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----";
        String masked = new SecretMasker(List.of(key)).mask("debug: b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ seen");
        assertThat(masked).isEqualTo("debug: **** seen");
    }
}
