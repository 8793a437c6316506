package dev.migrationpanel.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts the secrets the panel stores (SSH passwords and keys, DB passwords) and wraps the data keys of
 * encrypted artifacts, with AES-256-GCM under the master key. Stored form:
 * {@code gcm2:<key id>:} + base64(12-byte IV || ciphertext || tag), the key id (see {@link MasterKey#keyId()})
 * also bound in as associated data: every value says which master key it is under, so a start with another
 * key is refused before anything is read, and a rotation interrupted half way resumes where it stopped.
 * Values from before key ids ({@code gcm1:} + base64, no key id) are still read.
 * <p>
 * A Spring bean made by {@link MasterKeyConfiguration} once {@link MasterKeyGuard} has checked the key
 * against the database.
 */
public class SecretCipher {

    static final String PREFIX = "gcm2:";
    static final String LEGACY_PREFIX = "gcm1:";
    private static final Pattern STORED = Pattern.compile("gcm2:[0-9a-f]{16}:[A-Za-z0-9+/=]+");
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String WRAP_PURPOSE = "key-wrap/v1";

    private final MasterKey master;
    private final SecretKeySpec key;
    private final SecretKey wrapKey;
    private final String keyId;
    private final SecureRandom random = new SecureRandom();

    public SecretCipher(MasterKey master) {
        this.master = Objects.requireNonNull(master, "master");
        this.key = master.aesKey();
        this.wrapKey = master.derive(WRAP_PURPOSE);
        this.keyId = master.keyId();
    }

    /** The id of the master key this cipher encrypts with. */
    public String keyId() {
        return keyId;
    }

    public String fingerprint() {
        return master.fingerprint();
    }

    /**
     * The key id a stored value names: its id for {@code gcm2:}, {@code ""} for a value from before key ids
     * ({@code gcm1:}), null for null or anything that is not the panel's format.
     */
    public static String keyIdOf(String stored) {
        if (stored == null) {
            return null;
        }
        if (stored.startsWith(LEGACY_PREFIX)) {
            return "";
        }
        return STORED.matcher(stored).matches() ? stored.substring(PREFIX.length(), PREFIX.length() + 16) : null;
    }

    /** Null in, null out: an absent secret stays absent. */
    public String encrypt(String plain) {
        if (plain == null) {
            return null;
        }
        return seal(key, plain.getBytes(StandardCharsets.UTF_8), aad(null));
    }

    public String decrypt(String stored) {
        if (stored == null) {
            return null;
        }
        byte[] plain = open(key, stored, null);
        return new String(plain, StandardCharsets.UTF_8);
    }

    /**
     * Wraps (encrypts) an artifact's own data key for its database row; {@code boundTo} (the artifact's id) is
     * associated data, so a wrapped key copied to another row does not open.
     */
    public String wrapKey(SecretKey dataKey, String boundTo) {
        Objects.requireNonNull(boundTo, "boundTo");
        return seal(wrapKey, dataKey.getEncoded(), aad(boundTo));
    }

    public SecretKey unwrapKey(String wrapped, String boundTo) {
        Objects.requireNonNull(boundTo, "boundTo");
        if (wrapped == null || wrapped.startsWith(LEGACY_PREFIX)) {
            throw new IllegalStateException("A stored artifact key is not in the panel's wrapped-key format");
        }
        return new SecretKeySpec(open(wrapKey, wrapped, boundTo), "AES");
    }

    /**
     * A separate AES-256 key for one purpose (e.g. {@code "artifacts/v1"}), derived from the master key: the
     * same master key and purpose always give the same key, different purposes independent keys.
     */
    public SecretKey deriveKey(String purpose) {
        return master.derive(purpose);
    }

    private byte[] aad(String boundTo) {
        return (PREFIX + keyId + (boundTo == null ? "" : ":" + boundTo)).getBytes(StandardCharsets.UTF_8);
    }

    private String seal(SecretKey with, byte[] plain, byte[] aad) {
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, with, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(aad);
            byte[] sealed = cipher.doFinal(plain);
            byte[] out = new byte[iv.length + sealed.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(sealed, 0, out, iv.length, sealed.length);
            return PREFIX + keyId + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Encrypting a secret failed", e);
        }
    }

    private byte[] open(SecretKey with, String stored, String boundTo) {
        String id = keyIdOf(stored);
        if (id == null) {
            throw new IllegalStateException("A stored secret is not in the panel's encrypted format");
        }
        if (!id.isEmpty() && !id.equals(keyId)) {
            // No value, only the two ids: enough for an admin to see that a key was swapped.
            throw new IllegalStateException("A stored secret is encrypted under master key " + id
                    + "… but the panel runs with master key " + keyId + "…: the master key differs from the one it"
                    + " was encrypted with");
        }
        boolean legacy = id.isEmpty();
        try {
            byte[] in = Base64.getDecoder().decode(stored.substring(legacy ? LEGACY_PREFIX.length()
                    : PREFIX.length() + id.length() + 1));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, with, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
            if (!legacy) {
                cipher.updateAAD(aad(boundTo));
            }
            return cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES);
        } catch (GeneralSecurityException | IllegalArgumentException | StringIndexOutOfBoundsException e) {
            // No cause attached: it carries nothing an admin can act on, and nothing of the secret.
            throw new IllegalStateException(
                    "A stored secret cannot be decrypted: the master key differs from the one it was encrypted with");
        }
    }

    /** Whether {@code stored} opens under this cipher's key (for the checks of legacy values at start). */
    boolean opens(String stored) {
        try {
            decrypt(stored);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "SecretCipher[master key " + keyId + "…]";
    }
}
