package dev.migrationpanel.instance;

public enum SshAuthMethod {
    PASSWORD, PRIVATE_KEY
}
