package dev.migrationpanel.instance;

/** How one pre-flight item came out; ordered from harmless to stopping. */
public enum CheckStatus {
    OK, WARNING, BLOCKING;

    public CheckStatus worst(CheckStatus other) {
        return other.compareTo(this) > 0 ? other : this;
    }
}
