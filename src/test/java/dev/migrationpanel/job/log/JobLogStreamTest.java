package dev.migrationpanel.job.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.migrationpanel.job.JobStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The live stream through a real Tomcat, read as raw text/event-stream. */
class JobLogStreamTest extends JobLogTestSupport {

    static final Duration WAIT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = JsonMapper.builder().build();

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    @Test
    void resumesAfterLastEventIdFollowsLiveLinesAndEndsWhenTheJobIsOver() throws Exception {
        long id = newJob(JobStatus.RUNNING);
        JobLogWriter writer = logs.open(id, NO_SECRETS);
        for (int i = 1; i <= 100; i++) {
            writer.line(i <= 50 ? 1 : 2, i % 10 == 0 ? LogStream.ERR : LogStream.OUT, "line " + i);
        }
        writer.flush();
        try (SseClient sse = new SseClient(http, url("/api/v1/jobs/" + id + "/log/stream"),
                Map.of("Authorization", "Bearer " + token(), "Last-Event-ID", "57"))) {
            assertThat(sse.response.statusCode()).isEqualTo(200);
            assertThat(sse.response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
            assertThat(sse.response.headers().firstValue("X-Accel-Buffering")).contains("no");
            assertThat(sse.response.headers().firstValue("Cache-Control").orElseThrow()).contains("no-cache");

            for (int seq = 58; seq <= 100; seq++) {
                SseClient.Event event = sse.next(WAIT);
                assertThat(event).as("event %d", seq).isNotNull();
                assertThat(event.event()).isEqualTo("line");
                assertThat(event.id()).isEqualTo(String.valueOf(seq));
                JsonNode data = json.readTree(event.data());
                assertThat(data.get("seq").asLong()).isEqualTo(seq);
                assertThat(data.get("line").asString()).isEqualTo("line " + seq);
                assertThat(data.get("step").asInt()).isEqualTo(2);
                assertThat(data.get("stream").asString()).isEqualTo(seq % 10 == 0 ? "ERR" : "OUT");
                assertThat(data.get("at").asString()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            }
            // live lines arrive without a poll delay (the hub wakes the stream)
            writer.panel(3, "step 3 started");
            SseClient.Event live = sse.next(WAIT);
            assertThat(live.id()).isEqualTo("101");
            assertThat(json.readTree(live.data()).get("stream").asString()).isEqualTo("PANEL");
            for (int i = 102; i <= 120; i++) {
                writer.line(3, LogStream.OUT, "more " + i);
            }
            for (int seq = 102; seq <= 120; seq++) {
                assertThat(sse.next(WAIT).id()).isEqualTo(String.valueOf(seq));
            }
            writer.close();
            setStatus(id, JobStatus.SUCCEEDED);
            SseClient.Event end = sse.next(WAIT);
            assertThat(end.event()).isEqualTo("end");
            assertThat(end.data()).isEqualTo("SUCCEEDED");
            assertThat(sse.next(WAIT)).isEqualTo(SseClient.EOF);
        }
    }

    @Test
    void aFirstConnectionStartsAfterTheAfterParameterAndReplaysLongLogsInPages() throws Exception {
        long id = jobWithLines(JobStatus.FAILED, 12_000);
        try (SseClient sse = new SseClient(http, url("/api/v1/jobs/" + id + "/log/stream?after=10"),
                Map.of("Authorization", "Bearer " + token()))) {
            for (int seq = 11; seq <= 12_000; seq++) {
                SseClient.Event event = sse.next(WAIT);
                assertThat(event.id()).isEqualTo(String.valueOf(seq));
            }
            assertThat(sse.next(WAIT).event()).isEqualTo("end");
            assertThat(sse.next(WAIT)).isEqualTo(SseClient.EOF);
        }
    }

    @Test
    void anIdleStreamSendsHeartbeatsAndAClientThatGoesAwayIsReleased() throws Exception {
        long id = newJob(JobStatus.WAITING);
        int before = streams.openStreams();
        SseClient sse = new SseClient(http, url("/api/v1/jobs/" + id + "/log/stream"),
                Map.of("Authorization", "Bearer " + token()));
        SseClient.Event first = sse.nextRaw(WAIT);
        assertThat(first.event()).isEqualTo("comment");
        assertThat(first.data()).isEqualTo(": keep-alive");
        assertThat(streams.openStreams()).isEqualTo(before + 1);
        sse.close();
        long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (streams.openStreams() > before && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        assertThat(streams.openStreams()).isEqualTo(before);
    }

    @Test
    void theWebRouteStreamsToASignedInBrowserSession() throws Exception {
        long id = jobWithLines(JobStatus.SUCCEEDED, 3);
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        String name = username("log-web");
        HttpResponse<String> login = browser.send(HttpRequest.newBuilder(URI.create(url("/login"))).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(login.body());
        assertThat(csrf.find()).isTrue();
        HttpResponse<String> signIn = browser.send(HttpRequest.newBuilder(URI.create(url("/login")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + enc(name) + "&password=" + enc(PASSWORD)
                        + "&_csrf=" + enc(csrf.group(1)))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signIn.statusCode()).isEqualTo(302);
        assertThat(signIn.headers().firstValue("Location").orElseThrow()).doesNotContain("error");

        try (SseClient sse = new SseClient(browser, url("/jobs/" + id + "/log/stream"), Map.of())) {
            assertThat(sse.response.statusCode()).isEqualTo(200);
            assertThat(sse.next(WAIT).id()).isEqualTo("1");
            assertThat(sse.next(WAIT).id()).isEqualTo("2");
            assertThat(sse.next(WAIT).id()).isEqualTo("3");
            assertThat(sse.next(WAIT).event()).isEqualTo("end");
        }
    }

    @Test
    void signedOutAndUnknownJobsGetNoStream() throws Exception {
        long id = jobWithLines(JobStatus.RUNNING, 1);
        HttpResponse<String> web = http.send(HttpRequest.newBuilder(URI.create(url("/jobs/" + id + "/log/stream"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(web.statusCode()).isEqualTo(302);
        assertThat(web.headers().firstValue("Location").orElseThrow()).endsWith("/login");
        HttpResponse<String> api = http.send(HttpRequest.newBuilder(URI.create(url("/api/v1/jobs/" + id + "/log/stream")))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).isEqualTo(401);
        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create(url("/api/v1/jobs/99999999/log/stream")))
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + token()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("No job with id 99999999").doesNotContain("\n");
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
