package dev.migrationpanel.remote;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a command refers to a secret without holding it: {@code {{secret:db.password}}}, bare (outside
 * quotes). The job engine puts the value in place only when the command runs, through standard input.
 * Names: {@code db.password}, {@code ssh.password}, {@code env.APP_KEY} (a key of the instance's environment
 * file); {@code instance.12.env.APP_KEY} is that secret of another instance of the same plan.
 */
public final class SecretRefs {

    public static final Pattern PATTERN = Pattern.compile("\\{\\{secret:([a-z][A-Za-z0-9._-]*)}}");

    private SecretRefs() {
    }

    public static String ref(String name) {
        if (!PATTERN.matcher(ref0(name)).matches()) {
            throw new IllegalArgumentException("Not a secret name: " + name);
        }
        return ref0(name);
    }

    /** A reference to a secret of another instance of the plan, e.g. {@code instance.12.env.APP_KEY}. */
    public static String ref(long instanceId, String name) {
        return ref(ofInstance(instanceId, name));
    }

    /** The name of that instance's secret {@code name} as a step of another instance asks for it. */
    public static String ofInstance(long instanceId, String name) {
        return "instance." + instanceId + "." + name;
    }

    private static String ref0(String name) {
        return "{{secret:" + name + "}}";
    }

    /**
     * Whether a text that came from a user holds anything like a reference ({@code {{…}}}): such text is refused
     * where it comes in, so that only commands the panel composes carry references.
     */
    public static boolean mentions(String text) {
        return text != null && text.contains("{{");
    }

    /** The names a text refers to, in order of first appearance. */
    public static List<String> names(String text) {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        Matcher m = PATTERN.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return List.copyOf(names);
    }

    /** Replaces each reference with what {@code resolver} gives for its name. */
    public static String replace(String text, Function<String, String> resolver) {
        Matcher m = PATTERN.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(resolver.apply(m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * The command made to read its secrets from standard input first: one {@code IFS= read -r PANEL_SECRET_n;}
     * per name of {@link #names}, in that order, and each reference replaced by its variable. Whoever runs it
     * sends the values, one line each, before anything else the command reads.
     */
    public static String readingFromStdin(String command) {
        List<String> names = names(command);
        StringBuilder prelude = new StringBuilder();
        for (int i = 1; i <= names.size(); i++) {
            prelude.append("IFS= read -r PANEL_SECRET_").append(i).append("; ");
        }
        return prelude + replace(command, name -> "\"$PANEL_SECRET_" + (names.indexOf(name) + 1) + "\"");
    }

    /** The text as the admin reviews it: every reference shown as {@code ****}. */
    public static String hide(String text) {
        return PATTERN.matcher(text).replaceAll("****");
    }
}
