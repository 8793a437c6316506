package dev.migrationpanel.remote;

import java.util.StringJoiner;

/**
 * The one shell-quoting helper of the app. Every value that ends up inside a remote
 * command line goes through {@link #quote(String)}.
 *
 * <p>POSIX single quotes: inside {@code '...'} nothing is special, so the only character
 * that needs care is {@code '} itself, which is written as {@code '"'"'} (close the quote,
 * a double-quoted quote, reopen). NUL cannot be passed through argv at all and is rejected.
 */
public final class ShellQuote {

    private ShellQuote() {
    }

    /** Always quotes, even safe words; the empty string becomes {@code ''}. */
    public static String quote(String s) {
        if (s == null) {
            throw new IllegalArgumentException("Cannot shell-quote null");
        }
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("Cannot shell-quote a string that contains a NUL character");
        }
        StringBuilder sb = new StringBuilder(s.length() + 2);
        sb.append('\'');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'') {
                sb.append("'\"'\"'");
            } else {
                sb.append(c);
            }
        }
        sb.append('\'');
        return sb.toString();
    }

    /** Quotes each word and joins them with single spaces: an argv-style command line. */
    public static String join(String... words) {
        if (words == null) {
            throw new IllegalArgumentException("Cannot shell-quote null");
        }
        StringJoiner joiner = new StringJoiner(" ");
        for (String w : words) {
            joiner.add(quote(w));
        }
        return joiner.toString();
    }
}
