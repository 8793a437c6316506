package dev.migrationpanel.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * The API chain's answers to "who are you?" (401) and "you may not" (403): an RFC 9457
 * {@code application/problem+json} body with a one-line detail. Never HTML, a redirect or a stack trace.
 */
final class ApiProblemHandlers implements AuthenticationEntryPoint, AccessDeniedHandler {

    static final String NO_TOKEN = "Sign in with an API token: Authorization: Bearer <token> "
            + "(create one on your Account page)";
    static final String BAD_TOKEN = "The API token is unknown or revoked, or its user is disabled";

    /** Thrown (never logged) when a presented bearer token does not authenticate. */
    static final class InvalidApiTokenException extends AuthenticationException {
        private static final long serialVersionUID = 1L;

        InvalidApiTokenException() {
            super(BAD_TOKEN);
        }
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response,
            AuthenticationException exception) throws IOException {
        boolean badToken = exception instanceof InvalidApiTokenException;
        response.setHeader("WWW-Authenticate", badToken
                ? "Bearer error=\"invalid_token\", error_description=\"" + BAD_TOKEN + "\""
                : "Bearer");
        write(request, response, HttpServletResponse.SC_UNAUTHORIZED, "Unauthorized", badToken ? BAD_TOKEN : NO_TOKEN);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
            throws IOException {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        Role role = auth == null ? null : Roles.highest(auth.getAuthorities());
        String detail = role == null ? "You may not do this" : "Your role " + role + " may not do this";
        write(request, response, HttpServletResponse.SC_FORBIDDEN, "Forbidden", detail);
    }

    static void write(HttpServletRequest request, HttpServletResponse response, int status, String title,
            String detail) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        String body = "{\"type\":\"about:blank\",\"title\":" + quote(title) + ",\"status\":" + status
                + ",\"detail\":" + quote(detail) + ",\"instance\":" + quote(request.getRequestURI()) + "}";
        response.getWriter().write(body);
        response.getWriter().flush();
    }

    static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
