package dev.migrationpanel.web;

/** A request that collides with the state of things (an instance busy with another job): 409 in the API. */
public class ConflictException extends RuntimeException {

    public ConflictException(String message) {
        super(message);
    }
}
