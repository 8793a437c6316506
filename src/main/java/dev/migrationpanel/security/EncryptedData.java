package dev.migrationpanel.security;

import java.util.List;
import java.util.Map;

/**
 * Something the panel stores encrypted under the master key, as the master key's guard and its rotation see
 * it. Each feature that keeps such data contributes one bean: the secret columns ({@link EncryptedColumns}),
 * the artifacts' wrapped data keys. Every stored item names the id of the key it is under
 * ({@link SecretCipher#keyIdOf}); {@code ""} stands for items from before key ids.
 */
public interface EncryptedData {

    /** What it is, for messages: e.g. "secret values in instance". */
    String describe();

    /** How many stored items are under each key id ({@code ""}: from before key ids). */
    Map<String, Long> countByKeyId();

    /**
     * Of the items under {@code cipher}'s key id or from before key ids, those that do not open with it
     * (named for an admin, never with their content), at most {@code max}.
     */
    List<String> unreadable(SecretCipher cipher, int max);

    /**
     * Re-encrypts every item not yet under {@code to}'s key, reading it with {@code from}; each item (or row)
     * is committed on its own, so an interrupted run leaves every item whole under one key or the other and a
     * new run goes on from there. Returns how many items it changed.
     */
    long reencrypt(SecretCipher from, SecretCipher to, Progress progress);

    /** Told of each item re-encrypted (after its commit). */
    @FunctionalInterface
    interface Progress {
        void reencrypted(String item);

        Progress NONE = item -> { };
    }
}
