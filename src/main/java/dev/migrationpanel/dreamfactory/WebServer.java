package dev.migrationpanel.dreamfactory;

/** The web server in front of a DreamFactory install, restarted at the end of an upgrade or migration (a DreamFactory setting, see {@link WebSettings}). */
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
