package dev.migrationpanel.instance;

/** The web server in front of the install, restarted at the end of an upgrade or migration. */
public enum WebServer {
    NGINX("nginx"), APACHE("Apache"), CUSTOM("Custom restart command"), NONE("None");

    private final String label;

    WebServer(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
