package dev.panellab;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.job.Flow;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.web.InvalidInputException;

/**
 * Test only: a flow whose one step prints numbered lines on the instance over SSH, one every {@code pauseMs}, each
 * carrying the run's {@code tag} (so a test finds the remote process with {@code pgrep -f}). It goes through the real
 * engine (review, plan digest, lock, db-scheduler, the SSH executor, the log writer).
 *
 * <p>It lives outside {@code dev.migrationpanel} on purpose: the panel's component scan never sees it. A test adds it
 * to a panel process it starts with {@code --spring.main.sources=dev.panellab.PrintLinesFlow} (see
 * {@code TwoNodeLabIT}); no build of the panel ever contains it.
 */
public class PrintLinesFlow implements Flow {

    public static final String ID = "test.print-lines";
    private static final Pattern TAG = Pattern.compile("[a-z0-9-]{1,40}");

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Print lines (test)";
    }

    @Override
    public String description() {
        return "Prints numbered lines on the instance, one every pauseMs milliseconds (test only)";
    }

    @Override
    public String product() {
        return "dreamfactory";
    }

    @Override
    public Plan plan(Instance instance, Map<String, String> options) {
        int lines = number(options, "lines", 20, 1, 100_000);
        int pauseMs = number(options, "pauseMs", 100, 0, 5_000);
        String tag = options.get("tag");
        if (tag == null || !TAG.matcher(tag).matches()) {
            throw InvalidInputException.of("tag", "tag is 1 to 40 lower-case letters, digits and dashes");
        }
        String pause = String.format("%d.%03d", pauseMs / 1000, pauseMs % 1000);
        String command = "i=0; while [ $i -lt " + lines + " ]; do i=$((i+1)); echo \"" + tag + " line $i\"; sleep "
                + pause + "; done";
        Step step = new Step("Print " + lines + " lines", instance.getId(), instance.getName(), false,
                new StepSpec.RemoteCommand(command), Duration.ofMinutes(10), null);
        return new Plan(ID, "Print " + lines + " lines", instance.getId(), instance.getName(), List.of(step),
                Map.of("lines", Integer.toString(lines), "pauseMs", Integer.toString(pauseMs), "tag", tag));
    }

    private static int number(Map<String, String> options, String name, int fallback, int min, int max) {
        String value = options.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the one line below says what is expected
        }
        throw InvalidInputException.of(name, name + " is a whole number from " + min + " to " + max);
    }
}
