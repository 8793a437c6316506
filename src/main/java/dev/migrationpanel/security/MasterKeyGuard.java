package dev.migrationpanel.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.migrationpanel.settings.PanelProperties;

/**
 * Decides at start whether the configured master key may be used, before anything reads or writes a secret.
 * The database records the fingerprint of the key its secrets are under ({@code master_key_state}); every
 * stored value names its key id. The rules:
 * <ul>
 * <li>the key matches the recorded fingerprint: the panel starts (and values from before key ids are
 * checked and stamped);</li>
 * <li>no key is configured (no {@code PANEL_MASTER_KEY}, no key file) or another key is, while encrypted data
 * exists: the panel does not start, and says which key file or variable it expected and how to restore
 * it. Never a new key then: it would make the stored secrets unreadable and mix new ones with them;</li>
 * <li>a new key file is made only on a truly empty install: no recorded key and nothing encrypted;</li>
 * <li>a rotation that did not finish stops the start until the rotation command is run again.</li>
 * </ul>
 * Panels from before the recorded fingerprint: the configured key is recorded when it opens every stored
 * value and artifact key; otherwise the start is refused with the items it cannot open.
 */
public class MasterKeyGuard {

    private static final Logger log = LoggerFactory.getLogger(MasterKeyGuard.class);
    static final String ROTATE_OPTION = "--panel.rotate-master-key=";

    private final JdbcTemplate jdbc;
    private final List<EncryptedData> data;
    private final PanelProperties properties;
    private final Clock clock;
    private final JdbcAudit audit;

    public MasterKeyGuard(JdbcTemplate jdbc, List<EncryptedData> data, PanelProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.data = List.copyOf(data);
        this.properties = properties;
        this.clock = clock;
        this.audit = new JdbcAudit(jdbc, clock);
    }

    /** The key to run with, or a {@link MasterKeyException} saying why the panel must not start. */
    public MasterKey check() {
        MasterKeyState state = MasterKeyState.read(jdbc);
        if (state != null && state.rotatingTo() != null) {
            throw rotationUnfinished(state);
        }
        return checkKey(state, MasterKey.configured(properties), true);
    }

    /**
     * The checks without the rotation rule, for the rotation command: the key must be the one the data is
     * under. {@code mayCreate}: whether a truly empty install may get a new key file here.
     */
    MasterKey checkKey(MasterKeyState state, MasterKey configured, boolean mayCreate) {
        Map<String, Long> counts = counts();
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        if (configured == null) {
            if (state == null && total == 0 && mayCreate) {
                MasterKey created = createKeyFile();
                record(null, created, "a new key file " + created.file() + " on a first start (nothing encrypted yet)");
                return created;
            }
            throw missing(state, counts);
        }
        if (state != null && state.fingerprint().equals(configured.fingerprint())) {
            requireNoForeignValues(configured, counts);
            adoptLegacy(configured, counts);
            return configured;
        }
        if (state != null) {
            if (total == 0) {
                // nothing depends on the recorded key: the configured one replaces it, loudly
                MasterKeyState.replace(jdbc, configured.fingerprint(), state.fingerprint(), clock.instant());
                log.warn("The master key changed from {}… to {}… ({}); nothing was encrypted under the previous key",
                        state.keyId(), configured.keyId(), configured.source());
                audit.record(AuditService.SYSTEM, "master_key.replaced", configured.keyId(), "from " + state.keyId()
                        + " to " + configured.keyId() + " (" + configured.source() + "); nothing was encrypted yet");
                return configured;
            }
            throw mismatch(state, configured, counts);
        }
        // a panel from before the recorded fingerprint: record the key if it opens what is stored
        requireNoForeignValues(configured, counts);
        adoptLegacy(configured, counts);
        record(state, configured, configured.source());
        return configured;
    }

    Map<String, Long> counts() {
        Map<String, Long> all = new TreeMap<>();
        for (EncryptedData d : data) {
            d.countByKeyId().forEach((id, n) -> all.merge(id, n, Long::sum));
        }
        return all;
    }

    private void record(MasterKeyState state, MasterKey key, String how) {
        try {
            MasterKeyState.insert(jdbc, key.fingerprint(), clock.instant());
        } catch (DuplicateKeyException raced) {
            // another node recorded a key at the same moment: check against that one
            MasterKeyState now = MasterKeyState.read(jdbc);
            if (now != null && !now.fingerprint().equals(key.fingerprint())) {
                throw mismatch(now, key, counts());
            }
            return;
        }
        log.info("Recorded master key {}… ({}) as the key of the panel's secrets", key.keyId(), how);
        audit.record(AuditService.SYSTEM, "master_key.recorded", key.keyId(), how);
    }

    /** Values under a key id that is neither this key's nor legacy: a key was swapped while the panel ran. */
    private void requireNoForeignValues(MasterKey key, Map<String, Long> counts) {
        Map<String, Long> foreign = new TreeMap<>(counts);
        foreign.remove(key.keyId());
        foreign.remove("");
        if (!foreign.isEmpty()) {
            throw new MasterKeyException("The panel's database holds " + describe(foreign) + " under another master key"
                    + " than the one from " + key.source() + " (key id " + key.keyId() + "…).",
                    "Start the panel with the key those values are under (restore its key file or PANEL_MASTER_KEY); if a"
                            + " master key rotation was interrupted, run it again: " + rotateCommand() + ".");
        }
    }

    /** Values from before key ids: each must open with this key; then each is stamped with its id. */
    private void adoptLegacy(MasterKey key, Map<String, Long> counts) {
        if (counts.getOrDefault("", 0L) == 0) {
            return;
        }
        SecretCipher cipher = new SecretCipher(key);
        List<String> unreadable = new ArrayList<>();
        for (EncryptedData d : data) {
            unreadable.addAll(d.unreadable(cipher, 20 - unreadable.size()));
        }
        if (!unreadable.isEmpty()) {
            throw new MasterKeyException("Some stored secrets cannot be decrypted with the master key from "
                    + key.source() + " (key id " + key.keyId() + "…): " + String.join("; ", unreadable)
                    + ". They were encrypted under another key.",
                    "Start the panel with the key they were encrypted under (restore the key file " + keyFile()
                            + " from a backup of the data directory, or set " + MasterKey.ENV + " to it).");
        }
        long stamped = 0;
        for (EncryptedData d : data) {
            stamped += d.reencrypt(cipher, cipher, EncryptedData.Progress.NONE);
        }
        log.info("Stamped {} stored secrets from before key ids with master key {}…", stamped, key.keyId());
    }

    private MasterKey createKeyFile() {
        Path file = keyFile();
        try {
            FileModes.createPrivateDirectories(properties.dataDir(), properties.dataDir());
            try {
                // owner-only from the first byte, and set again since the umask could have narrowed it
                Files.write(file, MasterKey.newKeyText().getBytes(StandardCharsets.US_ASCII), StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, StandardOpenOption.SYNC);
                FileModes.ownerOnly(file);
            } catch (FileAlreadyExistsException raced) {
                return MasterKey.readFile(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the master key file " + file, e);
        }
        log.warn("Created a new master key file {} (mode 0600) on a first start. Back it up with the data directory:"
                + " without it the stored secrets cannot be read.", file);
        return MasterKey.readFile(file);
    }

    private Path keyFile() {
        return MasterKey.keyFile(properties);
    }

    private String expected() {
        return MasterKey.ENV + " (panel.master-key) is not set and the key file " + keyFile() + " does not exist";
    }

    private String restore() {
        return "Restore the key file " + keyFile() + " from your backup of the data directory (owner-only: chmod 600),"
                + " or set " + MasterKey.ENV + " to the key, then start the panel again.";
    }

    private MasterKeyException missing(MasterKeyState state, Map<String, Long> counts) {
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0 && state == null) {
            return new MasterKeyException("No master key was found: " + expected() + ".", restore());
        }
        if (total == 0) {
            return new MasterKeyException("No master key was found: " + expected() + ". The panel recorded master key "
                    + state.keyId() + "… before, though nothing is encrypted under it yet.",
                    restore() + " If that key is lost and you want a new one, make it yourself: "
                            + "(umask 077; openssl rand -base64 32 > " + keyFile() + ").");
        }
        return new MasterKeyException("The panel's database holds " + summary() + " encrypted under master key "
                + (state == null ? "(not recorded yet)" : state.keyId() + "…") + ", but no master key was found: "
                + expected() + ".",
                restore() + " The panel does not make a new key while encrypted data exists: a new key could not read"
                        + " the stored secrets.");
    }

    private MasterKeyException mismatch(MasterKeyState state, MasterKey configured, Map<String, Long> counts) {
        String what = "The master key from " + configured.source() + " (key id " + configured.keyId() + "…) is not the"
                + " key the panel's " + summary() + " are encrypted with (key id " + state.keyId() + "…).";
        if (configured.fingerprint().equals(state.previousFingerprint())) {
            return new MasterKeyException(what + " It is the key from before the rotation"
                    + (state.rotatedAt() == null ? "" : " of " + state.rotatedAt()) + ".",
                    (MasterKey.fromEnvironment(properties) ? "Set " + MasterKey.ENV + " to the new key"
                            : "Put the new key in the key file " + keyFile()) + ", or finish the rotation by running it"
                            + " again: " + rotateCommand() + ".");
        }
        return new MasterKeyException(what,
                (MasterKey.fromEnvironment(properties) ? "Set " + MasterKey.ENV + " to the original key"
                        : "Restore the original key file " + keyFile() + " from your backup of the data directory")
                        + " and start again. To change the master key, keep the original one in place and rotate it: "
                        + rotateCommand() + ".");
    }

    private MasterKeyException rotationUnfinished(MasterKeyState state) {
        return new MasterKeyException("A master key rotation to key id " + MasterKey.keyIdOf(state.rotatingTo())
                + "… started at " + state.rotationStartedAt() + " did not finish: some secrets may be under the new key"
                + " and some under the old one.",
                "Run the rotation again with the same new key file, the panel stopped: " + rotateCommand()
                        + ". It goes on where it stopped.");
    }

    /** "3 encrypted items (2 secret values in instance, 1 artifact data keys)". */
    String summary() {
        long total = 0;
        List<String> parts = new ArrayList<>();
        for (EncryptedData d : data) {
            long n = d.countByKeyId().values().stream().mapToLong(Long::longValue).sum();
            if (n > 0) {
                parts.add(n + " " + d.describe());
                total += n;
            }
        }
        return total + " encrypted item" + (total == 1 ? "" : "s") + " (" + String.join(", ", parts) + ")";
    }

    static String rotateCommand() {
        return "java -jar migration-panel.jar " + ROTATE_OPTION + "/path/to/new.key";
    }

    static String describe(Map<String, Long> counts) {
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        return total + " encrypted item" + (total == 1 ? "" : "s") + " (" + counts.entrySet().stream()
                .map(e -> e.getValue() + " under key id " + (e.getKey().isEmpty() ? "(none, from before key ids)"
                        : e.getKey() + "…"))
                .collect(Collectors.joining(", ")) + ")";
    }
}
