package dev.migrationpanel.notification;

import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.security.EncryptedStringConverter;

/**
 * A webhook or a list of e-mail recipients told when a job ends with one of the chosen outcomes, for every instance
 * or one. The webhook's signing secret is encrypted in its column and never shown again after it was set.
 */
@Entity
@Table(name = "notification_channel")
class NotificationChannel {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Version
    private long version;

    private String name;
    @Enumerated(EnumType.STRING)
    private ChannelKind kind;
    private String url;
    @Convert(converter = EncryptedStringConverter.class)
    @Column(name = "signing_secret_enc")
    private String signingSecret;
    private String recipients;
    /** Null: jobs of every instance, and jobs of none. */
    private Long instanceId;
    private String statuses;
    private boolean enabled;
    private Instant createdAt;
    private String createdBy;

    protected NotificationChannel() {
    }

    NotificationChannel(String name, ChannelKind kind, String url, String signingSecret, String recipients,
            Long instanceId, Set<JobStatus> statuses, Instant createdAt, String createdBy) {
        this.name = name;
        this.kind = kind;
        this.url = url;
        this.signingSecret = signingSecret;
        this.recipients = recipients;
        this.instanceId = instanceId;
        this.statuses = statuses.stream().map(Enum::name).sorted().collect(Collectors.joining(","));
        this.enabled = true;
        this.createdAt = createdAt;
        this.createdBy = createdBy;
    }

    /** Whether a job of this instance (null: of none) that ended so is for this channel. */
    boolean wants(Long jobInstanceId, JobStatus status) {
        return enabled && statuses().contains(status) && (instanceId == null || instanceId.equals(jobInstanceId));
    }

    Set<JobStatus> statuses() {
        Set<JobStatus> set = EnumSet.noneOf(JobStatus.class);
        Arrays.stream(statuses.split(",")).filter(s -> !s.isBlank()).map(JobStatus::valueOf).forEach(set::add);
        return set;
    }

    Long getId() {
        return id;
    }

    String getName() {
        return name;
    }

    ChannelKind getKind() {
        return kind;
    }

    String getUrl() {
        return url;
    }

    String getSigningSecret() {
        return signingSecret;
    }

    String getRecipients() {
        return recipients;
    }

    Long getInstanceId() {
        return instanceId;
    }

    boolean isEnabled() {
        return enabled;
    }

    void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    Instant getCreatedAt() {
        return createdAt;
    }

    String getCreatedBy() {
        return createdBy;
    }
}
