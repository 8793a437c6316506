package dev.migrationpanel.security;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.forwardedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Import;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.bind.annotation.RestController;

@Import({RoleHierarchyTest.OperatorApi.class, RoleHierarchyTest.OperatorPage.class})
class RoleHierarchyTest extends SecurityTestSupport {

    @RestController
    static class OperatorApi {
        @GetMapping("/api/test/operator-only")
        @PreAuthorize("hasRole('OPERATOR')")
        String operatorOnly() {
            return "done";
        }
    }

    @Controller
    static class OperatorPage {
        @GetMapping("/test/operator-only")
        @PreAuthorize("hasRole('OPERATOR')")
        @ResponseBody
        String operatorOnly() {
            return "done";
        }
    }

    @Test
    void apiChainViewerIsForbiddenWhileOperatorAndAdminPass() throws Exception {
        String viewerToken = tokenFor(createUser("h-viewer", Role.VIEWER));
        mvc.perform(get("/api/test/operator-only").header("Authorization", "Bearer " + viewerToken))
                .andExpect(status().isForbidden())
                .andExpect(content().contentTypeCompatibleWith("application/problem+json"))
                .andExpect(jsonPath("$.detail").value("Your role VIEWER may not do this"));
        for (Role role : new Role[] {Role.OPERATOR, Role.ADMIN}) {
            String token = tokenFor(createUser("h-" + role, role));
            mvc.perform(get("/api/test/operator-only").header("Authorization", "Bearer " + token))
                    .andExpect(status().isOk()).andExpect(content().string("done"));
        }
    }

    @Test
    void webChainViewerIsForbiddenWhileOperatorAndAdminPass() throws Exception {
        mvc.perform(get("/test/operator-only").with(user("v").roles("VIEWER")))
                .andExpect(status().isForbidden()).andExpect(forwardedUrl("/access-denied"));
        mvc.perform(get("/test/operator-only").with(user("o").roles("OPERATOR")))
                .andExpect(status().isOk()).andExpect(content().string("done"));
        // ADMIN alone, no OPERATOR authority: passes only through the hierarchy
        mvc.perform(get("/test/operator-only").with(user("a").roles("ADMIN")))
                .andExpect(status().isOk()).andExpect(content().string("done"));
    }
}
