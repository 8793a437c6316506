package dev.migrationpanel.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The pages' Content-Security-Policy ({@code script-src 'self'; style-src 'self'}) blocks inline code and
 * styles: a template or script that used one would break in the browser without a test noticing. So every
 * template and front-end file is read for what the policy refuses: a {@code <script>} with a body, an
 * {@code on…=} handler, a {@code style=} or {@code th:style} attribute, a {@code <style>} element, a
 * {@code javascript:} URL, and in the scripts {@code eval}, {@code new Function}, {@code setAttribute('style'}.
 */
class ContentSecurityPolicyTemplatesTest {

    static final List<Pattern> IN_TEMPLATES = List.of(
            Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>", Pattern.CASE_INSENSITIVE),
            Pattern.compile("<script[^>]*>\\s*[^<\\s]", Pattern.CASE_INSENSITIVE),
            Pattern.compile("\\s(?:th:)?on[a-z]+\\s*=", Pattern.CASE_INSENSITIVE),
            Pattern.compile("\\s(?:th:)?style\\s*=", Pattern.CASE_INSENSITIVE),
            Pattern.compile("<style[\\s>]", Pattern.CASE_INSENSITIVE),
            Pattern.compile("javascript:", Pattern.CASE_INSENSITIVE));
    static final List<Pattern> IN_SCRIPTS = List.of(
            Pattern.compile("\\beval\\s*\\("),
            Pattern.compile("new\\s+Function\\s*\\("),
            Pattern.compile("setAttribute\\(\\s*['\"](?:style|on[a-z]+)['\"]"),
            Pattern.compile("\\.style\\.cssText|setTimeout\\(\\s*['\"]"),
            Pattern.compile("style=", Pattern.CASE_INSENSITIVE));

    @Test
    void noTemplateOrScriptUsesWhatThePolicyBlocks() throws IOException {
        List<String> found = new ArrayList<>();
        scan(Path.of("src/main/resources/templates"), ".html", IN_TEMPLATES, found);
        scan(Path.of("frontend-static"), ".html", IN_TEMPLATES, found);
        scan(Path.of("frontend-static"), ".js", IN_SCRIPTS, found);
        assertThat(found).as("inline code or style the Content-Security-Policy would block").isEmpty();
    }

    @Test
    void theScanSeesWhatItLooksFor() {
        List<String> hits = new ArrayList<>();
        String bad = "<p style=\"color:red\" onclick=\"x()\"><span th:style=\"'w'\"></span></p><script>alert(1)</script>"
                + "<script th:src=\"@{/js/ok.js}\"></script>";
        for (Pattern p : IN_TEMPLATES) {
            Matcher m = p.matcher(bad);
            while (m.find()) {
                hits.add(m.group());
            }
        }
        assertThat(hits).hasSize(5);
    }

    private static void scan(Path root, String suffix, List<Pattern> patterns, List<String> found) throws IOException {
        assertThat(root).isDirectory();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(suffix)).toList()) {
                String text = Files.readString(file);
                for (Pattern p : patterns) {
                    Matcher m = p.matcher(text);
                    while (m.find()) {
                        int line = text.substring(0, m.start()).split("\n", -1).length;
                        found.add(file + ":" + line + ": " + m.group().strip());
                    }
                }
            }
        }
    }
}
