package dev.migrationpanel.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.migrationpanel.PanelProperties;

/**
 * Encrypts the secrets the panel stores (SSH passwords and keys, DB passwords, captured {@code .env}
 * content) with AES-256-GCM. Stored form: {@code gcm1:} + base64(12-byte IV || ciphertext || tag).
 */
@Component
public class SecretCipher {

    private static final Logger log = LoggerFactory.getLogger(SecretCipher.class);
    private static final String PREFIX = "gcm1:";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    static final String KEY_FILE = "master.key";

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    public SecretCipher(PanelProperties properties) {
        this.key = new SecretKeySpec(loadKey(properties), "AES");
    }

    /** Null in, null out: an absent secret stays absent. */
    public String encrypt(String plain) {
        if (plain == null) {
            return null;
        }
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[iv.length + sealed.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(sealed, 0, out, iv.length, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Encrypting a secret failed", e);
        }
    }

    public String decrypt(String stored) {
        if (stored == null) {
            return null;
        }
        if (!stored.startsWith(PREFIX)) {
            throw new IllegalStateException("A stored secret is not in the panel's encrypted format");
        }
        try {
            byte[] in = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
            return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // No cause attached: it carries nothing an admin can act on, and nothing of the secret.
            throw new IllegalStateException(
                    "A stored secret cannot be decrypted: the master key differs from the one it was encrypted with");
        }
    }

    /**
     * A separate AES-256 key for one purpose (e.g. {@code "artifacts"}), derived from the master key with
     * HKDF-Expand (RFC 5869, HMAC-SHA256, one block; the master key is already uniformly random so it serves
     * as the pseudo-random key). The same master key and purpose always give the same key; different
     * purposes give independent keys, so no other part of the panel ever holds the master key itself.
     */
    public SecretKey deriveKey(String purpose) {
        if (purpose == null || purpose.isBlank()) {
            throw new IllegalArgumentException("A derived key needs a purpose");
        }
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            hmac.update(("migration-panel/" + purpose).getBytes(StandardCharsets.UTF_8));
            hmac.update((byte) 1);
            return new SecretKeySpec(hmac.doFinal(), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Deriving a key failed", e);
        }
    }

    private static byte[] loadKey(PanelProperties properties) {
        String configured = properties.masterKey();
        if (configured != null && !configured.isBlank()) {
            return parseKey(configured.trim(), "PANEL_MASTER_KEY");
        }
        Path file = properties.dataDir().resolve(KEY_FILE);
        try {
            Files.createDirectories(properties.dataDir());
            if (!Files.exists(file)) {
                createKeyFile(file);
            }
            warnIfReadableByOthers(file);
            return parseKey(Files.readString(file, StandardCharsets.US_ASCII).trim(), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the master key file " + file, e);
        }
    }

    private static void createKeyFile(Path file) throws IOException {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
        try {
            // created with 0600 from the first byte: never briefly readable by others
            Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
        } catch (FileAlreadyExistsException raced) {
            return;
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, Base64.getEncoder().encodeToString(fresh) + "\n", StandardCharsets.US_ASCII);
        log.warn("Created a new master key file {} (mode 0600). Back it up with the data directory: "
                + "without it the stored secrets cannot be read.", file.toAbsolutePath());
    }

    private static void warnIfReadableByOthers(Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
                log.warn("The master key file {} is readable by other users; chmod 600 it", file.toAbsolutePath());
            }
        } catch (IOException | UnsupportedOperationException ignored) {
            // not a POSIX file system: nothing to check
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
}
