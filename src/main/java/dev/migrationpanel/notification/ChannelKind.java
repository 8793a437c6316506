package dev.migrationpanel.notification;

/** How a channel tells: an HTTP POST of signed JSON, or an e-mail through the panel's SMTP server. */
public enum ChannelKind {
    WEBHOOK("Webhook"),
    EMAIL("E-mail");

    private final String label;

    ChannelKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
