package dev.migrationpanel.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.util.unit.DataSize;

import tools.jackson.databind.json.JsonMapper;

/** The API's body limit: by Content-Length before reading, and on the way for a body sent in chunks. */
class ApiBodyLimitTest {

    private final ApiBodyLimit limit = new ApiBodyLimit(DataSize.ofKilobytes(1), JsonMapper.builder().build());

    /** A handler that reads the whole body, as the JSON converter does. */
    private static final HttpServlet READER = new HttpServlet() {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws java.io.IOException {
            response.getWriter().write("read " + request.getInputStream().readAllBytes().length);
        }
    };

    private static MockHttpServletRequest api(byte[] body, boolean chunked) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v1/jobs/plan") {
            @Override
            public long getContentLengthLong() {
                return chunked ? -1 : super.getContentLengthLong();
            }

            @Override
            public int getContentLength() {
                return chunked ? -1 : super.getContentLength();
            }
        };
        request.setContentType("application/json");
        request.setContent(body);
        return request;
    }

    @Test
    void aBodyOverTheLimitIsRefusedBeforeItIsRead() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        limit.doFilter(api(new byte[1025], false), response, new MockFilterChain(READER));
        assertThat(response.getStatus()).isEqualTo(413);
        assertThat(response.getContentType()).startsWith("application/problem+json");
        assertThat(response.getContentAsString(StandardCharsets.UTF_8))
                .contains("\"detail\":\"The request body is larger than the API takes (1 KiB)\"")
                .contains("\"instance\":\"/api/v1/jobs/plan\"");
    }

    @Test
    void aChunkedBodyStopsAtTheLimitAndOneWithinPasses() throws Exception {
        assertThatThrownBy(() -> limit.doFilter(api(new byte[5000], true), new MockHttpServletResponse(),
                new MockFilterChain(READER)))
                .satisfies(e -> assertThat(ApiBodyLimit.tooLarge(e)).isEqualTo("The request body is larger than the API takes (1 KiB)"));

        MockHttpServletResponse fits = new MockHttpServletResponse();
        limit.doFilter(api(new byte[1024], true), fits, new MockFilterChain(READER));
        assertThat(fits.getContentAsString()).isEqualTo("read 1024");

        MockHttpServletResponse page = new MockHttpServletResponse();
        MockHttpServletRequest form = api(new byte[5000], false);
        form.setRequestURI("/instances/1/upgrade");
        limit.doFilter(form, page, new MockFilterChain(READER));
        assertThat(page.getContentAsString()).as("pages are not the API's").isEqualTo("read 5000");
    }
}
