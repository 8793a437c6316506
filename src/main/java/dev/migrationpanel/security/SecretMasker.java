package dev.migrationpanel.security;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Replaces every known secret in a text with {@code ****}: the value itself and the forms it commonly
 * travels in (base64, URL-encoded). Longest first, so a secret that contains another is masked whole.
 */
public final class SecretMasker {

    public static final String MASK = "****";
    /** Shorter values would mask ordinary words and digits all over a log. */
    private static final int MIN_LENGTH = 4;

    private final List<String> needles;

    public SecretMasker(Collection<String> secrets) {
        Set<String> forms = new LinkedHashSet<>();
        for (String secret : secrets) {
            if (secret == null || secret.length() < MIN_LENGTH) {
                continue;
            }
            forms.add(secret);
            byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
            forms.add(Base64.getEncoder().encodeToString(bytes));
            forms.add(Base64.getEncoder().withoutPadding().encodeToString(bytes));
            forms.add(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
            forms.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
            forms.add(URLEncoder.encode(secret, StandardCharsets.UTF_8).replace("+", "%20"));
            // multi-line secrets (private keys) also leak line by line
            for (String line : secret.split("\\R")) {
                if (line.length() >= 16) {
                    forms.add(line);
                }
            }
        }
        this.needles = forms.stream().filter(f -> f.length() >= MIN_LENGTH)
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    public String mask(String text) {
        if (text == null || needles.isEmpty()) {
            return text;
        }
        String out = text;
        for (String needle : needles) {
            if (out.contains(needle)) {
                out = out.replace(needle, MASK);
            }
        }
        return out;
    }
}
