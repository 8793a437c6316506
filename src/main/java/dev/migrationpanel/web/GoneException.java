package dev.migrationpanel.web;

/** A thing asked for by id that existed but may no longer be used (a reviewed plan past its time): 410 in the API. */
public class GoneException extends RuntimeException {

    public GoneException(String message) {
        super(message);
    }
}
