package dev.migrationpanel.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.authenticated;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.unauthenticated;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import org.hamcrest.MatcherAssert;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.ResultMatcher;

/**
 * Sign-in throttling through the real login form (MockMvc, CSRF, the client address set per request), on a
 * clock the test moves instead of waiting. Before it, 30 wrong passwords in 14 s and then the right one signed
 * in.
 */
@Import(SignInThrottleTest.MovableClockConfiguration.class)
class SignInThrottleTest extends SecurityTestSupport {

    /** Time stands still unless the test moves it: nothing depends on how fast the machine is. */
    static final class MovableClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T10:00:00Z"));

        void advance(Duration by) {
            now.updateAndGet(t -> t.plus(by));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class MovableClockConfiguration {
        @Bean
        @Primary
        MovableClock movableClock() {
            return new MovableClock();
        }
    }

    @Autowired
    MovableClock clock;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    SignInThrottle throttle;

    ResultActions signIn(String username, String password, String address) throws Exception {
        return mvc.perform(post("/login").with(csrf()).with(request -> {
            request.setRemoteAddr(address);
            return request;
        }).param("username", username).param("password", password));
    }

    void wrong(String username, String address) throws Exception {
        signIn(username, "wrong-password-" + System.nanoTime(), address)
                .andExpect(redirectedUrl("/login?error")).andExpect(unauthenticated());
    }

    void refused(String username, String password, String address) throws Exception {
        signIn(username, password, address).andExpect(status().isFound())
                .andExpect(redirectsTo(Matchers.startsWith("/login?throttled=")))
                .andExpect(unauthenticated());
    }

    void signsIn(String username, String address) throws Exception {
        signIn(username, PASSWORD, address).andExpect(redirectedUrl("/")).andExpect(authenticated().withUsername(username));
    }

    int failures(String kind, String subject) {
        return jdbc.queryForList("select failures from sign_in_throttle where kind = ? and subject = ?", Integer.class,
                kind, subject).stream().findFirst().orElse(0);
    }

    static ResultMatcher redirectsTo(org.hamcrest.Matcher<String> matcher) {
        return result -> MatcherAssert.assertThat(result.getResponse().getRedirectedUrl(), matcher);
    }

    @Test
    void thirtyQuickWrongPasswordsThenTheRightOneIsRefusedDelaysGrowAndTheAddressLockEndsByItself() throws Exception {
        String name = createUser("throttled", Role.ADMIN);
        String address = "192.0.2.10";

        // the sequence: 30 wrong at once, then the right one
        for (int i = 1; i <= 30; i++) {
            if (i <= 5) {
                wrong(name, address);
            } else {
                refused(name, "wrong-" + i, address);
            }
        }
        refused(name, PASSWORD, address);
        assertThat(failures(SignInThrottle.ACCOUNT, name)).as("refused attempts are not checked, not counted").isEqualTo(5);
        assertThat(actionsFor(name)).containsOnlyOnce("signin.delayed").doesNotContain("signin.succeeded");
        assertThat(actionsFor(address)).containsOnlyOnce("signin.delayed");
        mvc.perform(get("/login").param("throttled", "1")).andExpect(content().string(
                Matchers.containsString("Too many failed sign-ins. Try again in 1 second.")));

        // growing delays: each is waited out, the next failure doubles it
        for (int failure = 6; failure <= 10; failure++) {
            Duration delay = Duration.ofSeconds(1L << (failure - 6));
            clock.advance(delay.minusMillis(200));
            refused(name, PASSWORD, address); // not yet
            clock.advance(Duration.ofMillis(200));
            wrong(name, address);
        }
        // the 10th failure from this address locked the address, before the account (20)
        assertThat(actionsFor(address)).containsOnlyOnce("signin.locked");
        assertThat(actionsFor(name)).doesNotContain("signin.locked");
        clock.advance(Duration.ofMinutes(14));
        refused(name, PASSWORD, address);
        assertThat(actionsFor(name)).doesNotContain("signin.succeeded");

        // the lock ends by itself: the right password signs in, and clears the account's count
        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        signsIn(name, address);
        assertThat(failures(SignInThrottle.ACCOUNT, name)).isZero();
        assertThat(auditFor(address)).filteredOn(e -> e.getAction().equals("signin.locked"))
                .singleElement().satisfies(e -> assertThat(e.getDetail())
                        .contains("address " + address + " locked until").contains("after 10 failed sign-ins"));
    }

    @Test
    void manyAddressesAreSlowedPerAccountAndLockItForAWhileOnlyAfterTwentyFailures() throws Exception {
        String name = createUser("spread", Role.ADMIN);
        for (int failure = 1; failure <= 20; failure++) {
            // four addresses, five failures each: none of them reaches the address lock
            wrong(name, "198.51.100." + (1 + (failure - 1) / 5));
            clock.advance(failure >= 5 ? Duration.ofSeconds(61) : Duration.ofMillis(1));
            if (failure == 5) {
                assertThat(actionsFor(name)).containsOnlyOnce("signin.delayed");
            }
        }
        assertThat(actionsFor(name)).containsOnlyOnce("signin.locked");
        for (int a = 1; a <= 4; a++) {
            assertThat(actionsFor("198.51.100." + a)).doesNotContain("signin.locked");
        }
        // locked: even the right password from a fresh address is refused unchecked
        refused(name, PASSWORD, "203.0.113.99");
        // a lock the attacker cannot hold: it ends, the right password works
        clock.advance(Duration.ofMinutes(15));
        signsIn(name, "203.0.113.99");
    }

    @Test
    void anAdminSeesALockOnTheUsersPageAndLiftsIt() throws Exception {
        String name = createUser("lifted", Role.VIEWER);
        String address = "192.0.2.77";
        for (int failure = 1; failure <= 10; failure++) {
            wrong(name, address);
            clock.advance(Duration.ofSeconds(61));
        }
        refused(name, PASSWORD, address);

        mvc.perform(get("/admin/users").with(user("some-admin").roles("ADMIN")))
                .andExpect(status().isOk())
                .andExpect(content().string(Matchers.allOf(
                        Matchers.containsString("data-kind=\"ADDRESS\" data-subject=\"" + address + "\" data-state=\"locked\""),
                        Matchers.containsString("data-kind=\"ACCOUNT\" data-subject=\"" + name + "\""),
                        Matchers.containsString("After 5 failed sign-ins"))));

        mvc.perform(post("/admin/users/sign-in-throttle/lift").with(user("some-admin").roles("ADMIN")).with(csrf())
                        .param("kind", SignInThrottle.ADDRESS).param("subject", address))
                .andExpect(redirectedUrl("/admin/users"));
        mvc.perform(post("/admin/users/sign-in-throttle/lift").with(user("some-admin").roles("ADMIN")).with(csrf())
                .param("kind", SignInThrottle.ACCOUNT).param("subject", name));
        assertThat(actionsFor(address)).contains("signin.unlocked");
        signsIn(name, address);
        // only admins may lift
        mvc.perform(post("/admin/users/sign-in-throttle/lift").with(user("op").roles("OPERATOR")).with(csrf())
                .param("kind", SignInThrottle.ADDRESS).param("subject", address)).andExpect(status().isForbidden());
    }

    @Test
    void oneAttemptPerAccountAndAddressIsCheckedAtATime() {
        throttle.acquire("parallel", "192.0.2.200");
        try {
            assertThatThrownBy(() -> throttle.acquire("parallel", "192.0.2.201"))
                    .isInstanceOf(SignInThrottledException.class);
            assertThatThrownBy(() -> throttle.acquire("other", "192.0.2.200"))
                    .isInstanceOf(SignInThrottledException.class);
            throttle.acquire("other", "192.0.2.201"); // neither taken: fine
            throttle.release("other", "192.0.2.201");
        } finally {
            throttle.release("parallel", "192.0.2.200");
        }
        throttle.acquire("parallel", "192.0.2.200");
        throttle.release("parallel", "192.0.2.200");
    }
}
