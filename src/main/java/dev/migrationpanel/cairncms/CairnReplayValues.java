package dev.migrationpanel.cairncms;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A cross-vendor content move's values, as text the source's DB prints them (PostgreSQL's {@code t}, MariaDB's
 * {@code 1}, SQLite's epoch milliseconds for a timestamp…): turned into what the target's items API takes for the
 * field's CairnCMS type ({@link #toApi}), and, for the proof, into one canonical text per kind of value
 * ({@link #normal}) so that the same value written by two vendors compares equal and a different one does not.
 * Timestamps without a zone are read as UTC (the panel's JVM and the lab's DBs run in UTC); every instant is compared
 * to the millisecond (SQLite keeps no finer).
 */
final class CairnReplayValues {

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    /** "2024-05-01 10:00:00", "2024-05-01T10:00:00.123", with an optional offset "+00", "+00:00", "Z". */
    private static final DateTimeFormatter LOOSE = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE).optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':').appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .optionalStart().appendLiteral(':').appendValue(ChronoField.SECOND_OF_MINUTE, 2).optionalEnd()
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd()
            .toFormatter(Locale.ROOT);

    private CairnReplayValues() {
    }

    /**
     * How a column's values compare across vendors ({@code INSTANT_SECONDS}: an instant where one side keeps whole
     * seconds only, MariaDB's {@code timestamp} and {@code datetime} without a fractional precision).
     */
    enum Kind {
        BOOLEAN, INTEGER, NUMBER, JSON, INSTANT, INSTANT_SECONDS, TEXT
    }

    /**
     * Whether a column of that declared type on that vendor keeps whole seconds only: MariaDB's (and MySQL's)
     * {@code timestamp} and {@code datetime} without {@code (n)} drop a written value's fraction.
     */
    static boolean wholeSeconds(dev.migrationpanel.database.DbVendor vendor, String type) {
        return vendor == dev.migrationpanel.database.DbVendor.MYSQL && type != null
                && type.trim().toLowerCase(Locale.ROOT).matches("timestamp|datetime");
    }

    /**
     * The kind of a column from its declared type on each side (e.g. PostgreSQL's {@code boolean} and MariaDB's
     * {@code tinyint(1)}; MariaDB declares a JSON column {@code longtext}, so either side naming JSON makes it JSON).
     */
    static Kind kind(String sourceType, String targetType) {
        String s = sourceType == null ? "" : sourceType.toLowerCase(Locale.ROOT);
        String t = targetType == null ? "" : targetType.toLowerCase(Locale.ROOT);
        if (isBoolean(s) || isBoolean(t)) {
            return Kind.BOOLEAN;
        }
        if (s.contains("json") || t.contains("json")) {
            return Kind.JSON;
        }
        if (s.contains("timestamp") || t.contains("timestamp") || s.contains("datetime") || t.contains("datetime")) {
            return Kind.INSTANT;
        }
        if (s.contains("int") && t.contains("int")) {
            return Kind.INTEGER;
        }
        if (isNumber(s) && isNumber(t)) {
            return Kind.NUMBER;
        }
        return Kind.TEXT;
    }

    private static boolean isBoolean(String type) {
        return type.startsWith("bool") || type.equals("tinyint(1)");
    }

    private static boolean isNumber(String type) {
        return type.contains("int") || type.contains("numeric") || type.contains("decimal") || type.contains("real")
                || type.contains("double") || type.contains("float");
    }

    /** The canonical text of a value of that kind (null stays null; a value that does not parse is kept as it is). */
    static String normal(Kind kind, String value) {
        if (value == null) {
            return null;
        }
        try {
            return switch (kind) {
                case BOOLEAN -> {
                    Boolean b = bool(value);
                    yield b == null ? value : b.toString();
                }
                case INTEGER, NUMBER -> {
                    BigDecimal d = new BigDecimal(value.trim()).stripTrailingZeros();
                    yield d.signum() == 0 ? "0" : d.toPlainString();
                }
                case JSON -> JSON.writeValueAsString(JSON.readValue(value, Object.class));
                case INSTANT -> instant(value).toString();
                case INSTANT_SECONDS -> instant(value).truncatedTo(ChronoUnit.SECONDS).toString();
                case TEXT -> value;
            };
        } catch (RuntimeException e) {
            return value;
        }
    }

    /** t/true/1 and f/false/0 (PostgreSQL, MariaDB's driver, SQLite), else null. */
    static Boolean bool(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "t", "true", "1" -> Boolean.TRUE;
            case "f", "false", "0" -> Boolean.FALSE;
            default -> null;
        };
    }

    /**
     * An instant from a DB's text: epoch milliseconds (SQLite, as CairnCMS's driver stores a date there), or a date and
     * time with or without an offset (without: UTC), to the millisecond.
     */
    static Instant instant(String value) {
        String v = value.trim();
        if (v.matches("-?\\d{10,}")) {
            long n = Long.parseLong(v);
            return (v.length() >= 12 ? Instant.ofEpochMilli(n) : Instant.ofEpochSecond(n)).truncatedTo(ChronoUnit.MILLIS);
        }
        try {
            var parsed = LOOSE.parseBest(v, OffsetDateTime::from, LocalDateTime::from, LocalDate::from);
            Instant instant = parsed instanceof OffsetDateTime o ? o.toInstant()
                    : parsed instanceof LocalDateTime l ? l.toInstant(ZoneOffset.UTC)
                    : ((LocalDate) parsed).atStartOfDay().toInstant(ZoneOffset.UTC);
            return instant.truncatedTo(ChronoUnit.MILLIS);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a date and time: " + v, e);
        }
    }

    /**
     * The value the target's items API takes for a field of that CairnCMS type ({@code integer}, {@code boolean},
     * {@code json}, {@code timestamp}…), from the source DB's text: a JSON number, boolean, the parsed JSON document, an
     * ISO-8601 instant; text for the rest. A value that does not parse as its type goes as text: the API then says
     * what it refuses.
     */
    static Object toApi(String type, String value) {
        if (value == null) {
            return null;
        }
        try {
            return switch (type == null ? "" : type) {
                case "integer", "bigInteger" -> new java.math.BigInteger(value.trim());
                case "float", "decimal" -> new BigDecimal(value.trim());
                case "boolean" -> {
                    Boolean b = bool(value);
                    yield b == null ? value : b;
                }
                case "json" -> JSON.readValue(value, JsonNode.class);
                case "timestamp" -> instant(value).toString();
                case "dateTime" -> LocalDateTime.ofInstant(instant(value), ZoneOffset.UTC).toString();
                case "date" -> value.length() >= 10 && value.charAt(4) == '-' ? value.substring(0, 10)
                        : LocalDate.ofInstant(instant(value), ZoneOffset.UTC).toString();
                default -> value;
            };
        } catch (RuntimeException e) {
            return value;
        }
    }
}
