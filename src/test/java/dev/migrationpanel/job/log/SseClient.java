package dev.migrationpanel.job.log;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Reads a raw text/event-stream with java.net.http, parsing events (and comments) on a thread of its own. */
final class SseClient implements AutoCloseable {

    /** One event; {@code comment} events carry the comment text in data. */
    record Event(String id, String event, String data, long receivedNanos) {
    }

    static final Event EOF = new Event(null, "<eof>", null, 0);

    final HttpResponse<InputStream> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Thread reader;

    SseClient(HttpClient client, String url, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET().header("Accept", "text/event-stream");
        headers.forEach(request::header);
        response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        reader = new Thread(this::read, "sse-client");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            StringBuilder data = null;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null || event != null) {
                        events.add(new Event(id, event == null ? "message" : event, data == null ? null : data.toString(),
                                System.nanoTime()));
                    }
                    id = null;
                    event = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    events.add(new Event(null, "comment", line, System.nanoTime()));
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    String d = line.substring(5);
                    d = d.startsWith(" ") ? d.substring(1) : d;
                    data = data == null ? new StringBuilder(d) : data.append('\n').append(d);
                }
            }
        } catch (IOException e) {
            // closed
        }
        events.add(EOF);
    }

    /** The next event other than comments, or null after the timeout. */
    Event next(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Event e = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null || !"comment".equals(e.event())) {
                return e;
            }
        }
    }

    /** The next event including comments, or null after the timeout. */
    Event nextRaw(Duration timeout) throws InterruptedException {
        return events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() throws IOException {
        response.body().close();
    }
}
