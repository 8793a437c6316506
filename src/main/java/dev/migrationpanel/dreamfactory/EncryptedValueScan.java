package dev.migrationpanel.dreamfactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.migrationpanel.database.TextValues;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every Laravel-encrypted value of a DB, decrypted with one APP_KEY: the migration proof's evidence that the
 * carried key opens what the source encrypted. DreamFactory keeps such values as a whole column (a private
 * lookup's {@code value}) and as string values inside JSON documents (a service config's {@code connection}
 * holds its {@code username} and {@code password} encrypted), so a value is read as a payload, else as a JSON
 * document whose strings are walked at any depth, else as text that embeds payloads. Each payload's MAC is
 * verified and its value decrypted; counts are kept per place ({@code table.column[.json.path]}, array
 * positions as {@code []}), so memory stays flat however many values there are. Not thread-safe.
 */
final class EncryptedValueScan implements Consumer<TextValues.Found> {

    /** Every Laravel payload starts so: base64 of {@code {"iv":}. */
    static final String MARKER = "eyJpdiI6";
    private static final Pattern PAYLOAD = Pattern.compile(MARKER + "[A-Za-z0-9+/]+={0,2}");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What was found at one place: how many payloads, how many did not decrypt, and the first reason. */
    static final class Place {
        long payloads;
        long failed;
        String firstFailure;
    }

    private final LaravelEncrypter encrypter;
    private final Map<String, Place> places = new TreeMap<>();

    EncryptedValueScan(LaravelEncrypter encrypter) {
        this.encrypter = encrypter;
    }

    /** By place, in name order. */
    Map<String, Place> places() {
        return places;
    }

    long payloads() {
        return places.values().stream().mapToLong(p -> p.payloads).sum();
    }

    long failed() {
        return places.values().stream().mapToLong(p -> p.failed).sum();
    }

    @Override
    public void accept(TextValues.Found value) {
        String place = value.table() + "." + value.column();
        String text = value.text().trim();
        if (PAYLOAD.matcher(text).matches()) {
            check(place, value.rowKey(), text);
        } else if (text.startsWith("{") || text.startsWith("[")) {
            JsonNode document;
            try {
                document = JSON.readTree(text);
            } catch (JacksonException e) {
                embedded(place, value.rowKey(), text.replace("\\/", "/"));
                return;
            }
            walk(document, place, value.rowKey());
        } else {
            embedded(place, value.rowKey(), text);
        }
    }

    private void walk(JsonNode node, String path, String rowKey) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                walk(field.getValue(), path + "." + field.getKey(), rowKey);
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                walk(item, path + "[]", rowKey);
            }
        } else if (node.isString() && node.asString().contains(MARKER)) {
            String text = node.asString().trim();
            if (PAYLOAD.matcher(text).matches()) {
                check(path, rowKey, text);
            } else {
                embedded(path, rowKey, text);
            }
        }
    }

    /** Payloads inside other text (not a JSON document): each one found is checked, under "(embedded)". */
    private void embedded(String place, String rowKey, String text) {
        Matcher m = PAYLOAD.matcher(text);
        while (m.find()) {
            check(place + " (embedded)", rowKey, m.group());
        }
    }

    private void check(String place, String rowKey, String payload) {
        Place p = places.computeIfAbsent(place, k -> new Place());
        p.payloads++;
        try {
            encrypter.decrypt(payload);
        } catch (LaravelEncrypter.DecryptException e) {
            p.failed++;
            if (p.firstFailure == null) {
                p.firstFailure = (rowKey == null ? "" : "row " + rowKey + ": ") + e.getMessage();
            }
        }
    }

    /** One line of the report: a place whose every payload decrypts, or one with failures. */
    record Line(boolean ok, String text) {
    }

    /** The report's lines, one per place in name order. */
    List<Line> lines() {
        List<Line> lines = new ArrayList<>();
        places.forEach((place, p) -> lines.add(p.failed == 0
                ? new Line(true, place + ": " + count(p.payloads) + " encrypted value(s), each decrypts")
                : new Line(false, place + ": " + count(p.failed) + " of " + count(p.payloads)
                        + " encrypted value(s) do not decrypt with the target's APP_KEY (first: " + p.firstFailure + ")")));
        return lines;
    }

    static String count(long n) {
        return String.format(java.util.Locale.ROOT, "%,d", n);
    }
}
