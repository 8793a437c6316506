package dev.migrationpanel.notification;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code panel.notifications.*}.
 *
 * @param publicUrl    the panel's address as admins reach it, for the job link in messages (none: the link is the
 *                     job's path only)
 * @param pollInterval how often ended jobs are looked for and due messages sent
 * @param firstRetry   wait after the first failed attempt; each further failure doubles it, up to {@code maxRetry}
 * @param maxRetry     longest wait between two attempts
 * @param maxAttempts  attempts before a message is given up (shown as failed in the delivery log)
 * @param timeout      bound on connecting to and answering of a webhook
 * @param mailFrom     the From address of e-mails
 */
@ConfigurationProperties("panel.notifications")
record NotificationProperties(
        URI publicUrl,
        @DefaultValue("5s") Duration pollInterval,
        @DefaultValue("30s") Duration firstRetry,
        @DefaultValue("1h") Duration maxRetry,
        @DefaultValue("6") int maxAttempts,
        @DefaultValue("10s") Duration timeout,
        @DefaultValue("migration-panel@localhost") String mailFrom) {

    /** The wait after the {@code failedAttempts}-th failed attempt (1 for the first). */
    Duration retryAfter(int failedAttempts) {
        Duration wait = firstRetry;
        for (int i = 1; i < failedAttempts && wait.compareTo(maxRetry) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxRetry) > 0 ? maxRetry : wait;
    }

    String jobLink(long jobId) {
        return link("/jobs/" + jobId);
    }

    String link(String path) {
        if (publicUrl == null) {
            return path;
        }
        String base = publicUrl.toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path;
    }
}
