package dev.migrationpanel.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.authenticated;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpSession;

/**
 * A password change, an admin's reset and "sign out everywhere" end the user's other sessions: each session is
 * signed in for real through the login form, in a session of its own, as two browsers would.
 */
class SessionsTest extends SecurityTestSupport {

    static final String NEW_PASSWORD = "a-brand-new-password-7";

    MockHttpSession signIn(String name, String password) throws Exception {
        MockHttpSession session = new MockHttpSession();
        mvc.perform(post("/login").session(session).with(csrf()).param("username", name).param("password", password))
                .andExpect(redirectedUrl("/")).andExpect(authenticated().withUsername(name));
        return session;
    }

    void stillSignedIn(MockHttpSession session, String name) throws Exception {
        mvc.perform(get("/account").session(session)).andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString(name)));
    }

    void signedOut(MockHttpSession session) throws Exception {
        mvc.perform(get("/account").session(session)).andExpect(status().isFound())
                .andExpect(redirectedUrl("/login?expired"));
    }

    @Test
    void changingThePasswordInOneSessionSignsOutTheOtherAndKeepsThisOne() throws Exception {
        String name = createUser("two-browsers", Role.OPERATOR);
        MockHttpSession laptop = signIn(name, PASSWORD);
        MockHttpSession phone = signIn(name, PASSWORD);
        stillSignedIn(phone, name);
        String before = laptop.getId();

        mvc.perform(post("/account/password").session(laptop).with(csrf()).param("currentPassword", PASSWORD)
                        .param("password", NEW_PASSWORD).param("confirmation", NEW_PASSWORD))
                .andExpect(redirectedUrl("/account"));
        assertThat(laptop.getId()).as("the session that changed it gets a new id").isNotEqualTo(before);

        signedOut(phone);
        stillSignedIn(laptop, name);
        // the ended session stays ended, and shows why at the login page
        mvc.perform(get("/audit").session(phone)).andExpect(redirectedUrl("/login"));
        mvc.perform(get("/login").param("expired", "")).andExpect(content().string(
                Matchers.containsString("Your session was ended")));
        signIn(name, NEW_PASSWORD);
        assertThat(auditFor(name)).anySatisfy(e -> {
            assertThat(e.getAction()).isEqualTo("user.password_changed");
            assertThat(e.getDetail()).contains("other sessions were ended");
        });
    }

    @Test
    void anAdminsPasswordResetSignsOutEveryOneOfTheUsersSessions() throws Exception {
        String name = createUser("reset-me", Role.VIEWER);
        MockHttpSession one = signIn(name, PASSWORD);
        MockHttpSession two = signIn(name, PASSWORD);
        Long id = userRepository.findByUsername(name).orElseThrow().getId();

        mvc.perform(post("/admin/users/" + id + "/password").with(user("an-admin").roles("ADMIN")).with(csrf())
                        .param("password", NEW_PASSWORD).param("confirmation", NEW_PASSWORD))
                .andExpect(redirectedUrl("/admin/users/" + id));
        signedOut(one);
        signedOut(two);
        MockHttpSession after = signIn(name, NEW_PASSWORD);
        assertThat(actionsFor(name)).contains("user.password_reset");

        // the admin knows that password: nothing opens until the user has chosen their own
        for (String page : new String[] {"/instances", "/jobs", "/"}) {
            mvc.perform(get(page).session(after)).andExpect(redirectedUrl("/account?password-change-required"));
        }
        mvc.perform(get("/account").session(after)).andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("id=\"password-change-required\"")));
        mvc.perform(post("/account/password").session(after).with(csrf()).param("currentPassword", NEW_PASSWORD)
                        .param("password", NEW_PASSWORD).param("confirmation", NEW_PASSWORD))
                .andExpect(status().isBadRequest())
                .andExpect(content().string(Matchers.containsString("not the current one")));
        mvc.perform(post("/account/password").session(after).with(csrf()).param("currentPassword", NEW_PASSWORD)
                        .param("password", "the-users-own-choice-9").param("confirmation", "the-users-own-choice-9"))
                .andExpect(redirectedUrl("/account"));
        mvc.perform(get("/instances").session(after)).andExpect(status().isOk());
        mvc.perform(get("/account").session(after))
                .andExpect(content().string(Matchers.not(Matchers.containsString("id=\"password-change-required\""))));
    }

    @Test
    void signOutEverywhereEndsEverySessionThisOneToo() throws Exception {
        String name = createUser("everywhere", Role.VIEWER);
        MockHttpSession here = signIn(name, PASSWORD);
        MockHttpSession there = signIn(name, PASSWORD);
        mvc.perform(get("/account").session(here)).andExpect(content().string(Matchers.allOf(
                Matchers.containsString("action=\"/account/sessions/end\""), Matchers.containsString("Sign out everywhere"))));

        // a POST with CSRF only: without its token it is refused
        mvc.perform(post("/account/sessions/end").session(here)).andExpect(status().isForbidden());
        stillSignedIn(there, name);

        mvc.perform(post("/account/sessions/end").session(here).with(csrf())).andExpect(redirectedUrl("/login?logout"));
        assertThat(here.isInvalid()).isTrue();
        signedOut(there);
        assertThat(actionsFor(name)).contains("user.signed_out_everywhere");
        // the password is unchanged: signing in again works
        stillSignedIn(signIn(name, PASSWORD), name);
    }
}
