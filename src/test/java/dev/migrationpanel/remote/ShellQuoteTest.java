package dev.migrationpanel.remote;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShellQuoteTest {

    private static TestSshServer server;
    private static SshSession session;

    static List<String> hostile() {
        return List.of(
                "",
                "plain",
                "it's",
                "'",
                "''",
                "'\"'\"'",
                "\"double\"",
                "a;b",
                "; rm -rf /tmp/should-not-exist-shellquote",
                "$(id)",
                "`id`",
                "a && b",
                "a || b",
                "a | b",
                "> /tmp/shellquote-out",
                "< /etc/passwd",
                "line1\nline2",
                "trailing newline\n",
                "\n",
                "tab\there",
                "  leading and trailing spaces  ",
                "*",
                "/*",
                "~",
                "~root",
                "$HOME",
                "${HOME}",
                "$((1+1))",
                "\\",
                "back\\slash\\n",
                "-n",
                "--help",
                "-",
                "%s %d %%",
                "!event",
                "#comment",
                "a=b",
                "{a,b}",
                "[abc]",
                "?",
                "(subshell)",
                "&",
                "ünïcödé ✓ 漢字 🚀",
                "\r\n",
                "mixed 'single' and \"double\" and `back` and $(sub) and \\ and \t tab");
    }

    @BeforeAll
    static void startServer() throws Exception {
        server = TestSshServer.startDefault("deploy", "quote-test-pw");
        session = new SshConnector(Duration.ofSeconds(10)).open(server.passwordTarget(server.hostKey()));
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (session != null) {
            session.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void wrapsInSingleQuotesAndEscapesSingleQuotes() {
        assertThat(ShellQuote.quote("abc")).isEqualTo("'abc'");
        assertThat(ShellQuote.quote("")).isEqualTo("''");
        assertThat(ShellQuote.quote("it's")).isEqualTo("'it'\"'\"'s'");
        assertThat(ShellQuote.quote("$(id)")).isEqualTo("'$(id)'");
    }

    @Test
    void rejectsNulAndNull() {
        assertThatThrownBy(() -> ShellQuote.quote("a\0b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ShellQuote.quote(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ShellQuote.join("ok", "a\0b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void joinQuotesEachWord() {
        assertThat(ShellQuote.join("ls", "-l", "my dir", "")).isEqualTo("'ls' '-l' 'my dir' ''");
        assertThat(ShellQuote.join()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void roundTripsThroughALocalShell(String s) throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", "printf %s " + ShellQuote.quote(s)).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(err).isEmpty();
        assertThat(p.exitValue()).isZero();
        assertThat(out).isEqualTo(s.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void roundTripsOverSsh(String s) {
        CommandResult result = session.run("printf %s " + ShellQuote.quote(s), Duration.ofSeconds(10));
        assertThat(result.stderr()).isEmpty();
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout().getBytes(StandardCharsets.UTF_8)).isEqualTo(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void joinKeepsArgvBoundariesOverSsh() {
        List<String> words = hostile();
        String command = "printf '[%s]\\0' " + ShellQuote.join(words.toArray(new String[0]));
        CommandResult result = session.run(command, Duration.ofSeconds(10));
        assertThat(result.exitCode()).isZero();
        StringBuilder expected = new StringBuilder();
        for (String w : words) {
            expected.append('[').append(w).append(']').append('\0');
        }
        assertThat(result.stdout()).isEqualTo(expected.toString());
    }
}
