package dev.migrationpanel.job;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Job engine settings ({@code panel.jobs.*}). Worker threads, polling and heartbeats are db-scheduler's
 * own properties ({@code db-scheduler.threads}, …).
 *
 * @param nodeName         this panel node's name in a cluster; jobs it was running when it stopped are
 *                         marked interrupted when it starts again (default: the host name)
 * @param cancelPoll       how often a running job looks for a cancel request (also one made on another node)
 */
@ConfigurationProperties("panel.jobs")
public record JobProperties(String nodeName, @DefaultValue("500ms") Duration cancelPoll) {

    public String node() {
        if (nodeName != null && !nodeName.isBlank()) {
            return nodeName;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "panel";
        }
    }
}
