package dev.migrationpanel.security;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Counts failed sign-ins per account and per client address ({@code sign_in_throttle}, shared by the panel's
 * nodes and kept over restarts) and says when the next attempt may come:
 * <ul>
 * <li>the first {@code free-failures} (5) cost nothing; after that each attempt must wait, 1 s doubling per
 * further failure up to a minute ({@code signin.delayed} audited once, when it starts);</li>
 * <li>at {@code address-lock-after} (10) failures the address is locked, at {@code account-lock-after} (20) the
 * account, for {@code lock-duration} (15 min, {@code signin.locked} audited); with these defaults one address
 * is locked long before it can lock an account;</li>
 * <li>every lock ends by itself and its count starts again; failures after an hour of quiet are forgotten; a
 * successful sign-in clears its account's count (not the address's: an attacker with an account of their own
 * must not wipe their address's count by signing in to it); an admin can lift a delay or lock at once.</li>
 * </ul>
 * While an attempt is waited for or locked, the password is not even checked. Counting happens after each
 * check, so one node lets at most one attempt per account and per address be checked at a time (the others
 * are refused at once), or parallel requests would all get in before the first failure is counted.
 */
@Service
public class SignInThrottle {

    public static final String ACCOUNT = "ACCOUNT";
    public static final String ADDRESS = "ADDRESS";
    static final String ADDRESS_TARGET_TYPE = "address";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final SignInThrottleProperties rules;
    private final AuditService audit;
    private final Clock clock;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

    public SignInThrottle(JdbcTemplate jdbc, PlatformTransactionManager transactions, SignInThrottleProperties rules,
            AuditService audit, Clock clock) {
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactions);
        this.rules = rules;
        this.audit = audit;
        this.clock = clock;
    }

    /** One row: an account or an address with failures, as the admin's page shows it. */
    public record Entry(String kind, String subject, int failures, int refused, Instant lastFailureAt,
            Instant blockedUntil, Instant lockedUntil) {

        public boolean locked(Instant now) {
            return lockedUntil != null && lockedUntil.isAfter(now);
        }

        public boolean waiting(Instant now) {
            return blockedUntil != null && blockedUntil.isAfter(now);
        }
    }

    /** The account a username counts for: usernames are unique regardless of case. */
    static String account(String username) {
        String clean = SignInAuditHandlers.printable(username).toLowerCase(Locale.ROOT);
        return clean.isEmpty() ? "(empty)" : clean;
    }

    static String address(String remoteAddress) {
        return remoteAddress == null || remoteAddress.isBlank() ? "(unknown)"
                : remoteAddress.length() > 100 ? remoteAddress.substring(0, 100) : remoteAddress;
    }

    /**
     * Takes the one check slot of this account and address on this node, or throws when another attempt for
     * either is being checked right now. Give it back with {@link #release}.
     */
    void acquire(String account, String address) {
        String a = ACCOUNT + ":" + account;
        String b = ADDRESS + ":" + address;
        if (!inFlight.add(a)) {
            throw new SignInThrottledException(clock.instant().plusSeconds(1));
        }
        if (!inFlight.add(b)) {
            inFlight.remove(a);
            throw new SignInThrottledException(clock.instant().plusSeconds(1));
        }
    }

    void release(String account, String address) {
        inFlight.remove(ACCOUNT + ":" + account);
        inFlight.remove(ADDRESS + ":" + address);
    }

    /** When the account or the address may try again, or null when it may now. A refused attempt is counted. */
    public Instant waitUntil(String account, String address) {
        Instant now = clock.instant();
        Instant until = null;
        for (String[] key : List.of(new String[] {ACCOUNT, account}, new String[] {ADDRESS, address})) {
            Entry entry = find(key[0], key[1]);
            Instant blocked = entry == null ? null : later(entry.blockedUntil(), entry.lockedUntil());
            if (blocked != null && blocked.isAfter(now)) {
                jdbc.update("update sign_in_throttle set refused = refused + 1 where kind = ? and subject = ?", key[0],
                        key[1]);
                until = later(until, blocked);
            }
        }
        return until;
    }

    /** A failed sign-in: counted for the account and the address; delays and locks start here, audited. */
    public void failed(String account, String address) {
        count(ACCOUNT, account, rules.accountLockAfter(), address);
        count(ADDRESS, address, rules.addressLockAfter(), account);
    }

    /** A successful sign-in clears its account's count. */
    public void succeeded(String account) {
        jdbc.update("delete from sign_in_throttle where kind = ? and subject = ?", ACCOUNT, account);
    }

    private void count(String kind, String subject, int lockAfter, String other) {
        Instant now = clock.instant();
        ensureRow(kind, subject, now);
        Entry after = tx.execute(status -> {
            Entry row = jdbc.queryForObject("select kind, subject, failures, refused, last_failure_at, blocked_until,"
                    + " locked_until from sign_in_throttle where kind = ? and subject = ? for update", this::entry,
                    kind, subject);
            int failures = row.failures();
            if (row.lockedUntil() != null && !row.lockedUntil().isAfter(now)) {
                failures = 0; // the lock was served: a fresh start
            } else if (row.lastFailureAt() != null && Duration.between(row.lastFailureAt(), now).compareTo(rules.forgetAfter()) > 0) {
                failures = 0;
            }
            failures++;
            Instant locked = failures >= lockAfter ? now.plus(rules.lockDuration()) : null;
            Instant blocked = locked != null ? locked
                    : failures >= rules.freeFailures() ? now.plus(rules.delayAfter(failures)) : null;
            jdbc.update("update sign_in_throttle set failures = ?, last_failure_at = ?, blocked_until = ?, locked_until = ?"
                    + (failures == 1 ? ", refused = 0" : "") + " where kind = ? and subject = ?", failures,
                    Timestamp.from(now), ts(blocked), ts(locked), kind, subject);
            return new Entry(kind, subject, failures, row.refused(), now, blocked, locked);
        });
        boolean isAccount = ACCOUNT.equals(kind);
        String what = isAccount ? "account '" + subject + "'" : "address " + subject;
        String targetType = isAccount ? UserService.TARGET_TYPE : ADDRESS_TARGET_TYPE;
        String via = isAccount ? ", the last from " + other : ", the last for account '" + other + "'";
        if (after.lockedUntil() != null && after.failures() == lockAfter) {
            audit.recordAs(AuditService.SYSTEM, "signin.locked", targetType, null, subject, what + " locked until "
                    + Times.utc(after.lockedUntil()) + " after " + after.failures() + " failed sign-ins" + via);
        } else if (after.failures() == rules.freeFailures()) {
            audit.recordAs(AuditService.SYSTEM, "signin.delayed", targetType, null, subject, what + ": "
                    + after.failures() + " failed sign-ins" + via + "; each next attempt waits, "
                    + rules.delayAfter(after.failures()).toSeconds() + " s now, doubling up to "
                    + rules.maxDelay().toSeconds() + " s, until a lock at " + lockAfter);
        }
    }

    private void ensureRow(String kind, String subject, Instant now) {
        if (find(kind, subject) != null) {
            return;
        }
        try {
            jdbc.update("insert into sign_in_throttle (kind, subject, failures, refused, last_failure_at) values"
                    + " (?, ?, 0, 0, ?)", kind, subject, Timestamp.from(now));
        } catch (DuplicateKeyException raced) {
            // another node or request made it first
        }
    }

    /** The rules in one sentence, for the admin's page. */
    public String rules() {
        return "After " + rules.freeFailures() + " failed sign-ins for an account or from an address each next attempt"
                + " waits (" + rules.firstDelay().toSeconds() + " s, doubling up to " + rules.maxDelay().toSeconds()
                + " s); " + rules.addressLockAfter() + " from one address lock the address, " + rules.accountLockAfter()
                + " for one account lock the account, for " + rules.lockDuration().toMinutes() + " minutes. Locks end by"
                + " themselves; lift one here at once.";
    }

    /** The accounts and addresses that wait or are locked now, or failed lately; for the admin's page. */
    public List<Entry> current() {
        Instant now = clock.instant();
        List<Entry> all = jdbc.query("select kind, subject, failures, refused, last_failure_at, blocked_until, locked_until"
                + " from sign_in_throttle where failures > 0 order by last_failure_at desc", this::entry);
        List<Entry> shown = new ArrayList<>();
        for (Entry e : all) {
            boolean recent = e.lastFailureAt() != null
                    && Duration.between(e.lastFailureAt(), now).compareTo(rules.forgetAfter()) <= 0;
            if (e.locked(now) || e.waiting(now) || recent) {
                shown.add(e);
            }
        }
        return shown;
    }

    /** An admin lifts a delay or lock at once (and forgets the count), audited. */
    public boolean lift(String kind, String subject) {
        if (!ACCOUNT.equals(kind) && !ADDRESS.equals(kind)) {
            return false;
        }
        int n = jdbc.update("delete from sign_in_throttle where kind = ? and subject = ?", kind, subject);
        if (n > 0) {
            audit.record("signin.unlocked", ACCOUNT.equals(kind) ? UserService.TARGET_TYPE : ADDRESS_TARGET_TYPE, null,
                    subject, (ACCOUNT.equals(kind) ? "account '" + subject + "'" : "address " + subject)
                            + ": its failed sign-ins forgotten, any delay or lock lifted");
        }
        return n > 0;
    }

    /** Rows nobody needs any more: no lock running, nothing failed for longer than forget-after. */
    @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT10M")
    public void forgetOld() {
        Instant now = clock.instant();
        jdbc.update("delete from sign_in_throttle where (locked_until is null or locked_until < ?) and last_failure_at < ?",
                Timestamp.from(now), Timestamp.from(now.minus(rules.forgetAfter())));
    }

    private Entry find(String kind, String subject) {
        List<Entry> rows = jdbc.query("select kind, subject, failures, refused, last_failure_at, blocked_until, locked_until"
                + " from sign_in_throttle where kind = ? and subject = ?", this::entry, kind, subject);
        return rows.isEmpty() ? null : rows.get(0);
    }

    private Entry entry(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Entry(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4), instant(rs.getTimestamp(5)),
                instant(rs.getTimestamp(6)), instant(rs.getTimestamp(7)));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static Instant later(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }
}
