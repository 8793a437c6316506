package dev.migrationpanel.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestBuilders.formLogin;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.authentication;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.authenticated;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.unauthenticated;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.forwardedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.List;

import org.hamcrest.Matchers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.test.web.servlet.MvcResult;

class WebChainTest extends SecurityTestSupport {

    @ParameterizedTest
    @ValueSource(strings = {"/", "/audit", "/account", "/admin/users", "/instances", "/v3/api-docs",
            "/swagger-ui.html", "/swagger-ui/index.html"})
    void pagesRedirectToLoginWhenSignedOut(String path) throws Exception {
        mvc.perform(get(path)).andExpect(status().isFound()).andExpect(redirectedUrl("/login"));
    }

    @Test
    void healthIsPublic() throws Exception {
        mvc.perform(get("/actuator/health")).andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("UP")));
    }

    @Test
    void loginPageIsPublicAndShowsOutcomeMessages() throws Exception {
        mvc.perform(get("/login")).andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("name=\"_csrf\"")))
                .andExpect(content().string(Matchers.not(Matchers.containsString("Wrong username or password"))));
        mvc.perform(get("/login").param("error", "")).andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("Wrong username or password")));
        mvc.perform(get("/login").param("logout", "")).andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("Signed out")));
    }

    @Test
    void signInWithTheRightPasswordIsAuditedAndSetsLastLogin() throws Exception {
        String name = createUser("signin", Role.VIEWER);
        mvc.perform(formLogin("/login").user(name).password(PASSWORD))
                .andExpect(status().isFound()).andExpect(redirectedUrl("/"))
                .andExpect(authenticated().withUsername(name).withRoles("VIEWER"));
        List<AuditEvent> events = auditFor(name).stream().filter(e -> e.getAction().equals("signin.succeeded")).toList();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).getActor()).isEqualTo(name);
        assertThat(userRepository.findByUsername(name).orElseThrow().getLastLoginAt()).isNotNull();
    }

    @Test
    void signInWithAWrongPasswordIsAuditedWithoutThePassword() throws Exception {
        String name = createUser("wrongpw", Role.VIEWER);
        String wrong = "not-the-password-" + System.nanoTime();
        mvc.perform(formLogin("/login").user(name).password(wrong))
                .andExpect(status().isFound()).andExpect(redirectedUrl("/login?error"))
                .andExpect(unauthenticated());
        List<AuditEvent> failed = auditFor(name).stream().filter(e -> e.getAction().equals("signin.failed")).toList();
        assertThat(failed).hasSize(1);
        assertThat(failed.get(0).getActor()).isEqualTo(name);
        assertThat(auditRepository.findAll()).noneSatisfy(e -> assertThat(
                String.join("|", String.valueOf(e.getActor()), String.valueOf(e.getTargetName()),
                        String.valueOf(e.getDetail()), String.valueOf(e.getTargetId()))).contains(wrong));
        assertThat(userRepository.findByUsername(name).orElseThrow().getLastLoginAt()).isNull();
    }

    @Test
    void unknownUserAndDisabledUserCannotSignIn() throws Exception {
        mvc.perform(formLogin("/login").user("nobody-here").password(PASSWORD))
                .andExpect(redirectedUrl("/login?error")).andExpect(unauthenticated());
        String name = createUser("disabled", Role.ADMIN);
        userService.setEnabled(userRepository.findByUsername(name).orElseThrow().getId(), false);
        mvc.perform(formLogin("/login").user(name).password(PASSWORD))
                .andExpect(redirectedUrl("/login?error")).andExpect(unauthenticated());
        assertThat(auditFor(name)).anySatisfy(e -> {
            assertThat(e.getAction()).isEqualTo("signin.failed");
            assertThat(e.getDetail()).contains("disabled");
        });
    }

    @Test
    void signInChangesTheSessionIdAndSignOutIsAudited() throws Exception {
        String name = createUser("session", Role.OPERATOR);
        MockHttpSession before = new MockHttpSession();
        String idBefore = before.getId();
        MvcResult login = mvc.perform(post("/login").session(before).with(csrf())
                        .param("username", name).param("password", PASSWORD))
                .andExpect(authenticated()).andReturn();
        MockHttpSession session = (MockHttpSession) login.getRequest().getSession(false);
        assertThat(session.getId()).isNotEqualTo(idBefore);

        mvc.perform(get("/account").session(session)).andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString(name)));
        mvc.perform(post("/logout").session(session).with(csrf()))
                .andExpect(redirectedUrl("/login?logout")).andExpect(unauthenticated());
        assertThat(actionsFor(name)).contains("signin.succeeded", "signout");
    }

    @Test
    void formPostWithoutCsrfTokenIsRefused() throws Exception {
        mvc.perform(post("/logout").with(user("admin").roles("ADMIN"))).andExpect(status().isForbidden());
        mvc.perform(post("/admin/users").with(user("admin").roles("ADMIN"))
                .param("username", "csrf-victim").param("role", "ADMIN")
                .param("password", PASSWORD).param("confirmation", PASSWORD))
                .andExpect(status().isForbidden());
        assertThat(userRepository.findByUsername("csrf-victim")).isEmpty();
        mvc.perform(post("/login").param("username", "admin").param("password", "admin-test-password-1"))
                .andExpect(status().isForbidden()).andExpect(unauthenticated());
    }

    @Test
    void adminPagesAreForAdminsOnlyAndDenialShowsTheFriendlyPage() throws Exception {
        mvc.perform(get("/admin/users").with(user("op").roles("OPERATOR")))
                .andExpect(status().isForbidden()).andExpect(forwardedUrl("/access-denied"));
        mvc.perform(get("/access-denied").with(user("op").roles("OPERATOR")))
                .andExpect(status().isForbidden())
                .andExpect(content().contentTypeCompatibleWith("text/html"))
                .andExpect(content().string(Matchers.containsString("Not allowed")))
                .andExpect(content().string(Matchers.containsString("Back to the start page")))
                .andExpect(content().string(Matchers.containsString("class=\"topbar\"")));
        mvc.perform(get("/admin/users").with(user("admin").roles("ADMIN"))).andExpect(status().isOk());
    }

    @Test
    void aDisabledUsersSessionEndsAtTheNextRequest() throws Exception {
        String name = createUser("cutoff", Role.OPERATOR);
        PanelUserDetails principal = new PanelUserDetails(userRepository.findByUsername(name).orElseThrow());
        var auth = UsernamePasswordAuthenticationToken.authenticated(principal, null, principal.getAuthorities());
        mvc.perform(get("/audit").with(authentication(auth))).andExpect(status().isOk());
        userService.setEnabled(principal.getId(), false);
        mvc.perform(get("/audit").with(authentication(auth)))
                .andExpect(status().isFound()).andExpect(redirectedUrl("/login"));
    }

    @Test
    void aChangedRoleAppliesToAnOpenSession() throws Exception {
        String name = createUser("promoted", Role.VIEWER);
        PanelUserDetails principal = new PanelUserDetails(userRepository.findByUsername(name).orElseThrow());
        var auth = UsernamePasswordAuthenticationToken.authenticated(principal, null, principal.getAuthorities());
        mvc.perform(get("/admin/users").with(authentication(auth))).andExpect(status().isForbidden());
        clearContext();
        // as another admin (a principal not in the database is not refreshed)
        var admin = user("ghost-admin").roles("ADMIN");
        mvc.perform(post("/admin/users/" + principal.getId() + "/role").with(admin).with(csrf()).param("role", "ADMIN"))
                .andExpect(status().isFound());
        mvc.perform(get("/admin/users").with(authentication(auth))).andExpect(status().isOk());
    }

    @Test
    void securityHeadersAreSet() throws Exception {
        mvc.perform(get("/login"))
                .andExpect(header().string("X-Content-Type-Options", "nosniff"))
                .andExpect(header().exists("X-Frame-Options"))
                .andExpect(header().string("Cache-Control", Matchers.containsString("no-store")))
                .andExpect(header().string("Content-Security-Policy", Matchers.allOf(
                        Matchers.startsWith("default-src 'self'"), Matchers.containsString("script-src 'self';"),
                        Matchers.containsString("style-src 'self';"), Matchers.containsString("frame-ancestors 'none'"),
                        Matchers.not(Matchers.containsString("unsafe")))))
                .andExpect(header().string("Referrer-Policy", "same-origin"))
                // plain HTTP: no HSTS (a browser ignores it there, and a panel on http must stay reachable)
                .andExpect(header().doesNotExist("Strict-Transport-Security"));
        mvc.perform(get("/login").secure(true))
                .andExpect(header().string("Strict-Transport-Security", "max-age=31536000 ; includeSubDomains"));
        // Swagger UI's bundle applies an inline style: its pages alone allow that, never inline scripts
        mvc.perform(get("/swagger-ui/index.html").with(user("viewer").roles("VIEWER")))
                .andExpect(header().string("Content-Security-Policy", Matchers.allOf(
                        Matchers.containsString("style-src 'self' 'unsafe-inline';"),
                        Matchers.containsString("script-src 'self';"))));
        // the API chain too, on its problem answers
        mvc.perform(get("/api/v1/me"))
                .andExpect(status().isUnauthorized())
                .andExpect(header().string("Content-Security-Policy", Matchers.startsWith("default-src 'self'")))
                .andExpect(header().string("Referrer-Policy", "same-origin"))
                .andExpect(header().string("X-Content-Type-Options", "nosniff"));
    }
}
