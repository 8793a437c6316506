package dev.migrationpanel.instance;

/** Where the install lives, relative to the SSH host the panel logs in to. */
public enum DeploymentType {
    HOST("Plain host"),
    DOCKER("Docker container on that host"),
    KUBERNETES("Kubernetes pod via kubectl on that host");

    private final String label;

    DeploymentType(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
