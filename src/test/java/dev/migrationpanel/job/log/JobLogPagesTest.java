package dev.migrationpanel.job.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import dev.migrationpanel.job.JobStatus;

/** Pages forwards and backwards, the text download, 404s and signed-out access. */
class JobLogPagesTest extends JobLogTestSupport {

    String token;

    @BeforeEach
    void setUp() {
        token = token();
    }

    private static org.springframework.test.web.servlet.request.RequestPostProcessor viewer() {
        return user("log-viewer").roles("VIEWER");
    }

    private MockHttpServletRequestBuilder api(String path) {
        return get(path).header("Authorization", "Bearer " + token);
    }

    @Test
    void pagesForwardsAndBackwards() throws Exception {
        long id = jobWithLines(JobStatus.SUCCEEDED, 12_000);
        String base = "/api/v1/jobs/" + id + "/log";
        mvc.perform(api(base + "?after=0&limit=5000")).andExpect(status().isOk())
                .andExpect(jsonPath("$.lines.length()").value(5000))
                .andExpect(jsonPath("$.lines[0].seq").value(1))
                .andExpect(jsonPath("$.lines[0].line").value("line 1"))
                .andExpect(jsonPath("$.lines[0].stream").value("OUT"))
                .andExpect(jsonPath("$.lines[0].step").value(1))
                .andExpect(jsonPath("$.next").value(5000));
        mvc.perform(api(base + "?after=5000&limit=5000"))
                .andExpect(jsonPath("$.lines[0].seq").value(5001)).andExpect(jsonPath("$.next").value(10000));
        mvc.perform(api(base + "?after=10000&limit=5000"))
                .andExpect(jsonPath("$.lines.length()").value(2000))
                .andExpect(jsonPath("$.lines[1999].seq").value(12000))
                .andExpect(jsonPath("$.next").isEmpty());

        mvc.perform(api(base + "?tail=true&limit=5000"))
                .andExpect(jsonPath("$.lines.length()").value(5000))
                .andExpect(jsonPath("$.lines[0].seq").value(7001))
                .andExpect(jsonPath("$.lines[4999].seq").value(12000))
                .andExpect(jsonPath("$.next").value(7001));
        mvc.perform(api(base + "?before=7001&limit=5000"))
                .andExpect(jsonPath("$.lines[0].seq").value(2001))
                .andExpect(jsonPath("$.lines[4999].seq").value(7000))
                .andExpect(jsonPath("$.next").value(2001));
        mvc.perform(api(base + "?before=2001&limit=5000"))
                .andExpect(jsonPath("$.lines.length()").value(2000))
                .andExpect(jsonPath("$.lines[0].seq").value(1))
                .andExpect(jsonPath("$.next").isEmpty());

        mvc.perform(api(base + "?after=0&limit=5001")).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.limit", containsString("5000")));
        mvc.perform(api(base + "?after=0&before=9")).andExpect(status().isBadRequest());
    }

    @Test
    void theBrowserPagesWithItsSession() throws Exception {
        long id = jobWithLines(JobStatus.RUNNING, 5);
        mvc.perform(get("/jobs/" + id + "/log?tail=true&limit=2").with(viewer())).andExpect(status().isOk())
                .andExpect(jsonPath("$.lines[0].line").value("line 4"))
                .andExpect(jsonPath("$.next").value(4));
    }

    @Test
    void theDownloadStreamsTheWholeLogAsText() throws Exception {
        int n = 200_000;
        long id = newJob(JobStatus.SUCCEEDED);
        try (JobLogWriter writer = logs.open(id, NO_SECRETS)) {
            writer.panel(null, "job started");
            for (int i = 2; i < n; i++) {
                writer.line(1, LogStream.OUT, "line " + i);
            }
            writer.line(2, LogStream.ERR, "the end");
        }
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/jobs/" + id + "/log.txt"))
                        .header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Disposition"))
                .contains("attachment; filename=\"job-" + id + ".log\"");
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
        // streamed: no length known up front
        assertThat(response.headers().firstValue("Content-Length")).isEmpty();
        String first = null;
        String last = null;
        String line;
        int count = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            while ((line = in.readLine()) != null) {
                if (first == null) {
                    first = line;
                }
                if (count == 1) {
                    assertThat(line).matches("\\S+Z \\[step 1\\] OUT line 2");
                }
                last = line;
                count++;
            }
        }
        assertThat(count).isEqualTo(n);
        assertThat(first).matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z PANEL job started");
        assertThat(last).matches("\\S+Z \\[step 2\\] ERR the end");
    }

    @Test
    void theWebDownloadHasTheSameText() throws Exception {
        long id = jobWithLines(JobStatus.SUCCEEDED, 2);
        String body = mvc.perform(get("/jobs/" + id + "/log.txt").with(viewer())).andExpect(status().isOk())
                .andExpect(header().string("Content-Disposition", "attachment; filename=\"job-" + id + ".log\""))
                .andReturn().getResponse().getContentAsString();
        assertThat(body.split("\n")).hasSize(2);
        assertThat(body).endsWith("[step 1] OUT line 2\n");
    }

    @Test
    void anUnknownJobIs404WithOneLine() throws Exception {
        for (String path : new String[] {"/api/v1/jobs/99999999/log", "/api/v1/jobs/99999999/log.txt",
                "/api/v1/jobs/99999999/log?before=5"}) {
            mvc.perform(api(path)).andExpect(status().isNotFound())
                    .andExpect(content().contentTypeCompatibleWith("application/problem+json"))
                    .andExpect(jsonPath("$.detail").value("No job with id 99999999"));
        }
    }

    @Test
    void anUnknownJobIs404InTheBrowserToo() throws Exception {
        mvc.perform(get("/jobs/99999999/log.txt").with(viewer())).andExpect(status().isNotFound())
                .andExpect(jsonPath("$.detail").value("No job with id 99999999"));
    }

    @Test
    void signedOutAccessIsRefused() throws Exception {
        long id = jobWithLines(JobStatus.SUCCEEDED, 1);
        mvc.perform(get("/jobs/" + id + "/log.txt")).andExpect(status().isFound())
                .andExpect(header().string("Location", endsWith("/login")));
        mvc.perform(get("/jobs/" + id + "/log")).andExpect(status().isFound());
        mvc.perform(get("/api/v1/jobs/" + id + "/log.txt")).andExpect(status().isUnauthorized());
        mvc.perform(get("/api/v1/jobs/" + id + "/log")).andExpect(status().isUnauthorized());
        mvc.perform(get("/api/v1/jobs/" + id + "/log").header("Authorization", "Bearer mpt_not-a-token"))
                .andExpect(status().isUnauthorized());
    }
}
