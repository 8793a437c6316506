package dev.migrationpanel.remote;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * An SSH server's public host key.
 *
 * @param type        the key type from the blob, e.g. {@code ssh-ed25519}, {@code ecdsa-sha2-nistp256}, {@code ssh-rsa}
 * @param fingerprint {@code SHA256:} + unpadded base64 of the SHA-256 of the blob, as {@code ssh-keygen -l -E sha256} prints it
 * @param base64Key   the key blob in base64, as in a {@code known_hosts} or {@code .pub} line
 */
public record HostKey(String type, String fingerprint, String base64Key) {

    public HostKey {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(base64Key, "base64Key");
    }

    /** Builds a host key from the raw SSH public key blob (type, fingerprint and base64 are derived). */
    public static HostKey fromBlob(byte[] blob) {
        Objects.requireNonNull(blob, "blob");
        return new HostKey(typeOf(blob), fingerprintOf(blob), Base64.getEncoder().encodeToString(blob));
    }

    /** Builds a host key from the base64 key blob (the second field of a {@code .pub} line). */
    public static HostKey fromBase64(String base64Key) {
        Objects.requireNonNull(base64Key, "base64Key");
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(base64Key.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Not a base64 SSH public key");
        }
        return fromBlob(blob);
    }

    /** Parses an OpenSSH public key line: {@code type base64 [comment]}. */
    public static HostKey fromOpenSshLine(String line) {
        Objects.requireNonNull(line, "line");
        String[] parts = line.strip().split("\\s+");
        if (parts.length < 2) {
            throw new IllegalArgumentException("Not an OpenSSH public key line");
        }
        HostKey key = fromBase64(parts[1]);
        if (!key.type().equals(parts[0])) {
            throw new IllegalArgumentException("Key type " + parts[0] + " does not match the key blob (" + key.type() + ")");
        }
        return key;
    }

    /** The decoded key blob. */
    public byte[] blob() {
        return Base64.getDecoder().decode(base64Key);
    }

    /** True when both describe the very same key (compares the blobs, not the strings). */
    public boolean sameKeyAs(HostKey other) {
        return other != null && Arrays.equals(blob(), other.blob());
    }

    /** {@code type fingerprint}, e.g. {@code ssh-ed25519 SHA256:...}: what an admin compares. */
    public String describe() {
        return type + " " + fingerprint;
    }

    /** The key as an OpenSSH public key line ({@code type base64}). */
    public String toOpenSshLine() {
        return type + " " + base64Key;
    }

    static String fingerprintOf(byte[] blob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** The first SSH string of the blob is the key type. */
    static String typeOf(byte[] blob) {
        if (blob.length < 4) {
            throw new IllegalArgumentException("SSH public key blob is too short");
        }
        long len = ((blob[0] & 0xffL) << 24) | ((blob[1] & 0xffL) << 16) | ((blob[2] & 0xffL) << 8) | (blob[3] & 0xffL);
        if (len <= 0 || len > 64 || 4 + len > blob.length) {
            throw new IllegalArgumentException("SSH public key blob has no valid key type");
        }
        String type = new String(blob, 4, (int) len, StandardCharsets.US_ASCII);
        for (int i = 0; i < type.length(); i++) {
            char c = type.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new IllegalArgumentException("SSH public key blob has no valid key type");
            }
        }
        return type;
    }
}
