package dev.migrationpanel.bench;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.migrationpanel.MigrationPanelApplication;

/**
 * The dashboard on a large fleet, on the path production takes: the panel started as it runs (H2 file, or
 * PostgreSQL; templates cached), a fleet of 500 instances with 10,000 jobs (20 of them active, 10 steps each),
 * 2,000 checks and 1,000 DB backups written into its DB, then an admin's signed-in browser session asking for
 * {@code /} (the whole page) and {@code /dashboard/fleet} (what the page polls every 5 s) over HTTP.
 * Prints p50/p95/p99 of 100 requests each, after 20 to warm up.
 *
 * <pre>./mvnw -q -Pbenchmark-log test-compile exec:java -Dexec.mainClass=dev.migrationpanel.bench.DashboardBenchmark -Dexec.args="h2"</pre>
 * ({@code -Dexec.args="pgsql"}: a fresh database on the local PostgreSQL, dropped after.)
 */
public final class DashboardBenchmark {

    static final int INSTANCES = 500;
    static final int JOBS = 10_000;
    static final int RUNS = 100;
    static final String PASSWORD = "bench-admin-password-1";

    public static void main(String[] args) throws Exception {
        String vendor = args.length > 0 ? args[0] : "h2";
        Path dir = Files.createTempDirectory("dashboard-bench");
        String db = "bench_dashboard_" + System.nanoTime() % 1_000_000;
        String url = vendor.equals("pgsql") ? "jdbc:postgresql://127.0.0.1:5432/" + db : "jdbc:h2:file:" + dir + "/panel";
        if (vendor.equals("pgsql")) {
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
                    Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + db);
            }
        }
        // as arguments: they win over the test classpath's config/application.properties (in-memory H2, no template cache)
        try (ConfigurableApplicationContext panel = new SpringApplicationBuilder(MigrationPanelApplication.class).run(
                "--server.port=0", "--logging.level.root=WARN", "--panel.data-dir=" + dir, "--spring.datasource.url=" + url,
                "--spring.datasource.username=" + (vendor.equals("pgsql") ? "postgres" : "sa"),
                "--spring.thymeleaf.cache=true", "--panel.admin-password=" + PASSWORD)) {
            int port = Integer.parseInt(panel.getEnvironment().getProperty("local.server.port"));
            long seeded = System.nanoTime();
            seed(panel.getBean(JdbcTemplate.class));
            System.out.printf("%s: seeded %d instances, %d jobs in %d ms%n", vendor, INSTANCES, JOBS,
                    (System.nanoTime() - seeded) / 1_000_000);
            HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
                    .followRedirects(HttpClient.Redirect.NEVER).build();
            signIn(browser, port);
            parts(panel);
            measure(browser, port, "/", vendor);
            measure(browser, port, "/dashboard/fleet", vendor);
        } finally {
            if (vendor.equals("pgsql")) {
                try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
                        Statement s = c.createStatement()) {
                    s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
                }
            }
        }
    }

    private static void measure(HttpClient browser, int port, String path, String vendor) throws Exception {
        long[] took = new long[RUNS];
        int bytes = 0;
        for (int i = -20; i < RUNS; i++) {
            long start = System.nanoTime();
            HttpResponse<String> r = browser.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            long elapsed = System.nanoTime() - start;
            if (r.statusCode() != 200 || !r.body().contains("bench-0499") || !r.body().contains("DreamFactory 7.1.0")
                    || !r.body().contains("4/10") || !r.body().contains("1 MiB")) {
                throw new IllegalStateException(path + " answered " + r.statusCode() + " without the fleet");
            }
            if (i >= 0) {
                took[i] = elapsed;
                bytes = r.body().length();
            }
        }
        Arrays.sort(took);
        System.out.printf("%s %s (%d instances, %d jobs, %d KiB): p50 %.1f ms, p95 %.1f ms, p99 %.1f ms%n", vendor, path,
                INSTANCES, JOBS, bytes / 1024, took[RUNS / 2] / 1e6, took[RUNS * 95 / 100] / 1e6, took[RUNS * 99 / 100] / 1e6);
    }

    /** What the reads alone take (the rest of a request is rendering and the web chain). */
    private static void parts(ConfigurableApplicationContext panel) {
        java.util.Map<String, Runnable> reads = new java.util.LinkedHashMap<>();
        reads.put("instances", () -> panel.getBean(dev.migrationpanel.instance.InstanceService.class).list());
        reads.put("latest checks", () -> panel.getBean(dev.migrationpanel.instance.LatestChecks.class).byInstance());
        reads.put("latest backups", () -> panel.getBean(dev.migrationpanel.artifact.LatestArtifacts.class)
                .byInstance(dev.migrationpanel.artifact.ArtifactKind.DB_DUMP));
        reads.put("jobs", () -> panel.getBean(dev.migrationpanel.job.FleetJobs.class).read(Instant.now().minusSeconds(86_400)));
        for (var read : reads.entrySet()) {
            long[] took = new long[30];
            for (int i = -10; i < took.length; i++) {
                long start = System.nanoTime();
                read.getValue().run();
                if (i >= 0) {
                    took[i] = System.nanoTime() - start;
                }
            }
            Arrays.sort(took);
            System.out.printf("  read %s: p50 %.1f ms%n", read.getKey(), took[took.length / 2] / 1e6);
        }
    }

    static void signIn(HttpClient browser, int port) throws Exception {
        String login = browser.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(login);
        if (!csrf.find()) {
            throw new IllegalStateException("no CSRF token on the login page");
        }
        String form = "username=admin&password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8) + "&_csrf="
                + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8);
        HttpResponse<String> r = browser.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 302 || r.headers().firstValue("Location").orElse("").contains("error")) {
            throw new IllegalStateException("sign-in failed: " + r.statusCode());
        }
    }

    /** The fleet's rows, as the panel's own code would have written them. */
    static void seed(JdbcTemplate jdbc) {
        Instant now = Instant.now();
        Timestamp ts = Timestamp.from(now);
        jdbc.batchUpdate("insert into instance (name, product, environment, ssh_host, ssh_port, ssh_user, ssh_auth, "
                + "deployment_type, install_path, db_access, created_at, updated_at, version) "
                + "values (?, ?, ?, '10.0.0.1', 22, 'deploy', 'PASSWORD', 'HOST', '/opt/app', 'TUNNEL', ?, ?, 0)",
                java.util.stream.IntStream.range(0, INSTANCES).mapToObj(i -> new Object[] {String.format("bench-%04d", i),
                        i % 3 == 0 ? "cairncms" : "dreamfactory", i % 4 == 0 ? "staging" : "production", ts, ts}).toList());
        long firstInstance = jdbc.queryForObject("select min(id) from instance where name like 'bench-%'", Long.class);
        jdbc.batchUpdate("insert into job (flow, title, instance_id, instance_name, status, started_by, created_at, "
                + "started_at, finished_at, resume_from, attempt, cancel_requested, version) values (?, ?, ?, ?, ?, "
                + "'bench', ?, ?, ?, 0, 1, false, 0)", java.util.stream.IntStream.range(0, JOBS).mapToObj(j -> {
                    int instance = j % INSTANCES;
                    boolean active = j >= JOBS - 20;
                    Timestamp at = Timestamp.from(now.minusSeconds((JOBS - j) * 60L));
                    return new Object[] {"dreamfactory.backup", "Back up now", firstInstance + instance,
                            String.format("bench-%04d", instance), active ? (j % 2 == 0 ? "RUNNING" : "WAITING")
                                    : (j % 17 == 0 ? "FAILED" : "SUCCEEDED"), at, at, active ? null : at};
                }).toList());
        jdbc.query("select id from job where status in ('RUNNING', 'WAITING') and instance_name like 'bench-%'", rs -> {
            long job = rs.getLong(1);
            for (int p = 0; p < 10; p++) {
                jdbc.update("insert into job_step (job_id, position, title, kind, changes_instance, display, spec, "
                        + "timeout_seconds, status, attempt) values (?, ?, 'step', 'note', false, 'x', '{}', 60, ?, 0)",
                        job, p, p < 4 ? "SUCCEEDED" : "PENDING");
            }
        });
        for (int c = 0; c < 4; c++) {
            int round = c;
            jdbc.batchUpdate("insert into instance_check (instance_id, started_at, finished_at, outcome, checked_by) "
                    + "values (?, ?, ?, 'OK', 'bench')", java.util.stream.IntStream.range(0, INSTANCES).mapToObj(i -> {
                        Timestamp at = Timestamp.from(now.minusSeconds((4 - round) * 3600L + i));
                        return new Object[] {firstInstance + i, at, at};
                    }).toList());
        }
        jdbc.update("insert into instance_check_item (check_id, position, name, status, message) "
                + "select id, 0, 'App version', 'OK', 'DreamFactory 7.1.0' from instance_check where checked_by = 'bench'");
        for (int a = 0; a < 2; a++) {
            int round = a;
            jdbc.batchUpdate("insert into artifact (id, instance_id, name, kind, content_type, size_bytes, stored_bytes, "
                    + "sha256, compressed, encrypted, storage_path, created_at) values (?, ?, 'dump.sql', 'DB_DUMP', "
                    + "'application/sql', 1048576, 300000, ?, true, true, 'x', ?)",
                    java.util.stream.IntStream.range(0, INSTANCES).mapToObj(i -> new Object[] {
                            java.util.UUID.randomUUID().toString(), firstInstance + i, "0".repeat(64),
                            Timestamp.from(now.minusSeconds((2 - round) * 86_400L + i))}).toList());
        }
    }
}
