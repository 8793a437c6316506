package dev.migrationpanel.notification;

import java.util.List;

/**
 * What the admin typed to add a channel, as posted.
 *
 * @param kind          WEBHOOK or EMAIL
 * @param url           the webhook's address
 * @param signingSecret the webhook's HMAC key; blank: the panel makes one and shows it once
 * @param recipients    e-mail addresses, separated by commas or spaces
 * @param instanceId    blank: every instance; else one instance's id
 * @param statuses      the outcomes that are told: SUCCEEDED, FAILED, CANCELLED, INTERRUPTED
 */
record ChannelForm(String name, String kind, String url, String signingSecret, String recipients, String instanceId,
        List<String> statuses) {

    static ChannelForm blank() {
        return new ChannelForm("", ChannelKind.WEBHOOK.name(), "", "", "", "", List.of("FAILED", "INTERRUPTED"));
    }

    /** For the page after a refusal: everything kept but the secret, which is never sent back. */
    ChannelForm withoutSecret() {
        return new ChannelForm(name, kind, url, "", recipients, instanceId, statuses);
    }
}
