package dev.migrationpanel.dreamfactory;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import tools.jackson.databind.json.JsonMapper;

/**
 * Laravel's encrypter, as DreamFactory stores encrypted values with its {@code APP_KEY}: the payload a base64 JSON
 * object {@code {iv, value, mac, tag}}. The cipher is {@code APP_CIPHER}: AES-256-CBC by default, AES-128-CBC with a
 * 16-byte key (older installs), {@code mac} then HMAC-SHA256 (hex) over the base64 iv and value; or AES-128/256-GCM,
 * whose payloads carry the GCM {@code tag} and an empty {@code mac}. A payload says which by its tag, the key by its
 * length which AES. The migration proof decrypts values the source encrypted with the target's key. An encrypter is
 * not thread-safe.
 */
public final class LaravelEncrypter {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern SERIALIZED_STRING = Pattern.compile("^s:(\\d+):\"(.*)\";$", Pattern.DOTALL);

    private final byte[] key;
    /** Made once per encrypter: a proof verifies a million MACs with one (so an encrypter is not thread-safe). */
    private Mac mac;
    private Cipher decryptCipher;
    private Cipher gcmCipher;

    /** @param appKey the {@code APP_KEY} value: {@code base64:…} or the raw characters; 32 bytes (AES-256) or 16 (AES-128) */
    public LaravelEncrypter(String appKey) {
        byte[] bytes = appKey.startsWith("base64:")
                ? Base64.getDecoder().decode(appKey.substring("base64:".length()))
                : appKey.getBytes(StandardCharsets.UTF_8);
        if (bytes.length != 32 && bytes.length != 16) {
            throw new IllegalArgumentException("APP_KEY must be 32 bytes (AES-256) or 16 (AES-128); it is " + bytes.length);
        }
        this.key = bytes;
    }

    /** The plaintext of a payload, exactly as Laravel encrypted it (a PHP-serialized value unless encryptString). */
    public String decrypt(String payload) {
        Map<?, ?> fields;
        try {
            fields = JSON.readValue(Base64.getDecoder().decode(payload.trim()), Map.class);
        } catch (RuntimeException e) {
            throw new DecryptException("The payload is not a Laravel-encrypted value");
        }
        Object iv = fields.get("iv");
        Object value = fields.get("value");
        Object mac = fields.get("mac");
        Object tag = fields.get("tag");
        if (!(iv instanceof String ivText) || !(value instanceof String valueText)) {
            throw new DecryptException("The payload lacks its iv or value");
        }
        if (tag instanceof String tagText && !tagText.isEmpty()) {
            return decryptGcm(ivText, valueText, tagText);
        }
        if (!(mac instanceof String macText)) {
            throw new DecryptException("The payload lacks its mac");
        }
        byte[] expected = hmac(ivText + valueText);
        byte[] given;
        try {
            given = HexFormat.of().parseHex(macText);
        } catch (IllegalArgumentException e) {
            throw new DecryptException("The MAC is invalid");
        }
        if (!MessageDigest.isEqual(expected, given)) {
            throw new DecryptException("The MAC is invalid: the value was encrypted with another APP_KEY, or changed");
        }
        try {
            if (decryptCipher == null) {
                decryptCipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
            }
            decryptCipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
                    new IvParameterSpec(Base64.getDecoder().decode(ivText)));
            return new String(decryptCipher.doFinal(Base64.getDecoder().decode(valueText)), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new DecryptException("The value could not be decrypted");
        }
    }

    /** An AES-GCM payload (APP_CIPHER AES-128-GCM or AES-256-GCM): the tag authenticates, there is no MAC. */
    private String decryptGcm(String ivText, String valueText, String tagText) {
        byte[] tag;
        byte[] sealed;
        byte[] iv;
        try {
            tag = Base64.getDecoder().decode(tagText);
            iv = Base64.getDecoder().decode(ivText);
            byte[] encrypted = Base64.getDecoder().decode(valueText);
            sealed = java.util.Arrays.copyOf(encrypted, encrypted.length + tag.length);
            System.arraycopy(tag, 0, sealed, encrypted.length, tag.length);
        } catch (IllegalArgumentException e) {
            throw new DecryptException("The payload's iv, value or tag is not base64");
        }
        if (tag.length != 16) {
            throw new DecryptException("The GCM tag is invalid");
        }
        try {
            if (gcmCipher == null) {
                gcmCipher = Cipher.getInstance("AES/GCM/NoPadding");
            }
            gcmCipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
            return new String(gcmCipher.doFinal(sealed), StandardCharsets.UTF_8);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new DecryptException("The GCM tag is invalid: the value was encrypted with another APP_KEY, or changed");
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new DecryptException("The value could not be decrypted");
        }
    }

    /** Decrypts and, when Laravel serialized a string ({@code s:5:"hello";}), unwraps it. */
    public String decryptString(String payload) {
        String plain = decrypt(payload);
        Matcher m = SERIALIZED_STRING.matcher(plain);
        return m.matches() ? m.group(2) : plain;
    }

    /** Encrypts as Laravel's {@code encryptString} does (no serialization), fields in Laravel's order. */
    public String encryptString(String plain) {
        try {
            byte[] iv = new byte[16];
            new SecureRandom().nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
            String ivText = Base64.getEncoder().encodeToString(iv);
            String valueText = Base64.getEncoder().encodeToString(cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8)));
            // in Laravel's order, so every payload starts as Laravel's do: base64 of {"iv":
            Map<String, String> fields = new java.util.LinkedHashMap<>();
            fields.put("iv", ivText);
            fields.put("value", valueText);
            fields.put("mac", HexFormat.of().formatHex(hmac(ivText + valueText)));
            fields.put("tag", "");
            String json = JSON.writeValueAsString(fields);
            return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] hmac(String data) {
        try {
            if (mac == null) {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
            }
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A value that does not decrypt with this key; the message never holds the value or the key. */
    public static final class DecryptException extends RuntimeException {
        public DecryptException(String message) {
            super(message);
        }
    }
}
