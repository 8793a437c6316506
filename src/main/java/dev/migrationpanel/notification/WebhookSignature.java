package dev.migrationpanel.notification;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature a webhook receiver checks: {@code sha256=} and the hex HMAC-SHA256, keyed with the channel's
 * signing secret, of the timestamp header, a dot and the body as sent. The timestamp is inside what is signed so a
 * captured request cannot be replayed later under a fresh one.
 */
final class WebhookSignature {

    static final String SIGNATURE_HEADER = "X-Panel-Signature-256";
    static final String TIMESTAMP_HEADER = "X-Panel-Timestamp";

    private WebhookSignature() {
    }

    static String sign(String secret, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
