package dev.migrationpanel.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.flywaydb.core.Flyway;

import com.zaxxer.hikari.HikariDataSource;

import dev.migrationpanel.job.log.JobLogHub;
import dev.migrationpanel.job.log.JobLogService;
import dev.migrationpanel.job.log.JobLogWriter;
import dev.migrationpanel.job.log.LogStream;
import dev.migrationpanel.remote.LineListener;
import dev.migrationpanel.remote.SshSession;
import dev.migrationpanel.security.SecretMasker;

/**
 * Ingestion benchmark (not a test): {@code seq 1 1000000} on the lab's real sshd, streamed through
 * {@code SshSession.stream} into a {@link JobLogWriter}, into H2 (file) and into PostgreSQL
 * (127.0.0.1:5432, user postgres, a scratch database dropped afterwards). Also the writer alone (no SSH).
 *
 * <pre>./mvnw -q -Pbenchmark-log -Dbuild.dir=target test-compile exec:java -Dexec.mainClass=dev.migrationpanel.bench.JobLogIngestionBenchmark</pre>
 */
public final class JobLogIngestionBenchmark {

    static final int LINES = 1_000_000;
    static final String PG = "jdbc:postgresql://127.0.0.1:5432/";

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("joblog-bench");
        run("H2 (file)", "jdbc:h2:file:" + dir.resolve("panel"), "sa");
        String db = "joblog_bench_" + System.currentTimeMillis();
        try (Connection admin = DriverManager.getConnection(PG + "postgres", "postgres", "");
                Statement s = admin.createStatement()) {
            s.execute("create database " + db);
        }
        try {
            run("PostgreSQL", PG + db, "postgres");
        } finally {
            try (Connection admin = DriverManager.getConnection(PG + "postgres", "postgres", "");
                    Statement s = admin.createStatement()) {
                s.execute("drop database " + db + " with (force)");
            }
        }
    }

    static void run(String name, String url, String user) throws Exception {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(url);
        ds.setUsername(user);
        ds.setPassword("");
        ds.setMaximumPoolSize(4);
        try (ds) {
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
            JobLogService logs = new JobLogService(ds, new JobLogHub(), Clock.systemUTC(), JobLogWriter.DEFAULT_BUDGET);
            SecretMasker masker = new SecretMasker(List.of("not-in-the-output-secret", "another-secret-value"));
            try {
                // warm-up (JIT, connections)
                long warm = JobLogBenchSupport.newJob(ds);
                try (JobLogWriter w = logs.open(warm, masker)) {
                    for (int i = 0; i < 100_000; i++) {
                        w.line(1, LogStream.OUT, String.valueOf(i));
                    }
                }

                long job = JobLogBenchSupport.newJob(ds);
                long t0 = System.nanoTime();
                int exit;
                try (SshSession ssh = JobLogBenchSupport.labSession(); JobLogWriter w = logs.open(job, masker)) {
                    exit = ssh.stream("seq 1 " + LINES, Duration.ofMinutes(10), (s, text) -> w.line(1,
                            s == LineListener.Stream.STDERR ? LogStream.ERR : LogStream.OUT, text)); // as RemoteCommandExecutor does
                    w.flush();
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                long stored = JobLogBenchSupport.count(ds, job);
                System.out.printf("%-10s  SSH seq 1 %d -> writer -> DB: %d lines stored in %.2f s = %,.0f lines/s (exit %d)%n",
                        name, LINES, stored, seconds, stored / seconds, exit);
                if (stored != LINES) {
                    throw new IllegalStateException("expected " + LINES + " lines, stored " + stored);
                }

                long alone = JobLogBenchSupport.newJob(ds);
                t0 = System.nanoTime();
                try (JobLogWriter w = logs.open(alone, masker)) {
                    for (int i = 1; i <= LINES; i++) {
                        w.line(1, LogStream.OUT, String.valueOf(i));
                    }
                }
                seconds = (System.nanoTime() - t0) / 1e9;
                System.out.printf("%-10s  writer alone (no SSH)  : %d lines stored in %.2f s = %,.0f lines/s%n",
                        name, JobLogBenchSupport.count(ds, alone), seconds, LINES / seconds);
            } finally {
                logs.destroy();
            }
        }
    }
}
