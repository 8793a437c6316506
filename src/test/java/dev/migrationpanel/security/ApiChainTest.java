package dev.migrationpanel.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestBuilders.formLogin;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.List;
import java.util.Map;

import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.ResultActions;

class ApiChainTest extends SecurityTestSupport {

    @Autowired
    JdbcTemplate jdbc;

    private ResultActions me(String token) throws Exception {
        return mvc.perform(get("/api/v1/me").header("Authorization", "Bearer " + token));
    }

    private static void expectProblem(ResultActions result, int status, String detail) throws Exception {
        result.andExpect(status().is(status))
                .andExpect(content().contentTypeCompatibleWith("application/problem+json"))
                .andExpect(jsonPath("$.status").value(status))
                .andExpect(jsonPath("$.detail").value(detail))
                .andExpect(header().doesNotExist("Location"))
                .andExpect(content().string(Matchers.not(Matchers.containsString("Exception"))));
    }

    @Test
    void withoutATokenTheApiAnswers401ProblemJson() throws Exception {
        expectProblem(mvc.perform(get("/api/v1/me")), 401, ApiProblemHandlers.NO_TOKEN);
        expectProblem(mvc.perform(get("/api/v1/audit").header("Authorization", "Basic YWRtaW46eA==")), 401,
                ApiProblemHandlers.NO_TOKEN);
        mvc.perform(get("/api/v1/me")).andExpect(header().string("WWW-Authenticate", "Bearer"));
        // an unknown API path is a 401 too, not a login redirect
        expectProblem(mvc.perform(get("/api/v1/nothing-here")), 401, ApiProblemHandlers.NO_TOKEN);
    }

    @Test
    void aValidTokenActsAsItsOwner() throws Exception {
        String name = createUser("api", Role.OPERATOR);
        String token = tokenFor(name);
        assertThat(token).matches("mpt_[A-Za-z0-9_-]{40}");
        me(token).andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith("application/json"))
                .andExpect(jsonPath("$.username").value(name))
                .andExpect(jsonPath("$.role").value("OPERATOR"));
        ApiToken stored = tokenService.listFor(name).get(0);
        assertThat(stored.getLastUsedAt()).isNotNull();
        assertThat(stored.getTokenPrefix()).isEqualTo(token.substring(0, 8));
    }

    @Test
    void theTokenUsesTheOwnersCurrentRole() throws Exception {
        String name = createUser("rolechange", Role.VIEWER);
        String token = tokenFor(name);
        me(token).andExpect(jsonPath("$.role").value("VIEWER"));
        userService.changeRole(userRepository.findByUsername(name).orElseThrow().getId(), Role.ADMIN);
        me(token).andExpect(jsonPath("$.role").value("ADMIN"));
    }

    @Test
    void revokedUnknownMalformedAndDisabledTokensAre401() throws Exception {
        String name = createUser("revoke", Role.ADMIN);
        String token = tokenFor(name);
        me(token).andExpect(status().isOk());
        tokenService.revoke(name, tokenService.listFor(name).get(0).getId());
        expectProblem(me(token), 401, ApiProblemHandlers.BAD_TOKEN);
        me(token).andExpect(header().string("WWW-Authenticate", Matchers.containsString("invalid_token")));

        expectProblem(me("mpt_" + "A".repeat(40)), 401, ApiProblemHandlers.BAD_TOKEN);
        expectProblem(me("garbage"), 401, ApiProblemHandlers.BAD_TOKEN);

        String other = createUser("disabledowner", Role.ADMIN);
        String otherToken = tokenFor(other);
        me(otherToken).andExpect(status().isOk());
        userService.setEnabled(userRepository.findByUsername(other).orElseThrow().getId(), false);
        expectProblem(me(otherToken), 401, ApiProblemHandlers.BAD_TOKEN);
    }

    @Test
    void theTokenIsNotStoredInPlainText() throws Exception {
        String name = createUser("hashonly", Role.VIEWER);
        String token = tokenFor(name);
        List<Map<String, Object>> rows = jdbc.queryForList(
                "select t.* from api_token t join panel_user u on u.id = t.user_id where u.username = ?", name);
        assertThat(rows).hasSize(1);
        for (Object value : rows.get(0).values()) {
            assertThat(String.valueOf(value)).doesNotContain(token).doesNotContain(token.substring(4));
        }
        assertThat(rows.get(0).get("TOKEN_HASH")).isEqualTo(ApiTokenService.sha256Hex(token));
        assertThat(auditRepository.findAll()).noneSatisfy(
                e -> assertThat(e.getDetail() + "|" + e.getTargetName()).contains(token.substring(8)));
    }

    @Test
    void aBrowserSessionDoesNotAuthenticateTheApi() throws Exception {
        String name = createUser("browser", Role.ADMIN);
        MockHttpSession session = (MockHttpSession) mvc.perform(formLogin("/login").user(name).password(PASSWORD))
                .andReturn().getRequest().getSession(false);
        mvc.perform(get("/account").session(session)).andExpect(status().isOk());
        expectProblem(mvc.perform(get("/api/v1/me").session(session)), 401, ApiProblemHandlers.NO_TOKEN);
    }

    @Test
    void theApiNeedsNoCsrfTokenAndCreatesNoSession() throws Exception {
        String token = tokenFor(createUser("stateless", Role.ADMIN));
        var result = mvc.perform(post("/api/v1/me").header("Authorization", "Bearer " + token))
                .andExpect(status().isMethodNotAllowed()).andReturn();
        assertThat(result.getRequest().getSession(false)).isNull();
    }

    @Test
    void theAuditApiPagesAndFilters() throws Exception {
        String name = createUser("auditapi", Role.VIEWER);
        String token = tokenFor(name);
        mvc.perform(get("/api/v1/audit").param("actor", "system").param("targetType", "api_token")
                        .header("Authorization", "Bearer " + token))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.content").isArray());
        mvc.perform(get("/api/v1/audit").param("targetType", "api_token").param("size", "1")
                        .header("Authorization", "Bearer " + token))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.size").value(1))
                .andExpect(jsonPath("$.content.length()").value(1))
                .andExpect(jsonPath("$.content[0].targetType").value("api_token"))
                .andExpect(jsonPath("$.content[0].occurredAt").value(Matchers.matchesPattern(
                        "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ")))
                .andExpect(jsonPath("$.totalElements").value(Matchers.greaterThanOrEqualTo(1)));
        mvc.perform(get("/api/v1/audit").param("actor", "no-such-actor").header("Authorization", "Bearer " + token))
                .andExpect(jsonPath("$.totalElements").value(0));
    }
}
