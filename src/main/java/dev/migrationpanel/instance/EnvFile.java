package dev.migrationpanel.instance;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed dotenv file as Laravel (vlucas/phpdotenv) and Directus read it: {@code KEY=value} lines,
 * optional {@code export}, {@code #} comments, single quotes taken literally, double quotes with
 * backslash escapes, inline comments after unquoted values. Values stay in memory only.
 */
public final class EnvFile {

    private static final Pattern LINE = Pattern.compile("^\\s*(?:export\\s+)?([A-Za-z_][A-Za-z0-9_.]*)\\s*=\\s*(.*)$");

    private final Map<String, String> values;

    private EnvFile(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    public static EnvFile parse(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String raw : text.split("\\r?\\n")) {
            Matcher m = LINE.matcher(raw);
            if (!raw.trim().startsWith("#") && m.matches()) {
                values.put(m.group(1), unquote(m.group(2).trim()));
            }
        }
        return new EnvFile(values);
    }

    private static String unquote(String value) {
        if (value.startsWith("'")) {
            int end = value.indexOf('\'', 1);
            return end < 0 ? value.substring(1) : value.substring(1, end);
        }
        if (value.startsWith("\"")) {
            StringBuilder out = new StringBuilder();
            for (int i = 1; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '\\' && i + 1 < value.length()) {
                    char next = value.charAt(++i);
                    out.append(switch (next) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        case 'r' -> '\r';
                        default -> next;
                    });
                } else if (c == '"') {
                    break;
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }
        int comment = value.indexOf(" #");
        return (comment >= 0 ? value.substring(0, comment) : value).trim();
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** Present and not empty. */
    public boolean has(String key) {
        String value = values.get(key);
        return value != null && !value.isEmpty();
    }

    public java.util.Set<String> keys() {
        return values.keySet();
    }
}
