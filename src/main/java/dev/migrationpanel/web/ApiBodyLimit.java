package dev.migrationpanel.web;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

import tools.jackson.databind.json.JsonMapper;

/**
 * The API reads JSON bodies of up to {@code panel.api.max-body-size} (1 MiB by default; the largest it takes, an
 * instance with its private key, is a few KiB). A larger body is refused with 413 before it is read: by its
 * Content-Length, or, sent in chunks, as soon as more than that has been read.
 */
@Component
class ApiBodyLimit extends OncePerRequestFilter {

    /** Thrown by the body's stream once the limit is passed; the handler of unreadable bodies answers 413. */
    static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(String message) {
            super(message);
        }
    }

    private final long limit;
    private final String detail;
    private final JsonMapper json;

    ApiBodyLimit(@Value("${panel.api.max-body-size:1MB}") DataSize limit, JsonMapper json) {
        this.limit = limit.toBytes();
        this.detail = "The request body is larger than the API takes (" + words(limit) + ")";
        this.json = json;
    }

    /** The one-line answer when a body was too large, or null when {@code e} is about something else. */
    static String tooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TooLargeException tooLarge) {
                return tooLarge.getMessage();
            }
        }
        return null;
    }

    static String words(DataSize size) {
        long bytes = size.toBytes();
        if (bytes % (1024 * 1024) == 0) {
            return bytes / (1024 * 1024) + " MiB";
        }
        return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " bytes";
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith(request.getContextPath() + "/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long length = request.getContentLengthLong();
        if (length > limit) {
            Map<String, Object> problem = new LinkedHashMap<>();
            problem.put("type", "about:blank");
            problem.put("title", "Content too large");
            problem.put("status", HttpStatus.CONTENT_TOO_LARGE.value());
            problem.put("detail", detail);
            problem.put("instance", request.getRequestURI());
            response.setStatus(HttpStatus.CONTENT_TOO_LARGE.value());
            response.setContentType("application/problem+json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.getWriter().write(json.writeValueAsString(problem));
            return;
        }
        chain.doFilter(length >= 0 ? request : new Limited(request), response);
    }

    /** A request whose body stream stops with {@link TooLargeException} past the limit. */
    private final class Limited extends HttpServletRequestWrapper {

        private ServletInputStream stream;

        Limited(HttpServletRequest request) {
            super(request);
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                ServletInputStream in = super.getInputStream();
                stream = new ServletInputStream() {
                    private long read;

                    private int count(int n) throws TooLargeException {
                        if (n > 0) {
                            read += n;
                            if (read > limit) {
                                throw new TooLargeException(detail);
                            }
                        }
                        return n;
                    }

                    @Override
                    public int read() throws IOException {
                        int b = in.read();
                        if (b >= 0) {
                            count(1);
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        return count(in.read(b, off, len));
                    }

                    @Override
                    public boolean isFinished() {
                        return in.isFinished();
                    }

                    @Override
                    public boolean isReady() {
                        return in.isReady();
                    }

                    @Override
                    public void setReadListener(ReadListener listener) {
                        in.setReadListener(listener);
                    }
                };
            }
            return stream;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            String encoding = getCharacterEncoding();
            return new BufferedReader(new InputStreamReader(getInputStream(),
                    encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding)));
        }
    }
}
