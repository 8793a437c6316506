package dev.migrationpanel.notification;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.mail.MailException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;

/** One attempt to tell a channel: a signed POST to a webhook, or an e-mail through the configured SMTP server. */
@Component
class NotificationSender {

    /** How an attempt went, in one line for the delivery log (never a response body: it is not ours to keep). */
    record Outcome(boolean delivered, String line) {
    }

    private final NotificationProperties properties;
    private final ObjectProvider<JavaMailSender> mail;
    private final Clock clock;
    private final HttpClient http;

    NotificationSender(NotificationProperties properties, ObjectProvider<JavaMailSender> mail, Clock clock) {
        this.properties = properties;
        this.mail = mail;
        this.clock = clock;
        // never follow a redirect: the admin chose this address, a 3xx is reported rather than obeyed
        this.http = HttpClient.newBuilder().connectTimeout(properties.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    boolean mailConfigured() {
        return mail.getIfAvailable() != null;
    }

    Outcome send(NotificationChannel channel, long deliveryId, NotificationMessage message) {
        return switch (channel.getKind()) {
            case WEBHOOK -> post(channel, deliveryId, message);
            case EMAIL -> email(channel, message);
        };
    }

    private Outcome post(NotificationChannel channel, long deliveryId, NotificationMessage message) {
        String body = message.json();
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(URI.create(channel.getUrl())).timeout(properties.timeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "migration-panel")
                .header("X-Panel-Event", message.event())
                .header("X-Panel-Delivery", Long.toString(deliveryId))
                .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
                .header(WebhookSignature.SIGNATURE_HEADER,
                        WebhookSignature.sign(channel.getSigningSecret(), timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long started = System.nanoTime();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            long ms = (System.nanoTime() - started) / 1_000_000;
            int code = response.statusCode();
            return new Outcome(code >= 200 && code < 300, "HTTP " + code + " in " + ms + " ms");
        } catch (HttpTimeoutException e) {
            return new Outcome(false, "no answer within " + properties.timeout().toSeconds() + " s");
        } catch (IOException e) {
            return new Outcome(false, "could not reach the webhook: " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, "interrupted while sending");
        }
    }

    private Outcome email(NotificationChannel channel, NotificationMessage message) {
        JavaMailSender sender = mail.getIfAvailable();
        if (sender == null) {
            return new Outcome(false, "no SMTP server is configured (spring.mail.host)");
        }
        SimpleMailMessage mailMessage = new SimpleMailMessage();
        mailMessage.setFrom(properties.mailFrom());
        mailMessage.setTo(RecipientList.parse(channel.getRecipients()).toArray(String[]::new));
        mailMessage.setSubject(message.subject());
        mailMessage.setText(message.text());
        try {
            sender.send(mailMessage);
            return new Outcome(true, "accepted by the SMTP server");
        } catch (MailException e) {
            return new Outcome(false, "the SMTP server refused or could not be reached: " + describe(e));
        }
    }

    private static String describe(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getMessage();
        return root.getClass().getSimpleName() + (text == null || text.isBlank() ? "" : " (" + text + ")");
    }
}
