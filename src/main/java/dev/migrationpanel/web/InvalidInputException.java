package dev.migrationpanel.web;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Input the server refused, with one message per offending field. Pages show each message next to its
 * field; the API answers 400 with the same messages.
 */
public class InvalidInputException extends RuntimeException {

    private final Map<String, String> fieldErrors;

    public InvalidInputException(Map<String, String> fieldErrors) {
        super(summary(fieldErrors));
        this.fieldErrors = Collections.unmodifiableMap(new LinkedHashMap<>(fieldErrors));
    }

    public static InvalidInputException of(String field, String message) {
        return new InvalidInputException(Map.of(field, message));
    }

    public Map<String, String> fieldErrors() {
        return fieldErrors;
    }

    private static String summary(Map<String, String> errors) {
        return errors.size() == 1 ? errors.values().iterator().next()
                : errors.size() + " fields need attention: " + String.join("; ", errors.values());
    }
}
