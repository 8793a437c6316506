package dev.migrationpanel.web;

/** A thing asked for by id that does not exist: 404 in the API, the not-found page in the browser. */
public class NotFoundException extends RuntimeException {

    public NotFoundException(String message) {
        super(message);
    }
}
