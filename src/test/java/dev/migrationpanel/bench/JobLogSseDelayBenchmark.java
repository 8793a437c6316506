package dev.migrationpanel.bench;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.migrationpanel.MigrationPanelApplication;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceForm;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobRepository;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.remote.ShellQuote;
import dev.migrationpanel.remote.TestSshServer;
import dev.migrationpanel.security.ApiTokenService;
import dev.migrationpanel.security.Role;
import dev.migrationpanel.security.UserService;

/**
 * A remote line to the browser, on the path production takes (not a test): the panel runs (real Tomcat, H2 file),
 * a job started through {@link JobService#start} runs a remote command over SSH (an in-process SSH server running
 * {@code sh}) that prints, every 10 ms (then as fast as it can: a burst), a line with the wall clock at which it
 * was printed; 1, then 10 followers
 * read the job's log over the real SSE endpoint {@code /api/v1/jobs/{id}/log/stream} over HTTP. The line passes
 * the runner, its masker (the instance's secrets; masked once, in the writer), the log writer, the DB, the hub and
 * the SSE streams. Prints p50/p95/p99 of print → arrival per follower line (wall clock, same machine) and lines/s.
 *
 * <pre>./mvnw -q -Pbenchmark-log test-compile exec:java -Dexec.mainClass=dev.migrationpanel.bench.JobLogSseDelayBenchmark</pre>
 * ({@code -Dexec.args="2000 1,10 20000"}: lines of the paced runs, followers per run, lines of the burst runs.)
 */
public final class JobLogSseDelayBenchmark {

    private static final Pattern LINE = Pattern.compile("\"line\":\"tick (\\d+) (\\d+)\"");

    public static void main(String[] args) throws Exception {
        int lines = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        String[] followerCounts = (args.length > 1 ? args[1] : "1,10").split(",");
        int burstLines = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        Path dir = Files.createTempDirectory("sse-bench");
        try (ConfigurableApplicationContext panel = new SpringApplicationBuilder(MigrationPanelApplication.class).run(
                "--server.port=0", "--logging.level.root=WARN", "--panel.data-dir=" + dir,
                "--spring.datasource.url=jdbc:h2:file:" + dir + "/panel", "--spring.datasource.username=sa");
                TestSshServer server = TestSshServer.startDefault("deploy", "bench-ssh-password")) {
            int port = Integer.parseInt(panel.getEnvironment().getProperty("local.server.port"));
            String user = "bench-" + System.nanoTime() % 100000;
            panel.getBean(UserService.class).create(user, Role.VIEWER, "bench-password-123", "bench-password-123");
            String token = panel.getBean(ApiTokenService.class).create(user, "bench").token();
            SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("bench-operator",
                    null, AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
            InstanceForm form = TestInstances.passwordForm("sse-bench", server, dir);
            Instance instance = panel.getBean(InstanceService.class).create(form);
            TestInstances.pinHostKey(panel.getBean(JdbcTemplate.class), instance.getId(), server.hostKey());
            for (String count : followerCounts) {
                run(panel, port, token, instance, lines, Integer.parseInt(count.trim()), false);
            }
            if (burstLines > 0) {
                for (String count : followerCounts) {
                    run(panel, port, token, instance, burstLines, Integer.parseInt(count.trim()), true);
                }
            }
        }
    }

    private static void run(ConfigurableApplicationContext panel, int port, String token, Instance instance, int lines,
            int followers, boolean burst) throws Exception {
        // the pause lets the followers connect before the first line; the clock is the machine's wall clock in µs
        // (bash's EPOCHREALTIME: no process per line); paced at 10 ms a line, or as fast as bash prints (a burst)
        String script = "sleep 3; for ((i = 1; i <= " + lines + "; i++)); do echo \"tick $i ${EPOCHREALTIME/./}\"; "
                + (burst ? "" : "sleep 0.01; ") + "done";
        String command = "bash -c " + ShellQuote.quote(script);
        Step step = new Step("Print timestamped lines", instance.getId(), instance.getName(), false,
                new StepSpec.RemoteCommand(command), Duration.ofMinutes(10), null);
        Job job = panel.getBean(JobService.class).start(new Plan("bench.sse", "SSE delay", instance.getId(),
                instance.getName(), List.of(step)));
        long jobId = job.getId();

        long[][] delays = new long[followers][lines + 1];
        long[] firstPrinted = new long[followers];
        long[] lastArrival = new long[followers];
        CountDownLatch done = new CountDownLatch(followers);
        List<HttpResponse<InputStream>> responses = new ArrayList<>();
        HttpClient http = HttpClient.newHttpClient();
        for (int f = 0; f < followers; f++) {
            HttpResponse<InputStream> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/jobs/" + jobId + "/log/stream"))
                            .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("stream answered " + response.statusCode());
            }
            responses.add(response);
            int follower = f;
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    String line;
                    int seen = 0;
                    while (seen < lines && (line = in.readLine()) != null) {
                        if (line.startsWith("data:")) {
                            Instant now = Instant.now();
                            Matcher m = LINE.matcher(line);
                            if (m.find()) {
                                long arrived = now.getEpochSecond() * 1_000_000_000L + now.getNano();
                                int tick = Integer.parseInt(m.group(1));
                                long printed = Long.parseLong(m.group(2)) * 1000;
                                delays[follower][tick] = arrived - printed;
                                if (tick == 1) {
                                    firstPrinted[follower] = printed;
                                }
                                lastArrival[follower] = arrived;
                                seen++;
                            }
                        }
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                } finally {
                    done.countDown();
                }
            }, "sse-follower-" + f);
            reader.start();
        }
        if (!done.await(lines / 50 + 120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the followers did not see all lines in time");
        }
        JobStatus status = awaitEnd(panel.getBean(JobRepository.class), jobId);
        for (HttpResponse<InputStream> r : responses) {
            r.body().close();
        }

        long[] all = new long[followers * lines];
        int n = 0;
        long lastSeen = 0;
        for (int f = 0; f < followers; f++) {
            lastSeen = Math.max(lastSeen, lastArrival[f]);
            for (int i = 1; i <= lines; i++) {
                if (delays[f][i] == 0) {
                    throw new IllegalStateException("follower " + f + " never saw line " + i);
                }
                all[n++] = delays[f][i];
            }
        }
        Arrays.sort(all);
        // from the first line's print to the last line's arrival at the last follower
        double seconds = (lastSeen - firstPrinted[0]) / 1e9;
        System.out.printf("SSE %s, %d follower(s), %d lines each, job %s: print -> follower, ms: p50 %.2f  p95 %.2f  p99 %.2f"
                + "  max %.2f; %.0f lines/s delivered to all followers (%.0f per follower)%n", burst ? "burst" : "10 ms a line",
                followers, lines, status,
                pct(all, 50) / 1e6, pct(all, 95) / 1e6, pct(all, 99) / 1e6, all[n - 1] / 1e6,
                followers * lines / seconds, lines / seconds);
    }

    private static JobStatus awaitEnd(JobRepository jobs, long jobId) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            JobStatus status = jobs.findById(jobId).orElseThrow().getStatus();
            if (status != JobStatus.RUNNING && status != JobStatus.QUEUED) {
                if (status != JobStatus.SUCCEEDED) {
                    throw new IllegalStateException("job " + jobId + " ended " + status);
                }
                return status;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("job " + jobId + " did not end");
    }

    private static long pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
