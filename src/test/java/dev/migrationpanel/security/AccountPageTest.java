package dev.migrationpanel.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestBuilders.formLogin;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.authenticated;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

class AccountPageTest extends SecurityTestSupport {

    @Test
    void aNewTokenIsShownOnceAndThenOnlyItsPrefix() throws Exception {
        String name = createUser("tokens", Role.VIEWER);
        String page = mvc.perform(post("/account/tokens").with(user(name).roles("VIEWER")).with(csrf())
                        .param("name", "CI pipeline"))
                .andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("shown only this once")))
                .andReturn().getResponse().getContentAsString();
        Matcher m = Pattern.compile("mpt_[A-Za-z0-9_-]{40}").matcher(page);
        assertThat(m.find()).isTrue();
        String token = m.group();

        mvc.perform(get("/api/v1/me").header("Authorization", "Bearer " + token))
                .andExpect(status().isOk());

        String later = mvc.perform(get("/account").with(user(name).roles("VIEWER")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(later).doesNotContain(token).contains("CI pipeline").contains(token.substring(0, 8) + "…");
        assertThat(actionsFor("CI pipeline")).contains("token.created");
    }

    @Test
    void tokenNamesAreValidated() throws Exception {
        String name = createUser("tokname", Role.VIEWER);
        mvc.perform(post("/account/tokens").with(user(name).roles("VIEWER")).with(csrf()).param("name", "  "))
                .andExpect(status().isBadRequest())
                .andExpect(content().string(Matchers.containsString("Give the token a name of 1 to 100 characters")));
        mvc.perform(post("/account/tokens").with(user(name).roles("VIEWER")).with(csrf()).param("name", "x".repeat(101)))
                .andExpect(status().isBadRequest());
        assertThat(tokenService.listFor(name)).isEmpty();
    }

    @Test
    void aUserRevokesOnlyTheirOwnTokens() throws Exception {
        String owner = createUser("owner", Role.VIEWER);
        String intruder = createUser("intruder", Role.ADMIN);
        String token = tokenFor(owner);
        Long id = tokenService.listFor(owner).get(0).getId();
        mvc.perform(post("/account/tokens/" + id + "/revoke").with(user(intruder).roles("ADMIN")).with(csrf()))
                .andExpect(flash().attribute("flashError", "No such token"));
        mvc.perform(get("/api/v1/me").header("Authorization", "Bearer " + token)).andExpect(status().isOk());
        mvc.perform(post("/account/tokens/" + id + "/revoke").with(user(owner).roles("VIEWER")).with(csrf()))
                .andExpect(redirectedUrl("/account")).andExpect(flash().attribute("flashOk", "Token revoked"));
        mvc.perform(get("/api/v1/me").header("Authorization", "Bearer " + token)).andExpect(status().isUnauthorized());
        assertThat(tokenService.listFor(owner).get(0).isRevoked()).isTrue();
        assertThat(actionsFor("test token")).contains("token.revoked");
    }

    @Test
    void changingTheOwnPasswordNeedsTheCurrentOne() throws Exception {
        String name = createUser("ownpw", Role.OPERATOR);
        String next = "my-next-password-42";
        mvc.perform(post("/account/password").with(user(name).roles("OPERATOR")).with(csrf())
                        .param("currentPassword", "wrong-current-password").param("password", next)
                        .param("confirmation", next))
                .andExpect(status().isBadRequest())
                .andExpect(content().string(Matchers.containsString("The current password is not correct")))
                .andExpect(content().string(Matchers.not(Matchers.containsString("wrong-current-password"))));
        mvc.perform(post("/account/password").with(user(name).roles("OPERATOR")).with(csrf())
                        .param("currentPassword", PASSWORD).param("password", "short").param("confirmation", "short"))
                .andExpect(status().isBadRequest())
                .andExpect(content().string(Matchers.containsString("at least 12 characters")));
        mvc.perform(post("/account/password").with(user(name).roles("OPERATOR")).with(csrf())
                        .param("currentPassword", PASSWORD).param("password", next).param("confirmation", next))
                .andExpect(redirectedUrl("/account")).andExpect(flash().attribute("flashOk", "Your password was changed; your other sessions were signed out"));
        mvc.perform(formLogin("/login").user(name).password(next)).andExpect(authenticated().withUsername(name));
        assertThat(actionsFor(name)).contains("user.password_changed");
    }

    /** An address of its own: other tests' failures from 127.0.0.1 do not count here. */
    private static final org.springframework.test.web.servlet.request.RequestPostProcessor FROM_ELSEWHERE = request -> {
        request.setRemoteAddr("192.0.2.77");
        return request;
    };

    /** The current password on the account page is throttled as the sign-in is: guesses get no answer after a few. */
    @Test
    void guessingTheCurrentPasswordIsThrottledLikeTheSignIn() throws Exception {
        String name = createUser("guessed", Role.OPERATOR);
        String next = "my-next-password-42";
        for (int i = 0; i < 5; i++) {
            mvc.perform(post("/account/password").with(user(name).roles("OPERATOR")).with(csrf()).with(FROM_ELSEWHERE)
                            .param("currentPassword", "guess-" + i).param("password", next).param("confirmation", next))
                    .andExpect(status().isBadRequest());
        }
        mvc.perform(post("/account/password").with(user(name).roles("OPERATOR")).with(csrf()).with(FROM_ELSEWHERE)
                        .param("currentPassword", PASSWORD).param("password", next).param("confirmation", next))
                .andExpect(status().is(429))
                .andExpect(content().string(Matchers.containsString("Too many wrong passwords: try again after")));
        assertThat(actionsFor(name)).doesNotContain("user.password_changed");
    }

    @Test
    void theAuditPageListsNewestFirstAndFilters() throws Exception {
        String name = createUser("auditpage", Role.VIEWER);
        tokenFor(name);
        String page = mvc.perform(get("/audit").with(user(name).roles("VIEWER")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("token.created").contains("user.created");
        // newest first: the token was created after the user
        assertThat(page.indexOf("token.created")).isLessThan(page.indexOf("user.created"));
        assertThat(page).containsPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");

        String filtered = mvc.perform(get("/audit").param("targetType", "api_token").with(user(name).roles("VIEWER")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(filtered).contains("token.created").doesNotContain("user.created");
        String byActor = mvc.perform(get("/audit").param("actor", "nobody-at-all").with(user(name).roles("VIEWER")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(byActor).contains("No events").doesNotContain("token.created");
    }
}
