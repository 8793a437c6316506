package dev.migrationpanel.web;

import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.orm.ObjectOptimisticLockingFailureException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingPathVariableException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;

import dev.migrationpanel.database.DatabaseException;
import dev.migrationpanel.remote.RemoteException;
import tools.jackson.core.JacksonException;

/**
 * Every API failure as {@code application/problem+json} with a one-line {@code detail}: never a stack
 * trace, never exception text that was not written for an admin.
 */
@RestControllerAdvice(annotations = RestController.class)
class ApiExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(InvalidInputException.class)
    ProblemDetail invalid(InvalidInputException e) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid input", e.getMessage());
        problem.setProperty("errors", e.fieldErrors());
        return problem;
    }

    @ExceptionHandler(NotFoundException.class)
    ProblemDetail notFound(NotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "Not found", e.getMessage());
    }

    @ExceptionHandler(GoneException.class)
    ProblemDetail gone(GoneException e) {
        return problem(HttpStatus.GONE, "Gone", e.getMessage());
    }

    @ExceptionHandler(ConflictException.class)
    ProblemDetail conflict(ConflictException e) {
        return problem(HttpStatus.CONFLICT, "Conflict", e.getMessage());
    }

    /** The instance could not be reached or read while answering (e.g. building a plan). */
    @ExceptionHandler({RemoteException.class, DatabaseException.class})
    ProblemDetail instanceUnreachable(RuntimeException e) {
        return problem(HttpStatus.BAD_GATEWAY, "Instance unreachable", e.getMessage());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ProblemDetail unreadable(HttpMessageNotReadableException e) {
        String tooLarge = ApiBodyLimit.tooLarge(e);
        if (tooLarge != null) {
            return problem(HttpStatus.CONTENT_TOO_LARGE, "Content too large", tooLarge);
        }
        if (e.getMessage() != null && e.getMessage().startsWith("Required request body is missing")) {
            return problem(HttpStatus.BAD_REQUEST, "Invalid input", "The request needs a JSON body");
        }
        String field = jsonField(e);
        if (field != null) {
            ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid input",
                    "'" + field + "' has a value of the wrong type or an unknown choice");
            problem.setProperty("errors", java.util.Map.of(field, "a value of the wrong type or an unknown choice"));
            return problem;
        }
        return problem(HttpStatus.BAD_REQUEST, "Invalid input",
                "The request body is not valid JSON, or not the JSON object this request takes");
    }

    /** The body field a JSON binding error is about ({@code options.ref}), when it is a plain name. */
    private static String jsonField(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JacksonException jackson && !jackson.getPath().isEmpty()) {
                String path = jackson.getPath().stream().map(r -> r.getPropertyName() != null ? r.getPropertyName()
                        : String.valueOf(r.getIndex())).collect(java.util.stream.Collectors.joining("."));
                return path.length() <= 100 && path.matches("[A-Za-z0-9_.-]+") ? path : null;
            }
        }
        return null;
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail typeMismatch(MethodArgumentTypeMismatchException e) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid input", "'" + e.getName() + "' has a value of the wrong type");
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ProblemDetail missingParameter(MissingServletRequestParameterException e) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid input",
                "The parameter '" + e.getParameterName() + "' is required");
        problem.setProperty("errors", java.util.Map.of(e.getParameterName(), "required"));
        return problem;
    }

    @ExceptionHandler(MissingRequestHeaderException.class)
    ProblemDetail missingHeader(MissingRequestHeaderException e) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid input", "The header '" + e.getHeaderName() + "' is required");
    }

    /**
     * A path variable that is empty once converted is the client's; one the handler names but its mapping does
     * not declare is a fault of the panel, and stays a 500.
     */
    @ExceptionHandler(MissingPathVariableException.class)
    ProblemDetail missingPathVariable(MissingPathVariableException e) {
        if (!e.isMissingAfterConversion()) {
            return unexpected(e);
        }
        return problem(HttpStatus.BAD_REQUEST, "Invalid input", "The path needs a value for '" + e.getVariableName() + "'");
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ProblemDetail mediaType(HttpMediaTypeNotSupportedException e) {
        return problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type", e.getContentType() == null
                ? "Send the body as JSON, with Content-Type: application/json"
                : "The body is " + e.getContentType().getType() + "/" + e.getContentType().getSubtype()
                        + ": send it as JSON, with Content-Type: application/json");
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ProblemDetail notAcceptable(HttpMediaTypeNotAcceptableException e) {
        return problem(HttpStatus.NOT_ACCEPTABLE, "Not acceptable", "This answers in JSON: accept application/json");
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ProblemDetail uploadTooLarge(MaxUploadSizeExceededException e) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, "Content too large", e.getMaxUploadSize() > 0
                ? "The upload is larger than the panel takes (" + ApiBodyLimit.words(
                        org.springframework.util.unit.DataSize.ofBytes(e.getMaxUploadSize())) + ")"
                : "The upload is larger than the panel takes");
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ProblemDetail method(HttpRequestMethodNotSupportedException e) {
        return problem(HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed", e.getMethod() + " is not allowed here");
    }

    @ExceptionHandler(AccessDeniedException.class)
    void denied(AccessDeniedException e) {
        throw e; // Spring Security's handler answers 403 with the caller's role
    }

    @ExceptionHandler(ObjectOptimisticLockingFailureException.class)
    ProblemDetail concurrentChange(ObjectOptimisticLockingFailureException e) {
        return problem(HttpStatus.CONFLICT, "Conflict", "Someone else changed this meanwhile: read it again and retry");
    }

    /**
     * The client went away — a browser closed a live log — and writing to it failed: there is no one to answer and
     * nothing went wrong (answering with a problem would fail again, on an event stream).
     */
    @ExceptionHandler(AsyncRequestNotUsableException.class)
    void clientGone(AsyncRequestNotUsableException e) {
        log.debug("Client went away: {}", e.getMessage());
    }

    @ExceptionHandler(Exception.class)
    ProblemDetail unexpected(Exception e) {
        String reference = UUID.randomUUID().toString().substring(0, 8);
        log.error("API request failed, reference {}", reference, e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
                "The panel failed unexpectedly; the panel log has the details under reference " + reference);
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }
}
