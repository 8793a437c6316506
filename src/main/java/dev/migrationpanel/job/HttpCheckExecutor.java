package dev.migrationpanel.job;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.springframework.stereotype.Component;

/** GETs a URL and checks its status and, if asked, that its body contains a text. */
@Component
class HttpCheckExecutor implements StepExecutor {

    private static final int SHOWN_BODY_CHARS = 300;

    @Override
    public String kind() {
        return StepSpec.HTTP_CHECK;
    }

    @Override
    public StepResult execute(StepRun run) throws InterruptedException {
        StepSpec.HttpCheck spec = (StepSpec.HttpCheck) run.spec();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> response;
        try {
            response = client.send(HttpRequest.newBuilder(URI.create(spec.url())).timeout(run.timeout()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException | IllegalArgumentException e) {
            throw new StepFailedException("GET " + spec.url() + " failed: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        String body = response.body() == null ? "" : response.body();
        run.out("HTTP " + response.statusCode() + " " + body.substring(0, Math.min(SHOWN_BODY_CHARS, body.length()))
                .replaceAll("\\s+", " "));
        if (response.statusCode() != spec.expectedStatus()) {
            throw new StepFailedException("GET " + spec.url() + " answered " + response.statusCode() + ", expected "
                    + spec.expectedStatus());
        }
        if (spec.bodyContains() != null && !spec.bodyContains().isEmpty() && !body.contains(spec.bodyContains())) {
            throw new StepFailedException("GET " + spec.url() + " answered without \"" + spec.bodyContains() + "\" in its body");
        }
        return StepResult.done("HTTP " + response.statusCode());
    }
}
