package dev.migrationpanel.instance;

/** An instance by id and name only, for lists that choose one (a filter): no settings, no secrets. */
public record InstanceName(long id, String name) {
}
