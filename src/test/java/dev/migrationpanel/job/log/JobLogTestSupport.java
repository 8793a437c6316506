package dev.migrationpanel.job.log;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.MockMvc;

import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobRepository;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.security.ApiTokenService;
import dev.migrationpanel.security.Role;
import dev.migrationpanel.security.SecretMasker;
import dev.migrationpanel.security.UserService;

/**
 * One application context for every job-log test: a real server on a random port (for the live stream
 * and the download) and MockMvc (for the rest). A 1 s heartbeat so that tests see it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "panel.job-log.heartbeat=1s")
@AutoConfigureMockMvc
abstract class JobLogTestSupport {

    static final String PASSWORD = "log-test-password-9";
    static final SecretMasker NO_SECRETS = new SecretMasker(List.of());
    private static final AtomicInteger COUNTER = new AtomicInteger();

    @LocalServerPort
    int port;
    @Autowired
    MockMvc mvc;
    @Autowired
    JobLogService logs;
    @Autowired
    JobLogHub hub;
    @Autowired
    JobLogStreams streams;
    @Autowired
    JobRepository jobs;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    UserService users;
    @Autowired
    ApiTokenService tokens;

    long newJob(JobStatus status) {
        Job job = new Job("upgrade", "Test job " + COUNTER.incrementAndGet(), null, null, "tester", Instant.now());
        job.setStatus(status);
        return jobs.save(job).getId();
    }

    void setStatus(long jobId, JobStatus status) {
        Job job = jobs.findById(jobId).orElseThrow();
        job.setStatus(status);
        jobs.save(job);
        hub.wake(jobId);
    }

    /** A job with lines "line 1" … "line n" (stdout, step 1), already stored. */
    long jobWithLines(JobStatus status, int n) {
        long id = newJob(status);
        try (JobLogWriter writer = logs.open(id, NO_SECRETS)) {
            for (int i = 1; i <= n; i++) {
                writer.line(1, LogStream.OUT, "line " + i);
            }
        }
        return id;
    }

    String username(String prefix) {
        String name = prefix + "-" + COUNTER.incrementAndGet() + "-" + System.nanoTime() % 100000;
        users.create(name, Role.VIEWER, PASSWORD, PASSWORD);
        return name;
    }

    String token() {
        return tokens.create(username("log-api"), "log test").token();
    }

    List<String> storedLines(long jobId) {
        return jdbc.queryForList("select line from job_log where job_id = ? order by seq", String.class, jobId);
    }
}
