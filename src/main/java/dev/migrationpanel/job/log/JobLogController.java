package dev.migrationpanel.job.log;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.AsyncRequestTimeoutException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import dev.migrationpanel.web.InvalidInputException;
import dev.migrationpanel.web.NotFoundException;

/**
 * A job's log: live stream (SSE), pages and the text download. Each route exists twice with the same
 * behaviour: under {@code /jobs/…} for the signed-in browser (session) and under {@code /api/v1/jobs/…}
 * for API tokens. Any signed-in user may read a log; the lines were masked before they were stored.
 */
@RestController
@Tag(name = "Job logs", description = "A job's log: live stream, pages and download")
class JobLogController {

    private final JobLogService logs;
    private final JobLogStreams streams;

    JobLogController(JobLogService logs, JobLogStreams streams) {
        this.logs = logs;
        this.streams = streams;
    }

    @GetMapping({"/jobs/{id}/log/stream", "/api/v1/jobs/{id}/log/stream"})
    @Operation(summary = "Follow the log live (text/event-stream)",
            description = "One event per line: id = seq, event = line, data = {seq, step, at, stream, line}. "
                    + "Resumes after Last-Event-ID (or ?after= on the first connection); ends with event: end "
                    + "once the job is no longer active.")
    ResponseEntity<SseEmitter> stream(@PathVariable long id,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
            @RequestParam(name = "after", required = false) Long after) {
        requireJob(id);
        long from = after == null ? 0 : Math.max(0, after);
        if (lastEventId != null && !lastEventId.isBlank()) {
            try {
                from = Math.max(0, Long.parseLong(lastEventId.trim()));
            } catch (NumberFormatException e) {
                throw InvalidInputException.of("Last-Event-ID", "Last-Event-ID must be a line number");
            }
        }
        SseEmitter emitter;
        try {
            emitter = streams.open(id, from);
        } catch (RejectedExecutionException e) {
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5").build();
        }
        return ResponseEntity.ok()
                .header(HttpHeaders.CACHE_CONTROL, "no-cache")
                .header("X-Accel-Buffering", "no")
                .contentType(MediaType.TEXT_EVENT_STREAM)
                .body(emitter);
    }

    @GetMapping({"/jobs/{id}/log", "/api/v1/jobs/{id}/log"})
    @Operation(summary = "A page of the log",
            description = "after=<seq>: the lines after it (next = the after of the following page, null when "
                    + "no more yet). before=<seq>: the lines right before it (next = the before of the earlier "
                    + "page, null at the start). tail=true: the last lines. limit ≤ 5000 (default 1000).")
    LogPage page(@PathVariable long id, @RequestParam(required = false) Long after,
            @RequestParam(required = false) Long before, @RequestParam(defaultValue = "false") boolean tail,
            @RequestParam(defaultValue = "1000") int limit) {
        if (limit < 1 || limit > JobLogService.MAX_PAGE) {
            throw InvalidInputException.of("limit", "limit must be between 1 and " + JobLogService.MAX_PAGE);
        }
        if ((after != null ? 1 : 0) + (before != null ? 1 : 0) + (tail ? 1 : 0) > 1) {
            throw InvalidInputException.of("after", "Give at most one of after, before and tail");
        }
        requireJob(id);
        if (before != null || tail) {
            long until = tail ? Long.MAX_VALUE : before;
            List<LogLine> lines = logs.before(id, until, limit);
            Long next = !lines.isEmpty() && !logs.before(id, lines.get(0).seq(), 1).isEmpty() ? lines.get(0).seq() : null;
            return new LogPage(lines.stream().map(LogLineView::of).toList(), next);
        }
        long from = after == null ? 0 : after;
        List<LogLine> lines = logs.after(id, from, limit);
        Long next = lines.isEmpty() ? null : lines.get(lines.size() - 1).seq();
        if (lines.size() < limit) {
            // no more lines now; a running job may add some: poll again with the last seq seen
            next = null;
        }
        return new LogPage(lines.stream().map(LogLineView::of).toList(), next);
    }

    @GetMapping({"/jobs/{id}/log.txt", "/api/v1/jobs/{id}/log.txt"})
    @Operation(summary = "Download the whole log as text", description = "<ISO time> [step N] OUT|ERR|PANEL line")
    void download(@PathVariable long id, HttpServletResponse response) throws IOException {
        requireJob(id);
        response.setContentType("text/plain;charset=UTF-8");
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"job-" + id + ".log\"");
        response.setHeader("X-Accel-Buffering", "no");
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8),
                64 * 1024);
        logs.writeText(id, out);
        out.flush();
    }

    /**
     * A stream the container timed out (at shutdown; the stream's own deadline comes first otherwise): the
     * response is committed, there is nothing to answer and nothing worth an error in the panel's log.
     */
    @ExceptionHandler(AsyncRequestTimeoutException.class)
    void streamTimedOut() {
        // the browser reconnects with Last-Event-ID
    }

    private void requireJob(long id) {
        if (logs.status(id).isEmpty()) {
            throw new NotFoundException("No job with id " + id);
        }
    }
}
