package dev.migrationpanel.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;

import dev.migrationpanel.web.NotFoundException;

/** Sends a download: headers from the row, the body streamed from the store. Shared by page and API. */
final class ArtifactResponses {

    static final String CHECKSUM_HEADER = "X-Checksum-SHA256";

    private ArtifactResponses() {
    }

    static void send(ArtifactStore.Download download, HttpServletResponse response) throws IOException {
        Artifact artifact = download.artifact();
        response.setContentType(artifact.getContentType());
        response.setContentLengthLong(artifact.getSizeBytes());
        response.setHeader("Content-Disposition", contentDisposition(artifact.getName(), artifact.getId()));
        response.setHeader(CHECKSUM_HEADER, artifact.getSha256());
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        try (InputStream in = download.content()) {
            OutputStream out = response.getOutputStream();
            in.transferTo(out);
            out.flush();
        }
    }

    /**
     * {@code attachment; filename="…"} with an ASCII-only, quote-free last path segment of the name, plus
     * {@code filename*=UTF-8''…} (RFC 5987/6266) when the name has characters beyond ASCII.
     */
    static String contentDisposition(String name, String id) {
        String base = name == null ? "" : name.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1);
        StringBuilder ascii = new StringBuilder();
        StringBuilder unicode = new StringBuilder();
        boolean beyondAscii = false;
        for (int i = 0; i < base.length(); ) {
            int cp = base.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT) {
                continue;
            }
            unicode.appendCodePoint(cp);
            if (cp > 0x7e) {
                beyondAscii = true;
                ascii.append('_');
            } else if (cp == '"' || cp == ';' || cp == '%') {
                ascii.append('_');
            } else {
                ascii.append((char) cp);
            }
        }
        String fallback = ascii.toString().strip();
        if (fallback.isEmpty() || fallback.chars().allMatch(c -> c == '.')) {
            fallback = "artifact-" + id.substring(0, 8);
            beyondAscii = false;
        }
        String header = "attachment; filename=\"" + fallback + "\"";
        if (beyondAscii) {
            header += "; filename*=UTF-8''" + rfc5987(unicode.toString().strip());
        }
        return header;
    }

    private static String rfc5987(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$&+-.^_`|~".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** A job id from a path: a positive number, or not found. */
    static long jobId(String text) {
        if (text == null || !text.matches("[0-9]{1,18}")) {
            throw new NotFoundException("No such job");
        }
        return Long.parseLong(text);
    }
}
