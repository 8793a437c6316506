package dev.migrationpanel.dreamfactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.springframework.stereotype.Component;

import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactSpec;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.instance.SystemDbReader;
import dev.migrationpanel.job.JobCheck;
import dev.migrationpanel.job.StepFailedException;
import dev.migrationpanel.job.StepResult;
import dev.migrationpanel.job.StepRun;
import tools.jackson.databind.json.JsonMapper;

/**
 * The migration's optional API check: signs in to the target's REST API with credentials the admin gave
 * (kept as an encrypted artifact, never in the job's options) and compares what a few endpoints list with
 * what the source's system DB holds (beside what the new release's seeders added to the target's: a default
 * service or app the admin had deleted). The source's API is not called: a sign-in there could change it.
 */
@Component
class MigrationApiCheck implements JobCheck {

    static final String ID = "dreamfactory.migration-api-check";
    /** Endpoint under /api/v2/system, the source table it lists, and the column that names a row. */
    static final List<String[]> ENDPOINTS = List.of(new String[] {"user", "user", "email"},
            new String[] {"role", "role", "name"}, new String[] {"service", "service", "name"},
            new String[] {"app", "app", "name"});

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ArtifactStore artifacts;
    private final SystemDbReader reader;
    private final InstanceConnections connections;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    MigrationApiCheck(ArtifactStore artifacts, SystemDbReader reader, InstanceConnections connections) {
        this.artifacts = artifacts;
        this.reader = reader;
        this.connections = connections;
    }

    @Override
    public String id() {
        return ID;
    }

    /** Keeps the sign-in credentials encrypted in the artifact store; returns the artifact's id for the options. */
    String storeCredentials(Instance source, String email, String password) {
        byte[] json = JSON.writeValueAsBytes(Map.of("email", email, "password", password));
        return artifacts.write(new ArtifactSpec(null, source.getId(), null, "api-sign-in.json", ArtifactKind.CREDENTIALS,
                "application/json", true), new java.io.ByteArrayInputStream(json)).getId();
    }

    @Override
    public StepResult run(StepRun run, Map<String, String> args) throws Exception {
        Instance target = run.instance();
        Instance source = run.planInstance(Long.parseLong(args.get("source")));
        // only a sign-in kept for this source by the wizard: never another artifact (its .env, a dump) read as one
        boolean kept = artifacts.find(args.get("credentials")).filter(a -> !a.isDeleted()
                && a.getKind() == ArtifactKind.CREDENTIALS && source.getId().equals(a.getInstanceId())).isPresent();
        if (!kept) {
            throw new StepFailedException("The API sign-in credentials given in the wizard are gone: start the wizard again");
        }
        Map<?, ?> credentials;
        try (InputStream in = artifacts.open(args.get("credentials"))) {
            credentials = JSON.readValue(in, Map.class);
        } catch (IOException | RuntimeException e) {
            throw new StepFailedException("The API sign-in credentials given in the wizard are gone: start the wizard again");
        }
        String email = String.valueOf(credentials.get("email"));
        String password = String.valueOf(credentials.get("password"));
        run.addSecret(password);
        String base = target.getAppUrl().replaceAll("/+$", "");

        HttpResponse<String> session = send(HttpRequest.newBuilder(URI.create(base + "/api/v2/user/session"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(Map.of("email", email, "password", password)))));
        if (session.statusCode() != 200) {
            throw new StepFailedException("Signing in to the target's API as " + email + " failed: HTTP "
                    + session.statusCode() + " " + message(session.body()));
        }
        String token = String.valueOf(JSON.readValue(session.body(), Map.class).get("session_token"));
        run.addSecret(token);
        run.out("Signed in to " + base + " as " + email);

        DbVendor vendor = connections.dbSettings(source, run.ssh(source)).vendor();
        List<String> failures = new ArrayList<>();
        for (String[] e : ENDPOINTS) {
            HttpResponse<String> list = send(HttpRequest.newBuilder(URI.create(base + "/api/v2/system/" + e[0]))
                    .header("X-DreamFactory-Session-Token", token).GET());
            if (list.statusCode() != 200) {
                failures.add("GET /api/v2/system/" + e[0] + ": HTTP " + list.statusCode() + " " + message(list.body()));
                run.out("FAIL  " + failures.get(failures.size() - 1));
                continue;
            }
            TreeSet<String> onTarget = new TreeSet<>();
            for (Object row : (List<?>) JSON.readValue(list.body(), Map.class).get("resource")) {
                Object name = ((Map<?, ?>) row).get(e[2].equals("email") ? "email" : "name");
                onTarget.add(String.valueOf(name != null ? name : ((Map<?, ?>) row).get("name")));
            }
            String select = "SELECT " + e[2] + " AS n FROM " + vendor.quoteName(e[1]);
            TreeSet<String> onSource = new TreeSet<>();
            reader.query(source, run.ssh(source), select).forEach(r -> onSource.add(r.get("n")));
            // a default the admin deleted on the source is back on the target: the new release's seeders add it
            TreeSet<String> seeded = new TreeSet<>();
            reader.query(target, run.ssh(target), select).forEach(r -> seeded.add(r.get("n")));
            seeded.removeAll(onSource);
            TreeSet<String> missing = new TreeSet<>(onSource);
            missing.removeAll(onTarget);
            TreeSet<String> extra = new TreeSet<>(onTarget);
            extra.removeAll(onSource);
            if (missing.isEmpty() && extra.equals(seeded)) {
                run.out("OK    /api/v2/system/" + e[0] + " lists the source's " + onSource.size() + " " + e[0] + "(s)"
                        + (extra.isEmpty() ? "" : ", and " + extra + " the new release's seeders added to its system DB"));
            } else {
                failures.add("/api/v2/system/" + e[0] + " differs from the source: missing " + missing + ", extra " + extra);
                run.out("FAIL  " + failures.get(failures.size() - 1));
            }
        }
        if (!failures.isEmpty()) {
            throw new StepFailedException("The target's API does not list what the source held: " + failures.get(0)
                    + (failures.size() > 1 ? " (and " + (failures.size() - 1) + " more)" : ""));
        }
        return StepResult.done("Signed in as " + email + "; " + ENDPOINTS.size() + " endpoints list what the source held");
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        try {
            return http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            throw new StepFailedException("The target's API does not answer at " + request.build().uri().getAuthority());
        }
    }

    /** DreamFactory's error body carries {"error": {"message": …}}; anything else is cut to one short line. */
    private static String message(String body) {
        try {
            Object error = JSON.readValue(body, Map.class).get("error");
            if (error instanceof Map<?, ?> m && m.get("message") != null) {
                return String.valueOf(m.get("message"));
            }
        } catch (RuntimeException ignored) {
            // not JSON
        }
        String line = body == null ? "" : body.strip().replaceAll("\\s+", " ");
        return line.length() > 120 ? line.substring(0, 119) + "…" : line;
    }
}
