package dev.migrationpanel.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import dev.migrationpanel.settings.PanelProperties;

/**
 * The AES-256 master key and where it came from. It is never printed: {@link #toString()} gives its source
 * and fingerprint only. The fingerprint, HMAC-SHA256 of a fixed label under the key, is what the database
 * records to know which key its secrets are under; it tells keys apart and reveals nothing of them. The
 * first {@value #KEY_ID_HEX} hex digits of it are the key id stamped on every encrypted value.
 */
public final class MasterKey {

    /** The key file's name in the data directory when {@code PANEL_MASTER_KEY} is not set. */
    public static final String KEY_FILE = "master.key";
    public static final String ENV = "PANEL_MASTER_KEY";
    static final int KEY_ID_HEX = 16;
    private static final String FINGERPRINT_LABEL = "migration-panel/master-key-fingerprint/v1";

    private final byte[] key;
    private final String source;
    private final Path file;
    private final String fingerprint;

    private MasterKey(byte[] key, String source, Path file) {
        this.key = key.clone();
        this.source = source;
        this.file = file;
        this.fingerprint = HexFormat.of().formatHex(hmac(key, FINGERPRINT_LABEL));
    }

    /** A key from text (base64 or 64 hex digits); {@code source} names it in messages. */
    public static MasterKey parse(String text, String source) {
        return new MasterKey(parseKey(text == null ? "" : text.trim(), source), source, null);
    }

    /** A key read from a file (base64 or hex, surrounding white space ignored). */
    public static MasterKey readFile(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        String source = "the key file " + absolute;
        try {
            String text = Files.readString(absolute, StandardCharsets.US_ASCII).trim();
            return new MasterKey(parseKey(text, source), source, absolute);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + source + " (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /**
     * The key the panel is configured with: {@code panel.master-key} ({@code PANEL_MASTER_KEY}) when set, else
     * the key file in the data directory when it exists, else null. Never creates one: whether a new key may be
     * made is for {@link MasterKeyGuard} to decide, knowing what the database holds.
     */
    public static MasterKey configured(PanelProperties properties) {
        String value = properties.masterKey();
        if (value != null && !value.isBlank()) {
            return parse(value, ENV + " (panel.master-key)");
        }
        Path file = keyFile(properties);
        return Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? readFile(file) : null;
    }

    /** Whether the key is configured by {@code PANEL_MASTER_KEY} rather than a key file. */
    public static boolean fromEnvironment(PanelProperties properties) {
        return properties.masterKey() != null && !properties.masterKey().isBlank();
    }

    public static Path keyFile(PanelProperties properties) {
        return properties.dataDir().resolve(KEY_FILE).toAbsolutePath().normalize();
    }

    /** 32 random bytes, written as base64 on one line: the content of a new key file. */
    static String newKeyText() {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        return Base64.getEncoder().encodeToString(fresh) + "\n";
    }

    /** Where it came from, for messages: "PANEL_MASTER_KEY (panel.master-key)" or "the key file /path". */
    public String source() {
        return source;
    }

    /** The key file it was read from, or null when it came from the environment. */
    public Path file() {
        return file;
    }

    /** HMAC-SHA256 (hex, 64 digits) of a fixed label under the key. */
    public String fingerprint() {
        return fingerprint;
    }

    /** The short id stamped on encrypted values: the fingerprint's first 16 hex digits. */
    public String keyId() {
        return keyIdOf(fingerprint);
    }

    static String keyIdOf(String fingerprint) {
        return fingerprint == null ? null : fingerprint.substring(0, Math.min(KEY_ID_HEX, fingerprint.length()));
    }

    public boolean sameKeyAs(MasterKey other) {
        return other != null && MessageDigest.isEqual(key, other.key);
    }

    /** An AES key for the ciphers of this package; never handed out of it. */
    SecretKeySpec aesKey() {
        return new SecretKeySpec(key, "AES");
    }

    /**
     * A separate AES-256 key for one purpose, derived with HKDF-Expand (RFC 5869, HMAC-SHA256, one block; the
     * master key is uniformly random so it serves as the pseudo-random key).
     */
    SecretKey derive(String purpose) {
        if (purpose == null || purpose.isBlank()) {
            throw new IllegalArgumentException("A derived key needs a purpose");
        }
        byte[] info = ("migration-panel/" + purpose).getBytes(StandardCharsets.UTF_8);
        byte[] block = new byte[info.length + 1];
        System.arraycopy(info, 0, block, 0, info.length);
        block[info.length] = 1;
        return new SecretKeySpec(hmac(key, block), "AES");
    }

    private static byte[] hmac(byte[] key, String label) {
        return hmac(key, label.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this Java runtime", e);
        }
    }

    static byte[] parseKey(String text, String source) {
        byte[] bytes = null;
        if (text.matches("[0-9a-fA-F]{64}")) {
            bytes = HexFormat.of().parseHex(text);
        } else {
            try {
                bytes = Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException notBase64) {
                // reported below
            }
        }
        if (bytes == null || bytes.length != 32) {
            throw new IllegalStateException("The master key from " + source
                    + " must be 32 bytes written as base64 or 64 hex digits (make one with: openssl rand -base64 32)");
        }
        return bytes;
    }

    /** Never the key: its source and fingerprint. */
    @Override
    public String toString() {
        return "MasterKey[" + source + ", fingerprint " + keyId() + "…]";
    }
}
