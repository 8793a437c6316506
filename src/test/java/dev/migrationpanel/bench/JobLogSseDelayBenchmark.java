package dev.migrationpanel.bench;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.migrationpanel.MigrationPanelApplication;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobRepository;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.job.log.JobLogService;
import dev.migrationpanel.job.log.JobLogWriter;
import dev.migrationpanel.remote.LineListener;
import dev.migrationpanel.remote.SshSession;
import dev.migrationpanel.security.ApiTokenService;
import dev.migrationpanel.security.Role;
import dev.migrationpanel.security.SecretMasker;
import dev.migrationpanel.security.UserService;

/**
 * SSE delay benchmark (not a test): the panel runs (real Tomcat, H2), a client follows a job's log over
 * {@code /api/v1/jobs/{id}/log/stream}, and a command on the lab's real sshd prints a line every 10 ms.
 * Measures, per line, the time from "line read from the SSH channel" (the writer's listener is called) to
 * "event received by the SSE client", both in this JVM (same clock), and prints p50/p95/p99.
 *
 * <pre>./mvnw -q -Pbenchmark-log -Dbuild.dir=target test-compile exec:java -Dexec.mainClass=dev.migrationpanel.bench.JobLogSseDelayBenchmark</pre>
 */
public final class JobLogSseDelayBenchmark {

    static final int LINES = 2000;
    private static final Pattern LINE = Pattern.compile("\"line\":\"tick (\\d+)\"");

    public static void main(String[] args) throws Exception {
        try (ConfigurableApplicationContext panel = new SpringApplicationBuilder(MigrationPanelApplication.class)
                .properties("server.port=0", "logging.level.root=WARN").run()) {
            int port = Integer.parseInt(panel.getEnvironment().getProperty("local.server.port"));
            String user = "bench-" + System.nanoTime() % 100000;
            panel.getBean(UserService.class).create(user, Role.VIEWER, "bench-password-123", "bench-password-123");
            String token = panel.getBean(ApiTokenService.class).create(user, "bench").token();
            Job job = new Job("bench", "SSE delay", null, null, "bench", Instant.now());
            job.setStatus(JobStatus.RUNNING);
            long jobId = panel.getBean(JobRepository.class).save(job).getId();
            JobLogService logs = panel.getBean(JobLogService.class);

            long[] read = new long[LINES + 1];
            long[] received = new long[LINES + 1];
            HttpResponse<InputStream> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/jobs/" + jobId + "/log/stream"))
                            .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("stream answered " + response.statusCode());
            }
            Thread client = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    String line;
                    int seen = 0;
                    while (seen < LINES && (line = in.readLine()) != null) {
                        if (line.startsWith("data: ")) {
                            long now = System.nanoTime();
                            Matcher m = LINE.matcher(line);
                            if (m.find()) {
                                received[Integer.parseInt(m.group(1))] = now;
                                seen++;
                            }
                        }
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }, "sse-client");
            client.start();

            String command = "i=1; while [ $i -le " + LINES + " ]; do echo \"tick $i\"; sleep 0.01; i=$((i+1)); done";
            try (SshSession ssh = JobLogBenchSupport.labSession();
                    JobLogWriter writer = logs.open(jobId, new SecretMasker(List.of()))) {
                LineListener toLog = writer.listener(1);
                ssh.stream(command, Duration.ofMinutes(5), (stream, text) -> {
                    read[Integer.parseInt(text.substring(5))] = System.nanoTime();
                    toLog.line(stream, text);
                });
            }
            client.join(30_000);
            response.body().close();

            double[] delays = new double[LINES];
            int n = 0;
            for (int i = 1; i <= LINES; i++) {
                if (received[i] != 0 && read[i] != 0) {
                    delays[n++] = (received[i] - read[i]) / 1e6;
                }
            }
            double[] sorted = Arrays.copyOf(delays, n);
            Arrays.sort(sorted);
            System.out.printf("SSE delay over %d lines (SSH read -> SSE client), ms: p50 %.2f  p95 %.2f  p99 %.2f  max %.2f%n",
                    n, pct(sorted, 50), pct(sorted, 95), pct(sorted, 99), sorted[n - 1]);
            if (n != LINES) {
                throw new IllegalStateException("only " + n + " of " + LINES + " lines arrived");
            }
        }
    }

    private static double pct(double[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
