package dev.migrationpanel.database;

/** A failure reaching or using an instance's database, told in one line with no secret in it. */
public class DatabaseException extends RuntimeException {

    public DatabaseException(String message) {
        super(message);
    }
}
