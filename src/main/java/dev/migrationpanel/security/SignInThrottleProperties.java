package dev.migrationpanel.security;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Sign-in throttling ({@code panel.sign-in.*}), counted per account and per client address.
 *
 * @param freeFailures     failed sign-ins allowed before each next attempt must wait
 * @param firstDelay       the wait after the {@code freeFailures}-th failure; it doubles with each further one
 * @param maxDelay         the longest such wait
 * @param addressLockAfter failures from one address that lock the address (before any account: lower than
 *                         {@code accountLockAfter}, so one attacker's address is locked before the account is)
 * @param accountLockAfter failures for one account, from any addresses, that lock the account
 * @param lockDuration     how long a lock lasts; it always ends by itself
 * @param forgetAfter      failures older than this (no new one since) are forgotten
 */
@ConfigurationProperties("panel.sign-in")
public record SignInThrottleProperties(
        @DefaultValue("5") int freeFailures,
        @DefaultValue("1s") Duration firstDelay,
        @DefaultValue("1m") Duration maxDelay,
        @DefaultValue("10") int addressLockAfter,
        @DefaultValue("20") int accountLockAfter,
        @DefaultValue("15m") Duration lockDuration,
        @DefaultValue("1h") Duration forgetAfter) {

    public SignInThrottleProperties {
        if (freeFailures < 1 || addressLockAfter <= freeFailures || accountLockAfter <= freeFailures) {
            throw new IllegalArgumentException("panel.sign-in: free-failures must be at least 1 and below both"
                    + " address-lock-after and account-lock-after");
        }
        if (lockDuration.isNegative() || lockDuration.isZero() || lockDuration.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("panel.sign-in.lock-duration must be positive and at most a day:"
                    + " a lock must end by itself");
        }
    }

    /** The wait after the n-th failure (n ≥ freeFailures): firstDelay doubled for each failure past the first. */
    Duration delayAfter(int failures) {
        int doublings = Math.min(failures - freeFailures, 30);
        Duration delay = firstDelay.multipliedBy(1L << Math.max(doublings, 0));
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }
}
