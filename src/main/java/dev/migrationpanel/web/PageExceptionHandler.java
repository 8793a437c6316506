package dev.migrationpanel.web;

import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.orm.ObjectOptimisticLockingFailureException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.servlet.ModelAndView;

/** Failures in pages: a page with one line for the admin, the details only in the panel's log. */
@ControllerAdvice(annotations = Controller.class)
class PageExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(PageExceptionHandler.class);

    @ExceptionHandler(NotFoundException.class)
    ModelAndView notFound(NotFoundException e) {
        return page(HttpStatus.NOT_FOUND, e.getMessage());
    }

    /** A page's input refused where no form can show it by its field (a filter, a page number in the address). */
    @ExceptionHandler(InvalidInputException.class)
    ModelAndView invalid(InvalidInputException e) {
        return page(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    @ExceptionHandler(GoneException.class)
    ModelAndView gone(GoneException e) {
        return page(HttpStatus.GONE, e.getMessage());
    }

    @ExceptionHandler(AccessDeniedException.class)
    void denied(AccessDeniedException e) {
        throw e; // Spring Security's handler shows the 403 page or sends a signed-out user to the login
    }

    @ExceptionHandler(ObjectOptimisticLockingFailureException.class)
    ModelAndView conflict(ObjectOptimisticLockingFailureException e) {
        return page(HttpStatus.CONFLICT, "Someone else changed this meanwhile: open it again and redo your change");
    }

    /** {@code /jobs/abc}: an address with a value where an id goes names nothing. */
    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ModelAndView notAnId(MethodArgumentTypeMismatchException e) {
        String value = String.valueOf(e.getValue());
        String shown = value.length() > 40 ? value.substring(0, 40) + "…" : value;
        return page(HttpStatus.NOT_FOUND, "There is nothing at this address: '" + shown + "' is not an id (ids are numbers)");
    }

    @ExceptionHandler({MissingServletRequestParameterException.class, HttpMessageNotReadableException.class})
    ModelAndView badRequest(Exception e) {
        return page(HttpStatus.BAD_REQUEST, e instanceof MissingServletRequestParameterException m
                ? "The form is missing its field '" + m.getParameterName() + "'"
                : "The request could not be read");
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ModelAndView method(HttpRequestMethodNotSupportedException e) {
        return page(HttpStatus.METHOD_NOT_ALLOWED, "This address does not answer a " + e.getMethod());
    }

    /** The browser went away (it closed a live log): no one to answer, nothing went wrong. */
    @ExceptionHandler(AsyncRequestNotUsableException.class)
    void clientGone(AsyncRequestNotUsableException e) {
        log.debug("Client went away: {}", e.getMessage());
    }

    @ExceptionHandler(Exception.class)
    ModelAndView unexpected(Exception e) {
        String reference = UUID.randomUUID().toString().substring(0, 8);
        log.error("Page request failed, reference {}", reference, e);
        return page(HttpStatus.INTERNAL_SERVER_ERROR,
                "The panel failed unexpectedly; the panel log has the details under reference " + reference);
    }

    private static ModelAndView page(HttpStatus status, String message) {
        ModelAndView mav = new ModelAndView("error/problem");
        mav.setStatus(status);
        mav.addObject("status", status.value());
        mav.addObject("reason", status.getReasonPhrase());
        mav.addObject("message", message);
        // an exception handler's model gets no @ModelAttribute: without the user the layout drops the navigation
        mav.addObject("currentUser", CurrentUserAdvice.current());
        return mav;
    }
}
