package dev.migrationpanel.notification;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.migrationpanel.instance.InstanceRepository;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.security.AuditService;
import dev.migrationpanel.web.InvalidInputException;
import dev.migrationpanel.web.NotFoundException;

/** Adds, switches, removes and tests notification channels; every field checked here, whatever page or client sent it. */
@Service
class NotificationService {

    /** The outcomes a channel can be told of: the ends of a job (a running or waiting job has not ended). */
    static final Set<JobStatus> OUTCOMES = EnumSet.of(JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED,
            JobStatus.INTERRUPTED);

    /** A channel just added, and the signing secret the panel made for it (shown this once), if it made one. */
    record Created(NotificationChannel channel, String generatedSecret) {
    }

    private final NotificationChannelRepository channels;
    private final NotificationOutbox outbox;
    private final NotificationSender sender;
    private final InstanceRepository instances;
    private final AuditService audit;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    NotificationService(NotificationChannelRepository channels, NotificationOutbox outbox, NotificationSender sender,
            InstanceRepository instances, AuditService audit, Clock clock) {
        this.channels = channels;
        this.outbox = outbox;
        this.sender = sender;
        this.instances = instances;
        this.audit = audit;
        this.clock = clock;
    }

    List<NotificationChannel> list() {
        return channels.findAllByOrderByIdAsc();
    }

    boolean mailConfigured() {
        return sender.mailConfigured();
    }

    @Transactional
    Created create(ChannelForm form) {
        Map<String, String> errors = new LinkedHashMap<>();
        String name = form.name() == null ? "" : form.name().strip();
        if (name.isEmpty() || name.length() > 100 || name.chars().anyMatch(Character::isISOControl)) {
            errors.put("name", "Give the channel a name of 1 to 100 characters");
        }
        ChannelKind kind = null;
        try {
            kind = ChannelKind.valueOf(form.kind() == null ? "" : form.kind());
        } catch (IllegalArgumentException e) {
            errors.put("kind", "Choose Webhook or E-mail");
        }
        String url = null;
        String secret = null;
        String generated = null;
        String recipients = null;
        if (kind == ChannelKind.WEBHOOK) {
            url = form.url() == null ? "" : form.url().strip();
            String urlError = urlError(url);
            if (urlError != null) {
                errors.put("url", urlError);
            }
            secret = form.signingSecret() == null ? "" : form.signingSecret().strip();
            if (secret.isEmpty()) {
                byte[] bytes = new byte[32];
                random.nextBytes(bytes);
                secret = generated = HexFormat.of().formatHex(bytes);
            } else if (secret.length() < 16 || secret.length() > 200) {
                errors.put("signingSecret", "A signing secret has 16 to 200 characters (leave it empty and the panel makes one)");
            }
        } else if (kind == ChannelKind.EMAIL) {
            List<String> addresses = RecipientList.parse(form.recipients());
            String invalid = RecipientList.firstInvalid(addresses);
            if (addresses.isEmpty()) {
                errors.put("recipients", "Give at least one e-mail address");
            } else if (addresses.size() > RecipientList.MAX) {
                errors.put("recipients", "At most " + RecipientList.MAX + " addresses per channel");
            } else if (invalid != null) {
                errors.put("recipients", "Not an e-mail address: " + clip(invalid));
            } else if (!sender.mailConfigured()) {
                errors.put("recipients", "E-mail needs an SMTP server: set spring.mail.host (see the README), then add the channel");
            } else {
                recipients = String.join(", ", addresses);
            }
        }
        Long instanceId = null;
        String scope = form.instanceId() == null ? "" : form.instanceId().strip();
        if (!scope.isEmpty()) {
            try {
                instanceId = Long.parseLong(scope);
                if (!instances.existsById(instanceId)) {
                    errors.put("instanceId", "No instance #" + instanceId + ": choose one from the list");
                }
            } catch (NumberFormatException e) {
                errors.put("instanceId", "Choose an instance from the list, or every instance");
            }
        }
        Set<JobStatus> statuses = EnumSet.noneOf(JobStatus.class);
        for (String s : form.statuses() == null ? List.<String>of() : form.statuses()) {
            JobStatus status = OUTCOMES.stream().filter(o -> o.name().equals(s)).findFirst().orElse(null);
            if (status == null) {
                errors.put("statuses", "Outcomes are SUCCEEDED, FAILED, CANCELLED and INTERRUPTED");
                break;
            }
            statuses.add(status);
        }
        if (statuses.isEmpty() && !errors.containsKey("statuses")) {
            errors.put("statuses", "Choose at least one outcome to be told of");
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        NotificationChannel channel = channels.save(new NotificationChannel(name, kind, url, secret, recipients,
                instanceId, statuses, clock.instant(), AuditService.currentActor()));
        audit.record("notification.channel_added", "notification_channel", channel.getId(), name,
                kind.label() + (url != null ? " " + url : " to " + recipients) + ", on " + statuses
                        + (instanceId == null ? " of every instance" : " of instance #" + instanceId));
        return new Created(channel, generated);
    }

    /**
     * Why this webhook address is refused, or null. Only http and https to a named host; no user and password in
     * it (the address is shown on the page and the log, and the signature is what proves the sender).
     */
    static String urlError(String url) {
        if (url.isEmpty()) {
            return "Give the webhook's address (https://…)";
        }
        if (url.length() > 2000) {
            return "A webhook address has at most 2000 characters";
        }
        try {
            URI uri = new URI(url);
            if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme())) {
                return "A webhook address starts with https:// or http://";
            }
            if (uri.getHost() == null || uri.getHost().isBlank()) {
                return "The webhook address has no host name";
            }
            if (uri.getRawUserInfo() != null) {
                return "Put no user or password in the address: the signing secret proves the panel sent it";
            }
            if (uri.getFragment() != null) {
                return "A webhook address has no #fragment";
            }
            return null;
        } catch (URISyntaxException e) {
            return "Not a valid address: " + e.getReason();
        }
    }

    @Transactional
    void setEnabled(long id, boolean enabled) {
        NotificationChannel channel = get(id);
        channel.setEnabled(enabled);
        if (!enabled) {
            outbox.dropPending(id, "not sent: the channel was switched off by " + AuditService.currentActor());
        }
        audit.record(enabled ? "notification.channel_enabled" : "notification.channel_disabled",
                "notification_channel", id, channel.getName(), null);
    }

    @Transactional
    void delete(long id) {
        NotificationChannel channel = get(id);
        channels.delete(channel);
        audit.record("notification.channel_deleted", "notification_channel", id, channel.getName(), null);
    }

    /** Queues a test message, sent within the poll interval like any other and shown in the delivery log. */
    @Transactional
    void sendTest(long id) {
        NotificationChannel channel = get(id);
        NotificationMessage message = NotificationMessage.test(channel.getName(), AuditService.currentActor(), clock.instant());
        outbox.addTest(id, message.event(), message.json(), clock.instant());
        audit.record("notification.test_sent", "notification_channel", id, channel.getName(), null);
    }

    List<NotificationOutbox.Delivery> deliveries(int limit) {
        return outbox.latest(null, limit);
    }

    private NotificationChannel get(long id) {
        return channels.findById(id).orElseThrow(() -> new NotFoundException("No notification channel #" + id));
    }

    private static String clip(String s) {
        return s.length() <= 80 ? s : s.substring(0, 79) + "…";
    }
}
