package dev.migrationpanel.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.migrationpanel.MigrationPanelApplication;
import dev.migrationpanel.artifact.Artifact;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.job.FlowService;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.job.JobStep;
import dev.migrationpanel.job.StepStatus;
import dev.migrationpanel.lab.Lab;

/**
 * The major migration of a large system DB (not a test): for each vendor, the lab's benchmark pair
 * ({@code src/test/lab/lab.sh bench-pair VENDOR SIZE_MB}: {@code bench-src-VENDOR} at 7.0.0, grown, and
 * {@code bench-dst-VENDOR}, a fresh 7.1.0) is migrated twice:
 * <ol>
 * <li>with the raw pipeline an admin would type, {@code ssh src mysqldump … | ssh dst mysql …} (or
 * {@code pg_dump | psql}), into the target prepared as the panel prepares it (migrate:fresh, migrate:reset, the
 * migrations table dropped);</li>
 * <li>by the panel's {@code dreamfactory.major-migration} job, in this JVM (the Spring application, an in-memory
 * panel DB, artifacts under the given directory), after the target was made a fresh install again
 * ({@code migrate:fresh --seed}).</li>
 * </ol>
 * Before each timed part the DB servers are settled (a PostgreSQL CHECKPOINT, {@code sync}, a pause).
 * Prints both times, their ratio, every step of the job with its time and the highest RSS seen while it ran,
 * and the peak RSS of this JVM during the job ({@code VmHWM}, reset before it through {@code /proc/self/clear_refs}).
 *
 * <pre>src/test/lab/lab.sh bench-pair mariadb 1024 && src/test/lab/lab.sh bench-pair pgsql 1024 \
 *   && ./mvnw -q -Pbenchmark-migration test-compile exec:exec</pre>
 * Arguments: vendors (comma-separated, default {@code mariadb,pgsql}), panel data directory, the panel's
 * {@code panel.ssh-connect-timeout} (default {@code 10s}, the panel's own; JDBC socket timeouts are 3 times it), the transfer
 * ({@code stream}, the default, or {@code staged}; {@code -Dbenchmark.transfer=}), the runs per vendor (default 3,
 * {@code -Dbenchmark.runs=}; the summary gives their medians: the raw pipeline alone varies a lot on a shared machine).
 */
public final class MajorMigrationBenchmark {

    static final String FLOW = "dreamfactory.major-migration";
    /** The title of the streamed transfer's step (dreamfactory.DreamFactoryMigrationFlow.STREAM_TITLE, package-private there). */
    static final String STREAM_TITLE = "Dump the source's system DB straight into the target's import";
    static final Duration JOB_LIMIT = Duration.ofHours(3);

    private final Lab lab = Lab.get();
    private final String transfer;

    MajorMigrationBenchmark(String transfer) {
        this.transfer = transfer;
    }

    public static void main(String[] args) throws Exception {
        List<String> vendors = List.of((args.length > 0 ? args[0] : "mariadb,pgsql").split(","));
        Path dataDir = (args.length > 1 ? Path.of(args[1]) : Path.of(System.getProperty("java.io.tmpdir"), "migration-bench"))
                .toAbsolutePath();
        String sshTimeout = args.length > 2 ? args[2] : "10s";
        String transfer = args.length > 3 ? args[3] : "stream";
        int runs = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        deleteTree(dataDir);
        Files.createDirectories(dataDir);
        System.out.printf("major migration benchmark: %s; max heap %d MiB, %d CPUs, Java %s; panel data %s; "
                + "panel.ssh-connect-timeout %s; transfer %s; %d runs per vendor%n", String.join(", ", vendors), Runtime.getRuntime().maxMemory() >> 20,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), dataDir, sshTimeout, transfer, runs);
        MajorMigrationBenchmark bench = new MajorMigrationBenchmark(transfer);
        List<String> summary = new ArrayList<>();
        try (ConfigurableApplicationContext panel = new SpringApplicationBuilder(MigrationPanelApplication.class)
                .properties("server.port=0", "logging.level.root=WARN", "panel.data-dir=" + dataDir,
                "panel.ssh-connect-timeout=" + sshTimeout).run()) {
            SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("benchmark",
                    null, AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
            for (String vendor : vendors) {
                List<Result> results = new ArrayList<>();
                for (int i = 1; i <= runs; i++) {
                    System.out.printf("%n== %s, run %d of %d%n", vendor.trim(), i, runs);
                    results.add(bench.run(panel, vendor.trim()));
                }
                summary.add(Result.summary(vendor.trim(), results));
            }
        } finally {
            deleteTree(dataDir);
        }
        System.out.println();
        System.out.println("== summary: medians of the runs, highest peak RSS (goal: panel/raw <= 1.15, panel peak RSS <= 512 MB)");
        System.out.printf("%-8s %9s %9s %9s %16s %11s %16s %12s %s%n", "vendor", "dump", "raw", "transfer", "ratio (range)",
                "panel", "ratio (range)", "peak RSS", "jobs");
        summary.forEach(System.out::println);
    }

    /** One run: the raw pipeline's time, the panel job's (end to end, and of its steps that move the data). */
    record Result(long dumpBytes, double raw, double total, double transfer, long peakRss, String status) {

        /** Medians; each ratio is the median of the runs' own ratios (raw and panel run back to back), with its range. */
        static String summary(String vendor, List<Result> runs) {
            double[] transfer = runs.stream().mapToDouble(r -> r.transfer() / r.raw()).toArray();
            double[] total = runs.stream().mapToDouble(r -> r.total() / r.raw()).toArray();
            return String.format("%-8s %9s %8.1fs %8.1fs %16s %10.1fs %16s %12s %s", vendor, mib(runs.get(0).dumpBytes()),
                    median(runs.stream().mapToDouble(Result::raw).toArray()),
                    median(runs.stream().mapToDouble(Result::transfer).toArray()), ratio(transfer),
                    median(runs.stream().mapToDouble(Result::total).toArray()), ratio(total),
                    mib(runs.stream().mapToLong(Result::peakRss).max().orElse(0)),
                    String.join(", ", runs.stream().map(Result::status).toList()));
        }

        private static String ratio(double[] ratios) {
            return String.format("%.2f (%.2f-%.2f)", median(ratios), java.util.Arrays.stream(ratios).min().orElse(0),
                    java.util.Arrays.stream(ratios).max().orElse(0));
        }

        private static double median(double[] values) {
            double[] sorted = values.clone();
            java.util.Arrays.sort(sorted);
            int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }
    }

    /**
     * Lets the DB servers finish what the previous import left them (PostgreSQL's checkpoint of a 1 GB load
     * would otherwise land in the next timed run) and the disks catch up, so that runs start alike.
     */
    private void settle() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
                Statement st = c.createStatement()) {
            st.execute("CHECKPOINT");
        }
        exec("sync", Map.of());
        Thread.sleep(3000);
    }

    Result run(ConfigurableApplicationContext panel, String vendor) throws Exception {
        String src = "bench-src-" + vendor;
        String dst = "bench-dst-" + vendor;
        Lab.LabInstance s = lab.instance(src);
        Lab.LabInstance t = lab.instance(dst);
        System.out.printf("%n== %s: %s (%s, %s) -> %s (%s, %s)%n", vendor, s.path(), s.version(), s.dbDatabase(),
                t.path(), t.version(), t.dbDatabase());
        long sourceRows = count(s, "bench_api_activity");

        // (a) the raw pipeline, into the target as the panel prepares it
        remote(t, "cd '" + t.path() + "' && php artisan migrate:fresh --force >/dev/null && php artisan migrate:reset --force >/dev/null");
        sql(t, "DROP TABLE IF EXISTS migrations");
        String pipeline = rawPipeline(s, t, false);
        System.out.println("raw: " + rawPipeline(s, t, true));
        settle();
        long r0 = System.nanoTime();
        exec(pipeline, Map.of("SRC_PW", s.dbPassword(), "DST_PW", t.dbPassword()));
        double raw = (System.nanoTime() - r0) / 1e9;
        long rawRows = count(t, "bench_api_activity");
        if (rawRows != sourceRows) {
            throw new IllegalStateException("the raw import holds " + rawRows + " activity rows, the source " + sourceRows);
        }
        System.out.printf("raw pipeline: %.1f s (%,d activity rows imported)%n", raw, rawRows);

        // (b) the panel's job, into the target made a fresh install again
        remote(t, "cd '" + t.path() + "' && php artisan migrate:fresh --seed --force >/dev/null");
        InstanceService instances = panel.getBean(InstanceService.class);
        JdbcTemplate jdbc = panel.getBean(JdbcTemplate.class);
        FlowService flows = panel.getBean(FlowService.class);
        JobService jobs = panel.getBean(JobService.class);
        Instance source = register(instances, jdbc, src);
        Instance target = register(instances, jdbc, dst);
        FlowService.Review review = flows.review(FLOW, source.getId(), Map.of("target", String.valueOf(target.getId()),
                "transfer", transfer));
        settle();
        resetPeakRss();
        long p0 = System.nanoTime();
        Job job = flows.start(FLOW, source.getId(), review.plan().options(), review.digest());
        Map<Integer, Long> stepPeakRss = new HashMap<>();
        long deadline = System.nanoTime() + JOB_LIMIT.toNanos();
        while (job.getStatus().isActive() && System.nanoTime() < deadline) {
            Thread.sleep(250);
            job = jobs.get(job.getId());
            long rss = status("VmRSS");
            job.getSteps().stream().filter(st -> st.getStatus() == StepStatus.RUNNING)
                    .forEach(st -> stepPeakRss.merge(st.getPosition(), rss, Math::max));
        }
        double total = (System.nanoTime() - p0) / 1e9;
        long peakRss = status("VmHWM");

        System.out.printf("panel job %d: %s in %.1f s (start to end, as the admin waits)%n", job.getId(), job.getStatus(),
                total);
        System.out.printf("  %3s %-78s %-9s %8s %10s %12s%n", "#", "step", "status", "seconds", "bytes", "peak RSS");
        double transfer = 0;
        long dumpBytes = 0;
        for (JobStep st : job.getSteps().stream().sorted(Comparator.comparingInt(JobStep::getPosition)).toList()) {
            double secs = st.getStartedAt() == null || st.getFinishedAt() == null ? 0
                    : Duration.between(st.getStartedAt(), st.getFinishedAt()).toMillis() / 1000.0;
            boolean sourceDump = st.getInstanceId() != null && st.getInstanceId().equals(source.getId())
                    && st.getTitle().startsWith("Download the dump");
            if ((sourceDump || st.getTitle().startsWith(STREAM_TITLE)) && st.getBytesDone() != null) {
                dumpBytes = st.getBytesDone();
            }
            if (isTransfer(st, source.getId())) {
                transfer += secs;
            }
            String title = (st.isBesideNext() ? "[beside next] " : "")
                    + (st.getInstanceName() == null ? "" : st.getInstanceName().replaceAll("-\\d+$", "") + ": ") + st.getTitle();
            System.out.printf("  %3d %-78.78s %-9s %8.1f %10s %12s%n", st.getPosition() + 1, title, st.getStatus(), secs,
                    st.getBytesDone() == null ? "" : mib(st.getBytesDone()),
                    stepPeakRss.containsKey(st.getPosition()) ? mib(stepPeakRss.get(st.getPosition())) : "");
            if (st.getStatus() == StepStatus.FAILED) {
                System.out.println("      " + st.getMessage());
            }
        }
        System.out.println("  " + engineGaps(job));
        System.out.printf("panel: %.1f s end to end; of which the source dump, download, upload and import %.1f s "
                + "(%.2f x raw); peak RSS (VmHWM during the job) %s%n", total, transfer, transfer / raw, mib(peakRss));
        System.out.printf("ratio panel / raw, end to end: %.2f (goal <= 1.3); the data's way alone: %.2f (goal <= 1.15)%n",
                total / raw, transfer / raw);

        // the job's artifacts (two .env files, two dumps, the recorded state, the report) are not kept
        ArtifactStore artifacts = panel.getBean(ArtifactStore.class);
        for (Artifact a : artifacts.forJob(job.getId())) {
            if (!a.isDeleted()) {
                artifacts.delete(a.getId(), "benchmark");
            }
        }
        return new Result(dumpBytes, raw, total, transfer, peakRss, job.getStatus()
                + (job.getStatus() == JobStatus.SUCCEEDED ? "" : " (" + job.getMessage() + ")"));
    }

    /**
     * Where the job's time went outside its steps: from its creation to its first step, between one step's end and the
     * next one's start (a step beside the next is counted with it), and from its last step to its end.
     */
    private static String engineGaps(Job job) {
        List<JobStep> ran = job.getSteps().stream().filter(st -> st.getStartedAt() != null && st.getFinishedAt() != null)
                .sorted(Comparator.comparing(JobStep::getStartedAt)).toList();
        if (ran.isEmpty() || job.getFinishedAt() == null) {
            return "engine: no step ran";
        }
        long between = 0;
        java.time.Instant lastEnd = ran.get(0).getFinishedAt();
        for (JobStep st : ran.subList(1, ran.size())) {
            if (st.getStartedAt().isAfter(lastEnd)) {
                between += Duration.between(lastEnd, st.getStartedAt()).toMillis();
            }
            lastEnd = st.getFinishedAt().isAfter(lastEnd) ? st.getFinishedAt() : lastEnd;
        }
        return String.format("engine: %.2f s from the job's creation to its first step, %.2f s between its %d steps, "
                + "%.2f s from its last step to its end", Duration.between(job.getCreatedAt(), ran.get(0).getStartedAt())
                .toMillis() / 1000.0, between / 1000.0, ran.size(), Duration.between(lastEnd, job.getFinishedAt())
                .toMillis() / 1000.0);
    }

    /**
     * The steps that move the data, what the raw pipeline does: streamed, the one step from dump to import;
     * staged, the source's dump and its download, the upload to the target, the import.
     */
    private static boolean isTransfer(JobStep st, long sourceId) {
        boolean fromSource = st.getInstanceId() != null && st.getInstanceId() == sourceId;
        return (fromSource && (st.getTitle().startsWith("Dump the system DB") || st.getTitle().startsWith("Download the dump")))
                || st.getTitle().startsWith("Transfer the dump") || st.getTitle().startsWith("Import the dump")
                || st.getTitle().startsWith(STREAM_TITLE);
    }

    private Instance register(InstanceService instances, JdbcTemplate jdbc, String labInstance) {
        Instance instance = instances.create(TestInstances.labForm(lab, labInstance, labInstance, "ecdsa"));
        TestInstances.pinLabHostKey(jdbc, instance.getId(), lab);
        return instances.get(instance.getId());
    }

    /**
     * {@code ssh src DUMP | ssh dst IMPORT}, as an admin types it; each password reaches its side in an
     * environment variable the lab sshd accepts ({@code LC_*}), never on a command line.
     */
    String rawPipeline(Lab.LabInstance s, Lab.LabInstance t, boolean display) {
        String dump;
        String load;
        if ("pgsql".equals(s.dbConnection())) {
            dump = "PGPASSWORD=\"$LC_BENCH_PW\" pg_dump -h " + s.dbHost() + " -p " + s.dbPort() + " -U " + s.dbUsername()
                    + " -d " + s.dbDatabase() + " --no-owner --no-privileges";
            load = "PGPASSWORD=\"$LC_BENCH_PW\" psql -X -q -v ON_ERROR_STOP=1 --single-transaction -h " + t.dbHost()
                    + " -p " + t.dbPort() + " -U " + t.dbUsername() + " -d " + t.dbDatabase();
        } else {
            dump = "MYSQL_PWD=\"$LC_BENCH_PW\" mysqldump -h " + s.dbHost() + " -P " + s.dbPort() + " -u " + s.dbUsername()
                    + " --single-transaction --routines --triggers " + s.dbDatabase();
            load = "MYSQL_PWD=\"$LC_BENCH_PW\" mysql -h " + t.dbHost() + " -P " + t.dbPort() + " -u " + t.dbUsername()
                    + " " + t.dbDatabase();
        }
        if (display) {
            String ssh = "ssh -p " + lab.sshPort() + " -o SendEnv=LC_BENCH_PW ";
            return ssh + s.owner() + "@" + lab.sshHost() + " '" + dump + "' | " + ssh + t.owner() + "@" + lab.sshHost()
                    + " '" + load + "'";
        }
        return "set -o pipefail; LC_BENCH_PW=\"$SRC_PW\" " + ssh(s.owner()) + " '" + dump + "' | LC_BENCH_PW=\"$DST_PW\" "
                + ssh(t.owner()) + " '" + load + "'";
    }

    private String ssh(String user) {
        return "ssh -F /dev/null -p " + lab.sshPort() + " -i " + lab.keyFile(user, "ecdsa") + " -o IdentitiesOnly=yes"
                + " -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=" + lab.knownHostsFile()
                + " -o SendEnv=LC_BENCH_PW " + user + "@" + lab.sshHost();
    }

    private void remote(Lab.LabInstance instance, String command) throws IOException, InterruptedException {
        exec(ssh(instance.owner()) + " '" + command.replace("'", "'\\''") + "'", Map.of());
    }

    private static void exec(String bash, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", bash).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.PIPE);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("exit " + p.exitValue() + ": " + bash.replaceAll(" -[iF] \\S+| -o \\S+", "")
                    + "\n" + output.strip());
        }
    }

    private static long count(Lab.LabInstance instance, String table) throws Exception {
        try (Connection c = DriverManager.getConnection(instance.jdbcUrl(), instance.dbUsername(), instance.dbPassword());
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void sql(Lab.LabInstance instance, String statement) throws Exception {
        try (Connection c = DriverManager.getConnection(instance.jdbcUrl(), instance.dbUsername(), instance.dbPassword());
                Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    /** Resets this process's VmHWM to its current RSS (Linux: 5 into clear_refs). */
    private static void resetPeakRss() throws IOException {
        Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    }

    /** A {@code /proc/self/status} figure in bytes ({@code VmRSS}, {@code VmHWM}). */
    private static long status(String key) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith(key + ":"))
                .map(l -> Long.parseLong(l.substring(key.length() + 1).replace("kB", "").trim()) * 1024).findFirst()
                .orElse(-1L);
    }

    private static String mib(long bytes) {
        return String.format("%,d MiB", bytes >> 20);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> left = Files.walk(dir)) {
            left.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
