package dev.migrationpanel.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.parallel.Isolated;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.migrationpanel.lab.Lab;
import dev.panellab.PrintLinesFlow;

/**
 * Two real panel processes (separate JVMs, each its own port, node name and data directory, the same master key)
 * on one fresh PostgreSQL database, driven over HTTP with an API token as an admin would, running jobs over the
 * lab's real sshd. Proves what several nodes promise: jobs spread over both; the per-instance lock holds across
 * them; the live log of a job running on B, followed from A, has every line in order with no gap or duplicate; a
 * cancel sent to A kills the command on B; B killed with SIGKILL mid-job leaves the job INTERRUPTED by A within a
 * stated bound, resumable on A to SUCCEEDED.
 *
 * <p>The nodes run the panel's main class from {@code target/classes} and the test's runtime class path (without
 * {@code target/test-classes}, whose test configurations are not the panel's), plus one test-only flow,
 * {@link PrintLinesFlow}, given with {@code --spring.main.sources}. Their output goes to
 * {@code target/two-node/node-*.log}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Isolated // its timing bounds (a dead node seen within seconds) are measured on a machine doing nothing else
class TwoNodeLabIT {

    static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    static final String DATABASE = "panel_two_node_" + Long.toHexString(System.nanoTime());
    static final String ADMIN_PASSWORD = "two-node-admin-" + Long.toHexString(new SecureRandom().nextLong());
    /** Small db-scheduler heartbeats so that a dead node is seen in seconds: dead after 1 s × 4 missed (db-scheduler accepts no fewer than 4). */
    static final Duration HEARTBEAT = Duration.ofSeconds(1);
    static final int MISSED_HEARTBEATS = 4;
    /**
     * What the test allows between B's SIGKILL and A marking its job interrupted. db-scheduler takes an execution for
     * dead when its last heartbeat is older than heartbeat-interval × missed-heartbeats-limit, and looks for dead ones
     * every 2 × heartbeat-interval: at worst interval × (limit + 2) after the kill, here 6 s; plus 4 s for a loaded
     * machine. (With the defaults, 10 s × 6: 80 s.)
     */
    static final Duration INTERRUPT_BOUND = HEARTBEAT.multipliedBy(MISSED_HEARTBEATS + 2L).plusSeconds(4);
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static final Lab lab = Lab.get();
    static Path workDir;
    static Node a;
    static Node b;
    static String token;
    static final List<Long> instances = new ArrayList<>();

    /** One panel process. */
    static final class Node {
        final String name;
        final int port;
        final Path dataDir;
        final Path logFile;
        Process process;

        Node(String name, int port, Path dataDir, Path logFile) {
            this.name = name;
            this.port = port;
            this.dataDir = dataDir;
            this.logFile = logFile;
        }

        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }

        @Override
        public String toString() {
            return name + " (port " + port + ", log " + logFile + ")";
        }
    }

    @BeforeAll
    static void startTwoNodes() throws Exception {
        lab.sshPort(); // fails clearly when the lab is not up
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("create database " + DATABASE);
        }
        workDir = Path.of("target", "two-node").toAbsolutePath();
        Files.createDirectories(workDir);
        Path flowClasses = copyTestFlow(workDir.resolve("flow-classes"));
        String classPath = panelClassPath(flowClasses);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String masterKey = Base64.getEncoder().encodeToString(key);

        a = node("node-a");
        b = node("node-b");
        // one after the other: the first start on an empty database creates the schema, the master key's record
        // and the first admin; the second node joins what the first made
        long t0 = System.nanoTime();
        start(a, classPath, masterKey);
        awaitHealthy(a);
        long t1 = System.nanoTime();
        start(b, classPath, masterKey);
        awaitHealthy(b);
        System.out.printf("[two-node] node-a up in %.1f s, node-b in %.1f s%n", (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9);

        token = signInAndCreateToken(a);
        for (int i = 0; i < 3; i++) {
            instances.add(registerInstance(i == 0 ? a : b, "two-node-" + i + "-" + Long.toHexString(System.nanoTime())));
        }
    }

    @AfterAll
    static void stopNodes() throws Exception {
        for (Node node : new Node[] {a, b}) {
            if (node != null && node.process != null && node.process.isAlive()) {
                node.process.destroy();
                if (!node.process.waitFor(20, TimeUnit.SECONDS)) {
                    node.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("drop database if exists " + DATABASE + " with (force)");
        }
        for (Node node : new Node[] {a, b}) {
            if (node != null) {
                deleteTree(node.dataDir);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void jobsSpreadOverBothNodes() throws Exception {
        Set<String> nodes = new LinkedHashSet<>();
        List<Long> ids = new ArrayList<>();
        // started alternately through A and B (each reviewed through the other node: reviewed plans are shared too),
        // three at a time on three instances
        for (int round = 0; round < 2; round++) {
            List<Long> batch = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Node via = (round * 3 + i) % 2 == 0 ? a : b;
                batch.add(startJob(via, other(via), instances.get(i), Map.of("lines", "3", "pauseMs", "50",
                        "tag", "spread-" + round + "-" + i)).path("id").asLong());
            }
            for (long id : batch) {
                JsonNode job = awaitStatus(a, id, "SUCCEEDED", Duration.ofSeconds(60));
                nodes.add(job.path("node").asText());
                ids.add(id);
            }
        }
        System.out.printf("[two-node] %d jobs ran on %s%n", ids.size(), nodes);
        assertThat(nodes).as("the node of each of the jobs %s", ids).containsExactlyInAnyOrder(a.name, b.name);
    }

    @Test
    @Order(2)
    void lockHoldsAcrossNodesAndTheLogOfBIsFollowedFromA() throws Exception {
        long instance = instances.get(0);
        int lines = 200;
        long started = System.nanoTime();
        long id = startRunningOn(b, instance, Map.of("lines", Integer.toString(lines), "pauseMs", "25", "tag", "follow"));

        // the live log of the job on B, followed from A over SSE from its first line
        CompletableFuture<Sse> followed = follow(a, id);

        // b. a second job on the same instance through the other node is refused while the first runs
        HttpResponse<String> second = startJobResponse(a, a, instance, Map.of("lines", "1", "tag", "second"));
        assertThat(second.statusCode()).as("a second job on the busy instance via A: %s", second.body()).isEqualTo(409);
        assertThat(second.body()).contains("busy with job #" + id);

        Sse sse = followed.get(90, TimeUnit.SECONDS);
        JsonNode job = awaitStatus(a, id, "SUCCEEDED", Duration.ofSeconds(30));
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(job.path("node").asText()).isEqualTo(b.name);
        assertThat(sse.end).as("the stream's end event").isEqualTo("SUCCEEDED");

        // c. every line, in order, no gap, no duplicate: the seqs are 1..n, and the command's lines are all there
        assertNoGapNoDuplicate(sse.seqs);
        List<String> printed = sse.lines.stream().filter(l -> l.startsWith("follow line ")).toList();
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= lines; i++) {
            expected.add("follow line " + i);
        }
        assertThat(printed).containsExactlyElementsOf(expected);
        // the same log as B stored it, read through B
        JsonNode stored = get(b, "/api/v1/jobs/" + id + "/log?after=0&limit=5000");
        List<Long> storedSeqs = new ArrayList<>();
        stored.path("lines").forEach(l -> storedSeqs.add(l.path("seq").asLong()));
        assertThat(sse.seqs).as("what A streamed is what B stored").isEqualTo(storedSeqs);
        // the check above would have failed on a gap or a duplicate (negative controls of the checker itself)
        List<Long> gap = new ArrayList<>(sse.seqs);
        gap.remove(gap.size() / 2);
        assertThatThrownBy(() -> assertNoGapNoDuplicate(gap)).isInstanceOf(AssertionError.class);
        List<Long> duplicate = new ArrayList<>(sse.seqs);
        duplicate.add(duplicate.size() / 2, duplicate.get(duplicate.size() / 2));
        assertThatThrownBy(() -> assertNoGapNoDuplicate(duplicate)).isInstanceOf(AssertionError.class);
        System.out.printf("[two-node] job #%d on %s: %d lines followed from %s over SSE in %.1f s%n", id, b.name,
                sse.seqs.size(), a.name, seconds);
        // B kept running it longer than a dead node's bound: a live node's job is never taken for dead
        assertThat(seconds).isGreaterThan(HEARTBEAT.multipliedBy(MISSED_HEARTBEATS).toSeconds());

        // negative control of b.: once the first job ended, the same request through A is accepted
        HttpResponse<String> after = startJobResponse(a, a, instance, Map.of("lines", "1", "tag", "after"));
        assertThat(after.statusCode()).as(after.body()).isEqualTo(201);
        awaitStatus(a, JSON.readTree(after.body()).path("id").asLong(), "SUCCEEDED", Duration.ofSeconds(60));
    }

    @Test
    @Order(3)
    void cancelSentToAKillsTheCommandOnB() throws Exception {
        String tag = "cancel-" + Long.toHexString(System.nanoTime());
        long id = startRunningOn(b, instances.get(1), Map.of("lines", "100000", "pauseMs", "100", "tag", tag));
        awaitLogLine(a, id, tag + " line 3");
        assertThat(remoteProcessRunning(tag)).as("the command runs on the lab host before the cancel").isTrue();

        long t0 = System.nanoTime();
        HttpResponse<String> cancel = send(a, HttpRequest.newBuilder(URI.create(a.url("/api/v1/jobs/" + id + "/cancel")))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
        JsonNode job = awaitStatus(a, id, "CANCELLED", Duration.ofSeconds(30));
        double cancelled = (System.nanoTime() - t0) / 1e9;
        assertThat(job.path("node").asText()).isEqualTo(b.name);
        assertThat(job.path("steps").get(0).path("status").asText()).isEqualTo("CANCELLED");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (remoteProcessRunning(tag) && System.nanoTime() < until) {
            Thread.sleep(200);
        }
        assertThat(remoteProcessRunning(tag)).as("the command's process on the lab host after the cancel").isFalse();
        System.out.printf("[two-node] cancel via %s of job #%d on %s: cancelled in %.1f s, remote process gone%n",
                a.name, id, b.name, cancelled);
    }

    /**
     * B frozen (SIGSTOP: a long pause, a VM stopped, a network cut) longer than the bound: A interrupts its job and
     * the admin resumes it on A. When B wakes (SIGCONT) it still has the old run: it must kill its command and change
     * nothing — not the new run's steps, status, lock, scheduler entry or log.
     */
    @Test
    @Order(4)
    void nodeThatWakesAfterBeingTakenForDeadChangesNothing() throws Exception {
        String tag = "pause-" + Long.toHexString(System.nanoTime());
        long instance = instances.get(2);
        long id = startRunningOn(b, instance, Map.of("lines", "100000", "pauseMs", "50", "tag", tag));
        awaitLogLine(a, id, tag + " line 5");
        signal("STOP", b);
        try {
            JsonNode interrupted = awaitStatus(a, id, "INTERRUPTED", INTERRUPT_BOUND.plusSeconds(20));
            int firstAttempt = interrupted.path("attempt").asInt();
            HttpResponse<String> resume = send(a, HttpRequest.newBuilder(URI.create(a.url("/api/v1/jobs/" + id + "/resume")))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
            assertThat(resume.statusCode()).as(resume.body()).isEqualTo(200);
            JsonNode running = await(a, id, j -> "RUNNING".equals(j.path("status").asText())
                    && a.name.equals(j.path("node").asText()), Duration.ofSeconds(30), "running again on A");
            assertThat(running.path("attempt").asInt()).isEqualTo(firstAttempt + 1);
            long seqAtResume = logSeqs(a, id).size();
            awaitLogLineAfter(a, id, seqAtResume, tag + " line 3");
            // B's command was never stopped (B could not): the resumed one runs beside it
            assertThat(remoteProcessCount(tag)).as("B's command and A's").isEqualTo(2);

            signal("CONT", b);
            // B's run sees that the job is no longer its own within a cancel poll and kills its command
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (remoteProcessCount(tag) > 1 && System.nanoTime() < until) {
                Thread.sleep(200);
            }
            assertThat(remoteProcessCount(tag)).as("B killed its command when it woke; A's runs on").isEqualTo(1);
            // longer than two sweeps (2 s each): a job whose scheduler entry B deleted would be interrupted by then
            Thread.sleep(6_000);
            JsonNode job = get(a, "/api/v1/jobs/" + id);
            assertThat(job.path("status").asText()).as("the resumed run after B woke: %s", job.path("message").asText())
                    .isEqualTo("RUNNING");
            assertThat(job.path("node").asText()).isEqualTo(a.name);
            assertThat(job.path("attempt").asInt()).isEqualTo(firstAttempt + 1);
            assertThat(job.path("steps").get(0).path("status").asText()).isEqualTo("RUNNING");
            HttpResponse<String> busy = startJobResponse(b, b, instance, Map.of("lines", "1", "tag", "still-locked"));
            assertThat(busy.statusCode()).as("the lock of the resumed run, through B: %s", busy.body()).isEqualTo(409);

            // the log: one seq after the other, and after the resume only A's lines, 1, 2, 3… (none of B's flood)
            List<Long> seqs = logSeqs(a, id);
            assertNoGapNoDuplicate(seqs);
            List<String> lines = logLines(a, id);
            List<String> resumed = lines.subList((int) seqAtResume, lines.size()).stream()
                    .filter(l -> l.startsWith(tag + " line ")).toList();
            for (int i = 0; i < resumed.size(); i++) {
                assertThat(resumed.get(i)).as("line %d of the resumed run", i + 1).isEqualTo(tag + " line " + (i + 1));
            }

            // and a cancel through B (awake again) ends A's run
            HttpResponse<String> cancel = send(b, HttpRequest.newBuilder(URI.create(b.url("/api/v1/jobs/" + id + "/cancel")))
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
            awaitStatus(a, id, "CANCELLED", Duration.ofSeconds(30));
            until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (remoteProcessCount(tag) > 0 && System.nanoTime() < until) {
                Thread.sleep(200);
            }
            assertThat(remoteProcessCount(tag)).isZero();
            System.out.printf("[two-node] %s paused: job #%d interrupted, resumed on %s; %s woke and changed nothing%n",
                    b.name, id, a.name, b.name);
        } finally {
            signal("CONT", b);
        }
    }

    @Test
    @Order(5)
    void nodeKilledMidJobIsInterruptedByTheOtherAndResumesThere() throws Exception {
        String tag = "kill-" + Long.toHexString(System.nanoTime());
        long instance = instances.get(2);
        long id = startRunningOn(b, instance, Map.of("lines", "30", "pauseMs", "100", "tag", tag));
        awaitLogLine(a, id, tag + " line 5");

        long pid = b.process.pid();
        long t0 = System.nanoTime();
        b.process.destroyForcibly(); // SIGKILL: no shutdown hook, no last heartbeat
        assertThat(b.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(b.process.exitValue()).as("exit status of %d after SIGKILL", pid).isEqualTo(128 + 9);

        JsonNode interrupted = awaitStatus(a, id, "INTERRUPTED", INTERRUPT_BOUND.plusSeconds(20));
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("[two-node] %s killed: job #%d interrupted by %s after %.1f s (bound %d s)%n", b.name, id,
                a.name, seconds, INTERRUPT_BOUND.toSeconds());
        assertThat(seconds).as("seconds from SIGKILL to INTERRUPTED").isLessThan(INTERRUPT_BOUND.toSeconds());
        assertThat(interrupted.path("steps").get(0).path("status").asText()).as("the step B was running")
                .isEqualTo("INTERRUPTED");
        assertThat(interrupted.path("resumeFrom").asInt()).isZero();

        // the lock is released: the job resumes on A (the only node left) and ends well
        HttpResponse<String> resume = send(a, HttpRequest.newBuilder(URI.create(a.url("/api/v1/jobs/" + id + "/resume")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(resume.statusCode()).as(resume.body()).isEqualTo(200);
        JsonNode done = awaitStatus(a, id, "SUCCEEDED", Duration.ofSeconds(60));
        assertThat(done.path("node").asText()).isEqualTo(a.name);
        assertThat(done.path("attempt").asInt()).as("a new attempt").isEqualTo(interrupted.path("attempt").asInt() + 1);
        assertThat(done.path("steps").get(0).path("status").asText()).isEqualTo("SUCCEEDED");
        List<String> log = logLines(a, id);
        assertThat(log).contains(tag + " line 5", tag + " line 30");
        assertNoGapNoDuplicate(logSeqs(a, id));
    }

    // ---------------------------------------------------------------------------------------------------------------

    static Node other(Node node) {
        return node == a ? b : a;
    }

    /** Starts the job through {@code via} until it runs there (another node's free worker may pick a job first). */
    static long startRunningOn(Node target, long instance, Map<String, String> options) throws Exception {
        for (int attempt = 0; attempt < 5; attempt++) {
            long id = startJob(target, other(target), instance, options).path("id").asLong();
            JsonNode job = await(a, id, j -> !j.path("node").isNull() && !j.path("node").asText().isEmpty(),
                    Duration.ofSeconds(30), "a node picks it");
            if (job.path("node").asText().equals(target.name)) {
                return id;
            }
            send(a, HttpRequest.newBuilder(URI.create(a.url("/api/v1/jobs/" + id + "/cancel")))
                    .POST(HttpRequest.BodyPublishers.noBody()));
            awaitStatus(a, id, "CANCELLED", Duration.ofSeconds(30));
        }
        throw new AssertionError("Five jobs started through " + target.name + " all ran on the other node");
    }

    static JsonNode startJob(Node via, Node reviewVia, long instance, Map<String, String> options) throws Exception {
        HttpResponse<String> response = startJobResponse(via, reviewVia, instance, options);
        assertThat(response.statusCode()).as("start via %s: %s", via.name, response.body()).isEqualTo(201);
        return JSON.readTree(response.body());
    }

    /** Reviews the plan through {@code reviewVia}, then starts exactly that plan through {@code via}. */
    static HttpResponse<String> startJobResponse(Node via, Node reviewVia, long instance, Map<String, String> options)
            throws Exception {
        JsonNode plan = post(reviewVia, "/api/v1/jobs/plan", Map.of("flow", PrintLinesFlow.ID, "instanceId", instance,
                "options", options), 200);
        return send(via, HttpRequest.newBuilder(URI.create(via.url("/api/v1/jobs")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of(
                        "planId", plan.path("planId").asText(), "planDigest", plan.path("planDigest").asText())))));
    }

    static JsonNode awaitStatus(Node node, long id, String status, Duration timeout) throws Exception {
        JsonNode job = await(node, id, j -> status.equals(j.path("status").asText()), timeout, status);
        return job;
    }

    static JsonNode await(Node node, long id, Predicate<JsonNode> done, Duration timeout, String what) throws Exception {
        long until = System.nanoTime() + timeout.toNanos();
        JsonNode job = get(node, "/api/v1/jobs/" + id);
        while (!done.test(job) && System.nanoTime() < until) {
            Thread.sleep(100);
            job = get(node, "/api/v1/jobs/" + id);
        }
        assertThat(done.test(job)).as("job #%d: %s within %s; it is %s on %s: %s", id, what, timeout,
                job.path("status").asText(), job.path("node").asText(), job.path("message").asText()).isTrue();
        return job;
    }

    static void awaitLogLine(Node node, long id, String line) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!logLines(node, id).contains(line) && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        assertThat(logLines(node, id)).as("log of job #%d", id).contains(line);
    }

    static List<String> logLines(Node node, long id) throws Exception {
        List<String> lines = new ArrayList<>();
        get(node, "/api/v1/jobs/" + id + "/log?after=0&limit=5000").path("lines")
                .forEach(l -> lines.add(l.path("line").asText()));
        return lines;
    }

    static List<Long> logSeqs(Node node, long id) throws Exception {
        List<Long> seqs = new ArrayList<>();
        get(node, "/api/v1/jobs/" + id + "/log?after=0&limit=5000").path("lines")
                .forEach(l -> seqs.add(l.path("seq").asLong()));
        return seqs;
    }

    static void assertNoGapNoDuplicate(List<Long> seqs) {
        assertThat(seqs).as("log lines").isNotEmpty();
        for (int i = 0; i < seqs.size(); i++) {
            assertThat(seqs.get(i)).as("seq of the %d. line (no gap, no duplicate, in order)", i + 1).isEqualTo(i + 1L);
        }
    }

    /** What a follower received: each line event's id and text, and the end event's status. */
    static final class Sse {
        final List<Long> seqs = new CopyOnWriteArrayList<>();
        final List<String> lines = new CopyOnWriteArrayList<>();
        volatile String end;
    }

    /** Follows the job's live log over SSE through {@code node}, from its first line to its end event. */
    static CompletableFuture<Sse> follow(Node node, long id) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.url("/api/v1/jobs/" + id + "/log/stream?after=0")))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build();
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenApplyAsync(response -> {
            assertThat(response.statusCode()).isEqualTo(200);
            Sse sse = new Sse();
            String event = null;
            String data = null;
            String idLine = null;
            try (Stream<String> body = response.body()) {
                var it = body.iterator();
                while (it.hasNext()) {
                    String line = it.next();
                    if (line.isEmpty()) {
                        if ("line".equals(event)) {
                            sse.seqs.add(Long.parseLong(idLine));
                            sse.lines.add(readTree(data).path("line").asText());
                        } else if ("end".equals(event)) {
                            sse.end = data;
                            return sse;
                        }
                        event = null;
                        data = null;
                        idLine = null;
                    } else if (line.startsWith("event: ")) {
                        event = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        data = line.substring(6);
                    } else if (line.startsWith("id: ")) {
                        idLine = line.substring(4);
                    }
                }
            }
            return sse;
        });
    }

    private static JsonNode readTree(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean remoteProcessRunning(String tag) throws Exception {
        return remoteProcessCount(tag) > 0;
    }

    static void signal(String signal, Node node) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(node.process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -%s %s", signal, node).isZero();
    }

    static void awaitLogLineAfter(Node node, long id, long afterSeqCount, String line) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<String> lines = logLines(node, id);
        while (!lines.subList((int) Math.min(afterSeqCount, lines.size()), lines.size()).contains(line)
                && System.nanoTime() < until) {
            Thread.sleep(100);
            lines = logLines(node, id);
        }
        assertThat(lines.subList((int) Math.min(afterSeqCount, lines.size()), lines.size())).contains(line);
    }

    /** How many shells run the command tagged so on the lab host, asked over SSH with pgrep. */
    static int remoteProcessCount(String tag) throws Exception {
        // the step's own shell (sh -c <command>), not the setsid that waits for it; [x]yz: the pattern does not
        // match the command line of the shell that runs pgrep itself
        String pattern = "^sh -c .*[" + tag.charAt(0) + "]" + tag.substring(1) + " line";
        Process p = new ProcessBuilder("ssh", "-F", "/dev/null", "-p", String.valueOf(lab.sshPort()), "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + lab.knownHostsFile(),
                "-o", "GlobalKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
                "-o", "ConnectTimeout=10", "-i", lab.keyFile("dflab", "ecdsa").toString(), "dflab@" + lab.sshHost(),
                "pgrep -c -f '" + pattern + "'").redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        int exit = p.exitValue();
        assertThat(exit).as("pgrep over SSH: %s", out).isIn(0, 1);
        return Integer.parseInt(out.strip());
    }

    // ---------------------------------------------------------------------------------------------------------------

    static JsonNode get(Node node, String path) throws Exception {
        HttpResponse<String> response = send(node, HttpRequest.newBuilder(URI.create(node.url(path))).GET());
        assertThat(response.statusCode()).as("GET %s on %s: %s", path, node.name, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    static JsonNode post(Node node, String path, Object body, int expected) throws Exception {
        HttpResponse<String> response = send(node, HttpRequest.newBuilder(URI.create(node.url(path)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
        assertThat(response.statusCode()).as("POST %s on %s: %s", path, node.name, response.body()).isEqualTo(expected);
        return JSON.readTree(response.body());
    }

    static HttpResponse<String> send(Node node, HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Registers the lab's SQLite install (reached as dflab with its password) and accepts its host key. */
    static long registerInstance(Node node, String name) throws Exception {
        Map<String, Object> form = Map.of("product", "dreamfactory", "name", name, "sshHost", lab.sshHost(),
                "sshPort", lab.sshPort(), "sshUser", "dflab", "sshAuth", "PASSWORD", "sshPassword", lab.password("dflab"),
                "installPath", lab.instance("sqlite").path().toString(), "productSettings", Map.of("webServer", "NONE"));
        long id = post(node, "/api/v1/instances", form, 201).path("id").asLong();
        // the first contact fetches the host key; the admin compares it with the one the server's owner published
        send(node, HttpRequest.newBuilder(URI.create(node.url("/api/v1/instances/" + id + "/check")))
                .POST(HttpRequest.BodyPublishers.noBody()));
        JsonNode seen = get(node, "/api/v1/instances/" + id).path("hostKeyAwaitingAcceptance");
        String type = seen.path("type").asText();
        String fingerprint = seen.path("fingerprint").asText();
        List<String> published = new ArrayList<>();
        for (String keyType : List.of("ed25519", "ecdsa", "rsa")) {
            String known = lab.optionalProperty("sshd.hostkey." + keyType + ".fingerprint");
            if (known != null) {
                published.add(known);
            }
        }
        assertThat(fingerprint).as("host key %s seen by %s", type, node.name).isIn(published);
        post(node, "/api/v1/instances/" + id + "/host-key/accept", Map.of("fingerprint", fingerprint), 200);
        return id;
    }

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");
    private static final Pattern TOKEN = Pattern.compile("mpt_[A-Za-z0-9_-]{20,}");

    /** Signs in on the login page as the first admin and creates an API token on the account page. */
    static String signInAndCreateToken(Node node) throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        String login = browser.send(HttpRequest.newBuilder(URI.create(node.url("/login"))).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        HttpResponse<String> signedIn = browser.send(HttpRequest.newBuilder(URI.create(node.url("/login")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(form(Map.of("username", "admin", "password", ADMIN_PASSWORD, "_csrf", csrf(login)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(signedIn.uri().getPath()).as("signed in on %s", node.name).doesNotStartWith("/login");
        String account = browser.send(HttpRequest.newBuilder(URI.create(node.url("/account"))).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        HttpResponse<String> created = browser.send(HttpRequest.newBuilder(URI.create(node.url("/account/tokens")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(form(Map.of("name", "two-node-test", "_csrf", csrf(account)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(200);
        Matcher m = TOKEN.matcher(created.body());
        assertThat(m.find()).as("a new token on the account page").isTrue();
        return m.group();
    }

    private static String csrf(String page) {
        Matcher m = CSRF.matcher(page);
        assertThat(m.find()).as("a CSRF field on the page").isTrue();
        return m.group(1);
    }

    private static HttpRequest.BodyPublisher form(Map<String, String> fields) {
        StringBuilder sb = new StringBuilder();
        fields.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return HttpRequest.BodyPublishers.ofString(sb.toString());
    }

    // ---------------------------------------------------------------------------------------------------------------

    static Node node(String name) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path dataDir = Files.createTempDirectory("panel-" + name + "-");
        return new Node(name, port, dataDir, workDir.resolve(name + ".log"));
    }

    static void start(Node node, String classPath, String masterKey) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-XX:TieredStopAtLevel=1",
                "-cp", classPath, "dev.migrationpanel.MigrationPanelApplication",
                "--server.port=" + node.port,
                "--server.address=127.0.0.1",
                "--spring.datasource.url=" + SERVER + DATABASE,
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=",
                "--panel.data-dir=" + node.dataDir,
                "--panel.jobs.node-name=" + node.name,
                "--panel.jobs.cancel-poll=200ms",
                "--panel.jobs.sweep-interval=2s",
                "--db-scheduler.polling-interval=500ms",
                "--db-scheduler.heartbeat-interval=" + HEARTBEAT.toMillis() + "ms",
                "--db-scheduler.missed-heartbeats-limit=" + MISSED_HEARTBEATS,
                "--spring.main.sources=" + PrintLinesFlow.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(command).directory(node.dataDir.toFile()).redirectErrorStream(true)
                .redirectOutput(node.logFile.toFile());
        // secrets through the environment, never on a command line others can read
        pb.environment().put("PANEL_MASTER_KEY", masterKey);
        pb.environment().put("PANEL_ADMIN_PASSWORD", ADMIN_PASSWORD);
        node.process = pb.start();
    }

    static void awaitHealthy(Node node) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        while (System.nanoTime() < until) {
            if (!node.process.isAlive()) {
                throw new AssertionError(node + " exited with " + node.process.exitValue() + ":\n" + tail(node.logFile));
            }
            try {
                HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(node.url("/actuator/health")))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError(node + " did not answer /actuator/health in 150 s:\n" + tail(node.logFile));
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    /**
     * This test's runtime class path without {@code test-classes} (its test configurations would join the panel's
     * component scan), plus a directory holding only the test flow.
     */
    static String panelClassPath(Path flowClasses) {
        List<String> entries = new ArrayList<>();
        boolean mainClasses = false;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.isBlank() || entry.endsWith("test-classes") || entry.endsWith("test-classes/")) {
                continue;
            }
            mainClasses |= Files.isRegularFile(Path.of(entry, "dev", "migrationpanel", "MigrationPanelApplication.class"));
            entries.add(entry);
        }
        assertThat(mainClasses).as("target/classes on the test class path %s", entries).isTrue();
        entries.add(flowClasses.toString());
        return String.join(File.pathSeparator, entries);
    }

    static Path copyTestFlow(Path dir) throws Exception {
        Path source = Path.of(PrintLinesFlow.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path pkg = Path.of("dev", "panellab");
        deleteTree(dir);
        Files.createDirectories(dir.resolve(pkg));
        try (Stream<Path> files = Files.list(source.resolve(pkg))) {
            for (Path file : files.toList()) {
                Files.copy(file, dir.resolve(pkg).resolve(file.getFileName()));
            }
        }
        return dir;
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
