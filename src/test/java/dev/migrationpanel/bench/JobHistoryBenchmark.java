package dev.migrationpanel.bench;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.migrationpanel.MigrationPanelApplication;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.job.JobSearch;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.JobStatus;

/**
 * The job history on 10,000 jobs, on the path production takes: the panel started as it runs (H2 file, or a
 * fresh PostgreSQL database; templates cached), the fleet of {@link DashboardBenchmark} written into its DB
 * (500 instances, 10,000 jobs), then an admin's signed-in session asking for {@code /jobs} over HTTP: the
 * first page, a deep page (the last one) and filtered pages (the 6th page of failed jobs; one instance's jobs).
 * Each answer must show the page it asked for ("page N of M (K jobs)", its rows). Prints p50/p95/p99 of 100
 * requests each (the pages in turns), after 20 to warm up, then what the page's reads alone take.
 *
 * <pre>./mvnw -q -Pbenchmark-log test-compile exec:java -Dexec.mainClass=dev.migrationpanel.bench.JobHistoryBenchmark -Dexec.args="h2"</pre>
 * ({@code -Dexec.args="pgsql"}: a fresh database on the local PostgreSQL, dropped after.)
 */
public final class JobHistoryBenchmark {

    static final int RUNS = 100;

    public static void main(String[] args) throws Exception {
        String vendor = args.length > 0 ? args[0] : "h2";
        Path dir = Files.createTempDirectory("history-bench");
        String db = "bench_history_" + System.nanoTime() % 1_000_000;
        boolean pg = vendor.equals("pgsql");
        String url = pg ? "jdbc:postgresql://127.0.0.1:5432/" + db : "jdbc:h2:file:" + dir + "/panel";
        if (pg) {
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
                    Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + db);
            }
        }
        try (ConfigurableApplicationContext panel = new SpringApplicationBuilder(MigrationPanelApplication.class).run(
                "--server.port=0", "--logging.level.root=WARN", "--panel.data-dir=" + dir, "--spring.datasource.url=" + url,
                "--spring.datasource.username=" + (pg ? "postgres" : "sa"), "--spring.thymeleaf.cache=true",
                "--panel.admin-password=" + DashboardBenchmark.PASSWORD)) {
            int port = Integer.parseInt(panel.getEnvironment().getProperty("local.server.port"));
            JdbcTemplate jdbc = panel.getBean(JdbcTemplate.class);
            DashboardBenchmark.seed(jdbc);
            if (pg) {
                jdbc.execute("analyze");
            }
            long jobs = jdbc.queryForObject("select count(*) from job", Long.class);
            long failed = jdbc.queryForObject("select count(*) from job where status = 'FAILED'", Long.class);
            long instance = jdbc.queryForObject("select id from instance where name = 'bench-0017'", Long.class);
            long ofInstance = jdbc.queryForObject("select count(*) from job where instance_id = ?", Long.class, instance);
            HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
                    .followRedirects(HttpClient.Redirect.NEVER).build();
            DashboardBenchmark.signIn(browser, port);
            long pages = (jobs + 49) / 50;
            Map<String, String> asked = new LinkedHashMap<>();
            asked.put("/jobs", "page 1 of " + pages + " (" + jobs + " jobs)");
            asked.put("/jobs?page=" + (pages - 1), "page " + pages + " of " + pages + " (" + jobs + " jobs)");
            asked.put("/jobs?status=FAILED&page=5", "page 6 of " + (failed + 49) / 50 + " (" + failed + " jobs)");
            // one page: no pager line, so its rows are counted
            asked.put("/jobs?instanceId=" + instance, ofInstance + " rows of bench-0017");
            measure(browser, port, asked, vendor);
            parts(panel, instance);
        } finally {
            if (pg) {
                try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
                        Statement s = c.createStatement()) {
                    s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
                }
            }
        }
    }

    /** The pages in turns (first, last, filtered, first, ...), so that load from elsewhere falls on all alike. */
    private static void measure(HttpClient browser, int port, Map<String, String> asked, String vendor) throws Exception {
        List<String> paths = new ArrayList<>(asked.keySet());
        long[][] took = new long[paths.size()][RUNS];
        int[] bytes = new int[paths.size()];
        for (int i = -20; i < RUNS; i++) {
            for (int p = 0; p < paths.size(); p++) {
                String path = paths.get(p);
                String expected = asked.get(path);
                long start = System.nanoTime();
                HttpResponse<String> r = browser.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .build(), HttpResponse.BodyHandlers.ofString());
                long elapsed = System.nanoTime() - start;
                boolean shown = expected.endsWith(" rows of bench-0017")
                        ? r.body().split("<td>bench-0017</td>", -1).length - 1 == Long.parseLong(expected.split(" ")[0])
                                && !r.body().contains("<td>bench-0018</td>")
                        : r.body().contains(expected) && r.body().split("<td>bench-", -1).length - 1 == 50;
                if (r.statusCode() != 200 || !shown) {
                    throw new IllegalStateException(path + " answered " + r.statusCode() + " without \"" + expected + "\"");
                }
                if (i >= 0) {
                    took[p][i] = elapsed;
                    bytes[p] = r.body().length();
                }
            }
        }
        for (int p = 0; p < paths.size(); p++) {
            long[] t = took[p];
            Arrays.sort(t);
            System.out.printf("%s %s (%s, %d KiB): p50 %.1f ms, p95 %.1f ms, p99 %.1f ms%n", vendor, paths.get(p),
                    asked.get(paths.get(p)), bytes[p] / 1024, t[RUNS / 2] / 1e6, t[RUNS * 95 / 100] / 1e6,
                    t[RUNS * 99 / 100] / 1e6);
        }
    }

    /** What the page's reads alone take (the rest of a request is rendering and the web chain). */
    private static void parts(ConfigurableApplicationContext panel, long instance) {
        JobService jobs = panel.getBean(JobService.class);
        Map<String, Runnable> reads = new LinkedHashMap<>();
        JobSearch none = new JobSearch(null, null, null, null, null, null);
        reads.put("jobs, first page", () -> jobs.search(none, 0, 50));
        reads.put("jobs, last page", () -> jobs.search(none, 199, 50));
        reads.put("jobs, failed, 6th page", () -> jobs.search(new JobSearch(null, null, JobStatus.FAILED, null, null, null), 5, 50));
        reads.put("jobs, one instance", () -> jobs.search(new JobSearch(instance, null, null, null, null, null), 0, 50));
        reads.put("flows (filter's list)", jobs::flows);
        reads.put("instances with jobs (filter's list)", () -> {
            panel.getBean(InstanceService.class).names();
            jobs.instancesWithJobs();
        });
        for (Map.Entry<String, Runnable> read : reads.entrySet()) {
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
}
