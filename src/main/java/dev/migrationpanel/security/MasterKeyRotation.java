package dev.migrationpanel.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.migrationpanel.settings.PanelProperties;

/**
 * Rotates the master key, the panel stopped: every secret value is decrypted with the current key and encrypted
 * with the new one, every encrypted artifact's data key re-wrapped (artifact files are not rewritten), then the new
 * key is put in the key file (or, with {@code PANEL_MASTER_KEY}, the admin is told to set it) and recorded.
 * <p>
 * Resumable: the database first records that a rotation to the new key's fingerprint runs; each row is then
 * committed on its own and every value names its key id, so a run that was interrupted (crash, power, a failed
 * statement) is simply run again with the same new key file and does what is left. The panel refuses to start
 * meanwhile. Audited: started, finished (with counts), key installed.
 */
public class MasterKeyRotation {

    private static final Logger log = LoggerFactory.getLogger(MasterKeyRotation.class);
    /** A job still reporting to db-scheduler this recently means a panel node runs. */
    private static final Duration LIVE_HEARTBEAT = Duration.ofMinutes(2);

    private final JdbcTemplate jdbc;
    private final List<EncryptedData> data;
    private final PanelProperties properties;
    private final Clock clock;
    private final String actor;
    private final JdbcAudit audit;
    private final MasterKeyGuard guard;

    /** {@code actor}: who runs it, for the audit trail (e.g. {@code cli:root}). */
    public MasterKeyRotation(JdbcTemplate jdbc, List<EncryptedData> data, PanelProperties properties, Clock clock,
            String actor) {
        this.jdbc = jdbc;
        this.data = List.copyOf(data);
        this.properties = properties;
        this.clock = clock;
        this.actor = actor;
        this.audit = new JdbcAudit(jdbc, clock);
        this.guard = new MasterKeyGuard(jdbc, data, properties, clock);
    }

    /** What a run did, for the command's last lines. */
    public record Result(String fromKeyId, String toKeyId, long reencrypted, String next) {
    }

    public Result rotate(Path newKeyFile, EncryptedData.Progress progress) {
        MasterKey target = MasterKey.readFile(newKeyFile);
        requireNoRunningPanel();
        MasterKeyState state = MasterKeyState.read(jdbc);
        MasterKey current = MasterKey.configured(properties);
        if (current == null) {
            guard.checkKey(state, null, false); // throws: says which key file or variable it expected
        }

        if (state != null && state.rotatingTo() == null && state.fingerprint().equals(target.fingerprint())) {
            if (current.sameKeyAs(target)) {
                return new Result(target.keyId(), target.keyId(), 0, "The panel's secrets are under this key already;"
                        + " nothing to do.");
            }
            if (current.fingerprint().equals(state.previousFingerprint())) {
                // the database part finished; only putting the key in place was left
                String next = install(target);
                return new Result(current.keyId(), target.keyId(), 0, next);
            }
            guard.checkKey(state, current, false); // throws the mismatch message
        }

        MasterKey from;
        if (state != null && state.rotatingTo() != null) {
            if (!state.rotatingTo().equals(target.fingerprint())) {
                throw new MasterKeyException("An interrupted rotation to key id " + MasterKey.keyIdOf(state.rotatingTo())
                        + "… is not finished; " + newKeyFile.toAbsolutePath() + " holds another key (key id "
                        + target.keyId() + "…).",
                        "Run the rotation with the new key file of that rotation first; rotate again afterwards.");
            }
            if (current.sameKeyAs(target)) {
                // the key was put in place before the database was told; nothing can be under the old key any more
                return finishWithoutOldKey(state, target);
            }
            if (!current.fingerprint().equals(state.fingerprint())) {
                guard.checkKey(state, current, false); // throws the mismatch message
            }
            from = current;
            log.info("Resuming the interrupted rotation from master key {}… to {}…", from.keyId(), target.keyId());
            audit.record(actor, "master_key.rotation_resumed", target.keyId(), "from " + from.keyId() + " to "
                    + target.keyId());
        } else {
            if (current.sameKeyAs(target)) {
                throw new MasterKeyException("The new key in " + newKeyFile.toAbsolutePath() + " is the current master key.",
                        "Make a new key: (umask 077; openssl rand -base64 32 > new.key), then run the rotation with it.");
            }
            from = guard.checkKey(state, current, false);
            MasterKeyState.startRotation(jdbc, target.fingerprint(), clock.instant());
            log.info("Rotating the master key from {}… to {}…", from.keyId(), target.keyId());
            audit.record(actor, "master_key.rotation_started", target.keyId(), "from " + from.keyId() + " to "
                    + target.keyId() + " (" + from.source() + ")");
        }

        SecretCipher oldCipher = new SecretCipher(from);
        SecretCipher newCipher = new SecretCipher(target);
        long changed = 0;
        for (EncryptedData d : data) {
            long n = d.reencrypt(oldCipher, newCipher, progress);
            log.info("Re-encrypted {} of the {} under the new key", n, d.describe());
            changed += n;
        }
        requireAllUnder(target);
        String next = install(target);
        MasterKeyState.finishRotation(jdbc, from.fingerprint(), target.fingerprint(), clock.instant());
        audit.record(actor, "master_key.rotated", target.keyId(), "from " + from.keyId() + " to " + target.keyId()
                + "; " + changed + " value(s) and artifact key(s) re-encrypted in this run; " + next);
        return new Result(from.keyId(), target.keyId(), changed, next);
    }

    private Result finishWithoutOldKey(MasterKeyState state, MasterKey target) {
        requireAllUnder(target);
        MasterKeyState.finishRotation(jdbc, state.fingerprint(), target.fingerprint(), clock.instant());
        audit.record(actor, "master_key.rotated", target.keyId(), "from " + state.keyId() + " to " + target.keyId()
                + "; finished (the new key was in place already)");
        return new Result(state.keyId(), target.keyId(), 0, "The rotation is finished; the new key is in place.");
    }

    private void requireAllUnder(MasterKey target) {
        Map<String, Long> counts = new TreeMap<>(guard.counts());
        counts.remove(target.keyId());
        if (!counts.isEmpty()) {
            throw new MasterKeyException("After the rotation " + MasterKeyGuard.describe(counts)
                    + " are still not under the new key id " + target.keyId() + "….",
                    "Start the rotation again with the key those values are under as the current key (the key file or "
                            + MasterKey.ENV + ") and the same new key file.");
        }
    }

    /** Puts the new key where the panel reads it: the key file, replaced atomically; or tells to set the variable. */
    private String install(MasterKey target) {
        if (MasterKey.fromEnvironment(properties)) {
            String next = "Set " + MasterKey.ENV + " to the new key (the content of the new key file) before starting the"
                    + " panel; the previous key no longer opens anything the panel stores now.";
            audit.record(actor, "master_key.installed", target.keyId(), "to be set in " + MasterKey.ENV + " by the admin");
            return next;
        }
        Path file = MasterKey.keyFile(properties);
        Path temp = file.resolveSibling(file.getFileName() + ".new");
        try {
            FileModes.createPrivateDirectories(properties.dataDir(), properties.dataDir());
            Files.deleteIfExists(temp);
            Files.writeString(temp, Base64.getEncoder().encodeToString(target.aesKey().getEncoded()) + "\n",
                    StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.SYNC);
            FileModes.ownerOnly(temp);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            } catch (IOException | UnsupportedOperationException ignored) {
                // not every file system syncs a directory; the file itself is synced
            }
        } catch (IOException e) {
            throw new UncheckedIOException("The secrets are re-encrypted, but the new key could not be written to "
                    + file + "; put the new key there yourself (owner-only, chmod 600)", e);
        }
        audit.record(actor, "master_key.installed", target.keyId(), "in the key file " + file);
        return "The new key is in " + file + ". Delete the new key file you gave once you have a backup of it with"
                + " the data directory; backups of the database taken before now need the previous key.";
    }

    /** db-scheduler's executions report a heartbeat while a job runs: one seen lately means a panel runs. */
    private void requireNoRunningPanel() {
        Integer live = jdbc.queryForObject("select count(*) from scheduled_tasks where picked = true and last_heartbeat > ?",
                Integer.class, Timestamp.from(clock.instant().minus(LIVE_HEARTBEAT)));
        if (live != null && live > 0) {
            throw new MasterKeyException("A panel node is running a job (a scheduler heartbeat within the last "
                    + LIVE_HEARTBEAT.toMinutes() + " minutes).", "Stop every panel node, then run the rotation again.");
        }
    }
}
