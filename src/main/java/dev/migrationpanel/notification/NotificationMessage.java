package dev.migrationpanel.notification;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

import dev.migrationpanel.job.EndedJobs.Ended;
import dev.migrationpanel.schedule.ScheduledStarts.Scheduled;

/**
 * What a channel is told — a job's end, a scheduled start refused, or a test: the JSON a webhook receives and, from
 * the same fields, an e-mail's subject and text. Built from the job's (or the scheduled start's) row only — title,
 * outcome, times and last message, which the runner masked when it wrote it — so no secret can be in it.
 */
record NotificationMessage(String event, Map<String, Object> fields) {

    static final String TEST_EVENT = "test";
    static final String REFUSED_START_EVENT = "schedule.refused";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static String event(Ended job) {
        return "job." + job.status().name().toLowerCase();
    }

    static NotificationMessage of(Ended job, String link) {
        Map<String, Object> jobFields = new LinkedHashMap<>();
        jobFields.put("id", job.id());
        jobFields.put("attempt", job.attempt());
        jobFields.put("flow", job.flow());
        jobFields.put("title", job.title());
        jobFields.put("status", job.status().name());
        jobFields.put("startedBy", job.startedBy());
        jobFields.put("startedAt", iso(job.startedAt()));
        jobFields.put("finishedAt", iso(job.finishedAt()));
        jobFields.put("durationSeconds", job.duration().toSeconds());
        jobFields.put("message", job.message());
        jobFields.put("link", link);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("event", event(job));
        fields.put("job", jobFields);
        if (job.instanceId() != null) {
            Map<String, Object> instance = new LinkedHashMap<>();
            instance.put("id", job.instanceId());
            instance.put("name", job.instanceName());
            fields.put("instance", instance);
        } else {
            fields.put("instance", null);
        }
        return new NotificationMessage(event(job), fields);
    }

    /** A reviewed plan that was not started at its scheduled time, and why. */
    static NotificationMessage refusedStart(Scheduled start, String link) {
        Map<String, Object> schedule = new LinkedHashMap<>();
        schedule.put("id", start.id());
        schedule.put("flow", start.flow());
        schedule.put("title", start.title());
        schedule.put("startAt", iso(start.startAt()));
        schedule.put("refusedAt", iso(start.endedAt()));
        schedule.put("scheduledBy", start.createdBy());
        schedule.put("message", start.message());
        schedule.put("link", link);
        Map<String, Object> instance = new LinkedHashMap<>();
        instance.put("id", start.instanceId());
        instance.put("name", start.instanceName());
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("event", REFUSED_START_EVENT);
        fields.put("schedule", schedule);
        fields.put("instance", instance);
        return new NotificationMessage(REFUSED_START_EVENT, fields);
    }

    /** What "Send a test" sends: the shape of a real message, marked as a test. */
    static NotificationMessage test(String channelName, String sentBy, Instant at) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("event", TEST_EVENT);
        fields.put("message", "A test of notification channel '" + channelName + "', sent by " + sentBy + " at "
                + iso(at) + ". Job ends are sent as event job.<status> with fields job and instance.");
        return new NotificationMessage(TEST_EVENT, fields);
    }

    String json() {
        return JSON.writeValueAsString(fields);
    }

    static NotificationMessage fromJson(String event, String json) {
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = JSON.readValue(json, LinkedHashMap.class);
        return new NotificationMessage(event, fields);
    }

    String subject() {
        if (TEST_EVENT.equals(event)) {
            return "[migration panel] Test message";
        }
        Map<?, ?> instance = (Map<?, ?>) fields.get("instance");
        if (REFUSED_START_EVENT.equals(event)) {
            Map<?, ?> schedule = (Map<?, ?>) fields.get("schedule");
            return "[migration panel] Scheduled start #" + schedule.get("id") + " refused: " + schedule.get("title")
                    + " (" + instance.get("name") + ")";
        }
        Map<?, ?> job = (Map<?, ?>) fields.get("job");
        return "[migration panel] Job #" + job.get("id") + " " + String.valueOf(job.get("status")).toLowerCase() + ": "
                + job.get("title") + (instance == null ? "" : " (" + instance.get("name") + ")");
    }

    String text() {
        if (TEST_EVENT.equals(event)) {
            return fields.get("message") + "\n";
        }
        Map<?, ?> instance = (Map<?, ?>) fields.get("instance");
        StringBuilder text = new StringBuilder();
        if (REFUSED_START_EVENT.equals(event)) {
            Map<?, ?> schedule = (Map<?, ?>) fields.get("schedule");
            text.append("Scheduled start #").append(schedule.get("id")).append(" was not started.\n\n");
            line(text, "Flow", schedule.get("title") + " [" + schedule.get("flow") + "]");
            line(text, "Instance", instance.get("name") + " (#" + instance.get("id") + ")");
            line(text, "Scheduled by", schedule.get("scheduledBy"));
            line(text, "Due", schedule.get("startAt"));
            line(text, "Why", schedule.get("message"));
            line(text, "Schedules", schedule.get("link"));
            return text.toString();
        }
        Map<?, ?> job = (Map<?, ?>) fields.get("job");
        text.append("Job #").append(job.get("id")).append(" (attempt ").append(job.get("attempt")).append(") ended: ")
                .append(job.get("status")).append("\n\n");
        line(text, "Flow", job.get("title") + " [" + job.get("flow") + "]");
        line(text, "Instance", instance == null ? "none" : instance.get("name") + " (#" + instance.get("id") + ")");
        line(text, "Started by", job.get("startedBy"));
        line(text, "Started", job.get("startedAt"));
        line(text, "Finished", job.get("finishedAt"));
        line(text, "Duration", job.get("durationSeconds") + " s");
        line(text, "Message", job.get("message"));
        line(text, "Log", job.get("link"));
        return text.toString();
    }

    private static void line(StringBuilder text, String label, Object value) {
        text.append(label).append(": ").append(value == null ? "—" : value).append('\n');
    }

    /** A time as messages and the page show it: UTC, ISO-8601, whole seconds. */
    static String iso(Instant at) {
        return at == null ? null : DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.SECONDS));
    }
}
