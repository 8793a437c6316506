package dev.migrationpanel.fief;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Fernet, as Fief encrypts its secret columns ({@code StringEncryptedType} with its {@code FernetEngine}, which uses
 * {@code ENCRYPTION_KEY} as given, unlike SQLAlchemy-Utils' engine that hashes it first): the key is 32 bytes in URL-safe
 * base64, its first half signs (HMAC-SHA256), its second half encrypts (AES-128-CBC, PKCS#7); a token is URL-safe base64
 * of {@code 0x80 | timestamp (8 bytes) | IV (16) | ciphertext | HMAC (32)}, the HMAC over everything before it.
 * Implemented in the panel to prove values decrypt under the configured key; no value is ever logged.
 */
final class Fernet {

    private static final byte VERSION = (byte) 0x80;
    private static final int HEADER = 1 + 8 + 16;
    private static final int MAC = 32;

    private final byte[] signingKey;
    private final byte[] encryptionKey;

    /** @throws IllegalArgumentException when the key is not 32 bytes of URL-safe base64 (Fief refuses it too) */
    Fernet(String key) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(key == null ? "" : key.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not URL-safe base64");
        }
        if (raw.length != 32) {
            throw new IllegalArgumentException("a Fernet key is 32 bytes, this one " + raw.length);
        }
        signingKey = Arrays.copyOfRange(raw, 0, 16);
        encryptionKey = Arrays.copyOfRange(raw, 16, 32);
    }

    static boolean isValidKey(String key) {
        try {
            new Fernet(key);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether a stored value has a Fernet token's shape (so a plain value is told from one that fails to decrypt). */
    static boolean looksLikeToken(String value) {
        return value != null && value.startsWith("gAAAAA") && value.matches("[A-Za-z0-9_=-]+");
    }

    /** @throws GeneralSecurityException when the token is malformed or its HMAC does not verify under this key */
    String decrypt(String token) throws GeneralSecurityException {
        byte[] data;
        try {
            data = Base64.getUrlDecoder().decode(token.trim());
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("not URL-safe base64");
        }
        if (data.length < HEADER + 16 + MAC || data[0] != VERSION || (data.length - HEADER - MAC) % 16 != 0) {
            throw new GeneralSecurityException("not a Fernet token");
        }
        byte[] signed = Arrays.copyOfRange(data, 0, data.length - MAC);
        byte[] mac = Arrays.copyOfRange(data, data.length - MAC, data.length);
        if (!MessageDigest.isEqual(hmac(signed), mac)) {
            throw new GeneralSecurityException("HMAC does not verify under this key");
        }
        Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
        aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(encryptionKey, "AES"), new IvParameterSpec(data, 9, 16));
        return new String(aes.doFinal(data, HEADER, data.length - HEADER - MAC), StandardCharsets.UTF_8);
    }

    /** A token for this key (tests make values under another key with it). */
    String encrypt(String plain) throws GeneralSecurityException {
        byte[] iv = new byte[16];
        new SecureRandom().nextBytes(iv);
        Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(encryptionKey, "AES"), new IvParameterSpec(iv));
        byte[] cipher = aes.doFinal(plain.getBytes(StandardCharsets.UTF_8));
        ByteBuffer token = ByteBuffer.allocate(HEADER + cipher.length + MAC);
        token.put(VERSION).putLong(System.currentTimeMillis() / 1000).put(iv).put(cipher);
        token.put(hmac(Arrays.copyOf(token.array(), HEADER + cipher.length)));
        return Base64.getUrlEncoder().encodeToString(token.array());
    }

    static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getUrlEncoder().encodeToString(key);
    }

    private byte[] hmac(byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
        return mac.doFinal(data);
    }
}
