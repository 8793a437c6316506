package dev.migrationpanel.notification;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/** E-mail recipients as an admin types them: separated by commas, semicolons or spaces. */
final class RecipientList {

    static final int MAX = 20;
    /** One address: a local part and a domain with a dot; no quoting, comments or display names. */
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");

    private RecipientList() {
    }

    static List<String> parse(String text) {
        return Arrays.stream((text == null ? "" : text).split("[,;\\s]+")).filter(s -> !s.isBlank()).distinct().toList();
    }

    /** The first entry that is not an address, or null when all are. */
    static String firstInvalid(List<String> addresses) {
        return addresses.stream().filter(a -> a.length() > 254 || !ADDRESS.matcher(a).matches()).findFirst().orElse(null);
    }
}
