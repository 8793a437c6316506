package dev.migrationpanel.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.migrationpanel.job.EndedJobs.Ended;
import dev.migrationpanel.job.JobStatus;

/** The parts of notifications that need no server: back-off, links, signature, message, address checks. */
class NotificationUnitTest {

    private static NotificationProperties properties(URI publicUrl) {
        return new NotificationProperties(publicUrl, Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofHours(1),
                6, Duration.ofSeconds(10), "panel@example.test");
    }

    @Test
    void eachFailureDoublesTheWaitUpToTheLongest() {
        NotificationProperties p = properties(null);
        assertThat(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9).stream().map(p::retryAfter).map(Duration::toSeconds))
                .containsExactly(30L, 60L, 120L, 240L, 480L, 960L, 1920L, 3600L, 3600L);
    }

    @Test
    void theJobLinkIsAbsoluteWhenThePanelsAddressIsKnown() {
        assertThat(properties(URI.create("https://panel.example.test/")).jobLink(12))
                .isEqualTo("https://panel.example.test/jobs/12");
        assertThat(properties(URI.create("https://example.test/panel")).jobLink(3))
                .isEqualTo("https://example.test/panel/jobs/3");
        assertThat(properties(null).jobLink(7)).isEqualTo("/jobs/7");
    }

    @Test
    void theSignatureIsTheHmacOfTimestampDotBody() {
        // reference computed outside Java: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac key-of-sixteen-chars
        assertThat(WebhookSignature.sign("key-of-sixteen-chars", 1_700_000_000L, "{\"a\":1}"))
                .isEqualTo("sha256=83da986b13614c0a5976656d090651c6ac5b6cd549670963be6b806aa3cd3c55");
        assertThat(WebhookSignature.sign("key-of-sixteen-chars", 1_700_000_001L, "{\"a\":1}"))
                .as("another timestamp, another signature").isNotEqualTo(
                        "sha256=83da986b13614c0a5976656d090651c6ac5b6cd549670963be6b806aa3cd3c55");
        assertThat(WebhookSignature.sign("another-key-of-16-chars", 1_700_000_000L, "{\"a\":1}"))
                .isNotEqualTo("sha256=83da986b13614c0a5976656d090651c6ac5b6cd549670963be6b806aa3cd3c55");
    }

    @Test
    void aJobEndCarriesJobFlowInstanceStatusDurationAndLinkAndSurvivesTheOutbox() {
        Instant started = Instant.parse("2026-12-06T10:00:00Z");
        Ended ended = new Ended(41, 2, "dreamfactory.upgrade", "Upgrade DreamFactory", 7L, "df-prod", JobStatus.FAILED,
                "olga", started.minusSeconds(5), started, started.plusSeconds(95), "Step 3 of 9 (Migrate) failed: exit 1");
        NotificationMessage message = NotificationMessage.of(ended, "https://panel.example.test/jobs/41");
        NotificationMessage stored = NotificationMessage.fromJson(message.event(), message.json());
        assertThat(stored.event()).isEqualTo("job.failed");
        Map<?, ?> job = (Map<?, ?>) stored.fields().get("job");
        assertThat(job.get("id")).isEqualTo(41);
        assertThat(job.get("attempt")).isEqualTo(2);
        assertThat(job.get("flow")).isEqualTo("dreamfactory.upgrade");
        assertThat(job.get("status")).isEqualTo("FAILED");
        assertThat(job.get("durationSeconds")).isEqualTo(95);
        assertThat(job.get("finishedAt")).isEqualTo("2026-12-06T10:01:35Z");
        assertThat(job.get("link")).isEqualTo("https://panel.example.test/jobs/41");
        assertThat(((Map<?, ?>) stored.fields().get("instance")).get("name")).isEqualTo("df-prod");
        assertThat(stored.subject()).isEqualTo("[migration panel] Job #41 failed: Upgrade DreamFactory (df-prod)");
        assertThat(stored.text()).contains("Duration: 95 s", "Message: Step 3 of 9 (Migrate) failed: exit 1",
                "Log: https://panel.example.test/jobs/41");
    }

    @Test
    void aJobOfNoInstanceHasANullInstance() {
        Ended ended = new Ended(5, 1, "panel.test", "T", null, null, JobStatus.SUCCEEDED, "olga", Instant.EPOCH,
                Instant.EPOCH, Instant.EPOCH, null);
        NotificationMessage message = NotificationMessage.of(ended, "/jobs/5");
        assertThat(message.json()).contains("\"instance\":null");
        assertThat(message.subject()).endsWith("succeeded: T");
    }

    @Test
    void webhookAddressesAreHttpOrHttpsWithAHostAndNoCredentials() {
        assertThat(NotificationService.urlError("https://hooks.example.com/panel?x=1")).isNull();
        assertThat(NotificationService.urlError("http://127.0.0.1:9000/hook")).isNull();
        assertThat(NotificationService.urlError("")).contains("Give the webhook's address");
        assertThat(NotificationService.urlError("ftp://example.com/")).contains("https:// or http://");
        assertThat(NotificationService.urlError("file:///etc/passwd")).contains("https:// or http://");
        assertThat(NotificationService.urlError("https://user:pw@example.com/")).contains("no user or password");
        assertThat(NotificationService.urlError("https:///nohost")).contains("no host");
        assertThat(NotificationService.urlError("https://example.com/a b")).startsWith("Not a valid address");
        assertThat(NotificationService.urlError("https://example.com/" + "a".repeat(2000))).contains("2000");
    }

    @Test
    void recipientsAreSplitAndEachMustBeAnAddress() {
        assertThat(RecipientList.parse(" ops@example.com, oncall@example.com;ops@example.com  dev@x.io "))
                .containsExactly("ops@example.com", "oncall@example.com", "dev@x.io");
        assertThat(RecipientList.firstInvalid(List.of("ops@example.com", "not-an-address"))).isEqualTo("not-an-address");
        assertThat(RecipientList.firstInvalid(List.of("a@localhost"))).isEqualTo("a@localhost");
        assertThat(RecipientList.firstInvalid(List.of("x@example.com\r\nBcc: evil@example.com"))).isNotNull();
        assertThat(RecipientList.firstInvalid(List.of("ops@example.com"))).isNull();
    }
}
