package dev.migrationpanel.job.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.security.SecretMasker;

/** The writer against the real schema (H2): masking, numbering, splitting, concurrency. */
class JobLogWriterTest extends JobLogTestSupport {

    static final String SECRET = "Tr0ub4dor&3/horse+staple";

    @Test
    void secretsAndTheirEncodedFormsAreNeverStored() {
        long id = newJob(JobStatus.RUNNING);
        String base64 = Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8));
        String urlEncoded = URLEncoder.encode(SECRET, StandardCharsets.UTF_8);
        assertThat(urlEncoded).isNotEqualTo(SECRET);
        try (JobLogWriter writer = logs.open(id, new SecretMasker(List.of(SECRET)))) {
            writer.line(1, LogStream.OUT, "mysql -p" + SECRET + " -e 'select 1'");
            writer.line(1, LogStream.ERR, "Authorization: Basic " + base64);
            writer.line(null, LogStream.PANEL, "GET /login?pw=" + urlEncoded + "&x=1");
            writer.line(2, LogStream.OUT, "first\nthen " + SECRET + "\nlast");
            writer.line(3, LogStream.ERR, "before: met-later-secret");
            // a secret the run met later (a DB password read from .env) is masked from then on, with the first
            writer.maskWith(new SecretMasker(List.of(SECRET, "met-later-secret")));
            writer.line(3, LogStream.ERR, "via ssh " + SECRET + " met-later-secret");
        }
        List<String> stored = storedLines(id);
        assertThat(stored).hasSize(8);
        assertThat(stored.get(6)).isEqualTo("before: met-later-secret");
        assertThat(String.join("\n", stored.subList(7, 8))).doesNotContain(SECRET).doesNotContain(base64).doesNotContain(urlEncoded)
                .doesNotContain("Tr0ub4dor");
        assertThat(stored.get(0)).isEqualTo("mysql -p**** -e 'select 1'");
        assertThat(stored.get(1)).isEqualTo("Authorization: Basic ****");
        assertThat(stored.get(2)).isEqualTo("GET /login?pw=****&x=1");
        assertThat(stored.subList(3, 6)).containsExactly("first", "then ****", "last");
        assertThat(stored.get(7)).isEqualTo("via ssh **** ****");
        assertThat(String.join("\n", stored.subList(0, 6))).doesNotContain(SECRET).doesNotContain(base64)
                .doesNotContain(urlEncoded).doesNotContain("Tr0ub4dor");
        Map<String, Object> last = jdbc.queryForMap("select step, stream from job_log where job_id = ? and seq = 8", id);
        assertThat(last).containsEntry("STEP", 3).containsEntry("STREAM", "ERR");
    }

    @Test
    void seqContinuesAfterTheLinesAlreadyStoredForTheJob() {
        long id = newJob(JobStatus.RUNNING);
        try (JobLogWriter first = logs.open(id, NO_SECRETS)) {
            first.panel(1, "step 1 started");
            first.line(1, LogStream.OUT, "a\nb");
        }
        // the job is resumed: a new writer
        try (JobLogWriter second = logs.open(id, NO_SECRETS)) {
            assertThat(second.lastSeq()).isEqualTo(3);
            second.panel(2, "step 2 started");
        }
        List<Map<String, Object>> rows = jdbc.queryForList("select seq, line from job_log where job_id = ? order by seq", id);
        assertThat(rows).extracting(r -> ((Number) r.get("SEQ")).longValue()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(rows).extracting(r -> r.get("LINE")).containsExactly("step 1 started", "a", "b", "step 2 started");
        assertThat(logs.lastSeq(id)).isEqualTo(4);
    }

    @Test
    void linesAreSplitCutAtTheColumnSizeAndCleaned() {
        long id = newJob(JobStatus.RUNNING);
        String longLine = "x".repeat(20_000);
        try (JobLogWriter writer = logs.open(id, NO_SECRETS)) {
            writer.line(1, LogStream.OUT, "windows\r\nline\n");
            writer.line(1, LogStream.OUT, "");
            writer.line(1, LogStream.OUT, longLine);
            writer.line(1, LogStream.OUT, "nul\0byte");
        }
        List<String> stored = storedLines(id);
        assertThat(stored).hasSize(5);
        assertThat(stored.subList(0, 3)).containsExactly("windows", "line", "");
        assertThat(stored.get(3)).hasSize(JobLogWriter.MAX_LINE_CHARS).startsWith("xxxx")
                .endsWith("[… line truncated, 20000 chars in all]");
        assertThat(stored.get(4)).isEqualTo("nul\uFFFDbyte");
    }

    @Test
    void twoThreadsWriting100kLinesEachStoreEveryLineWithUniqueGaplessSeqs() throws Exception {
        long id = newJob(JobStatus.RUNNING);
        int perThread = 100_000;
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (JobLogWriter writer = logs.open(id, NO_SECRETS)) {
            CountDownLatch start = new CountDownLatch(1);
            Future<?> out = threads.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    writer.line(1, LogStream.OUT, "out " + i);
                }
                return null;
            });
            Future<?> err = threads.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    writer.line(1, LogStream.ERR, "err " + i);
                }
                return null;
            });
            start.countDown();
            out.get(120, TimeUnit.SECONDS);
            err.get(120, TimeUnit.SECONDS);
            writer.flush();
            assertThat(writer.lastSeq()).isEqualTo(2L * perThread);
        } finally {
            threads.shutdownNow();
        }
        Map<String, Object> stats = jdbc.queryForMap(
                "select count(*) n, count(distinct seq) d, min(seq) lo, max(seq) hi from job_log where job_id = ?", id);
        assertThat(((Number) stats.get("N")).longValue()).isEqualTo(2L * perThread);
        assertThat(((Number) stats.get("D")).longValue()).isEqualTo(2L * perThread);
        assertThat(((Number) stats.get("LO")).longValue()).isEqualTo(1);
        assertThat(((Number) stats.get("HI")).longValue()).isEqualTo(2L * perThread);
        // each thread's lines keep their order
        int nextOut = 0;
        int nextErr = 0;
        long after = 0;
        while (true) {
            List<LogLine> page = logs.after(id, after, JobLogService.MAX_PAGE);
            if (page.isEmpty()) {
                break;
            }
            for (LogLine line : page) {
                if (line.stream() == LogStream.OUT) {
                    assertThat(line.line()).isEqualTo("out " + nextOut++);
                } else {
                    assertThat(line.line()).isEqualTo("err " + nextErr++);
                }
            }
            after = page.get(page.size() - 1).seq();
        }
        assertThat(nextOut).isEqualTo(perThread);
        assertThat(nextErr).isEqualTo(perThread);
    }

    @Test
    void aClosedWriterRefusesLinesAndAnUnknownJobHasNoWriter() {
        long id = newJob(JobStatus.RUNNING);
        JobLogWriter writer = logs.open(id, NO_SECRETS);
        writer.line(null, LogStream.PANEL, "only line");
        writer.close();
        writer.close();
        assertThatThrownBy(() -> writer.line(null, LogStream.PANEL, "late")).isInstanceOf(IllegalStateException.class);
        assertThat(storedLines(id)).containsExactly("only line");
        assertThatThrownBy(() -> logs.open(987_654_321L, NO_SECRETS)).isInstanceOf(IllegalArgumentException.class);
    }
}
