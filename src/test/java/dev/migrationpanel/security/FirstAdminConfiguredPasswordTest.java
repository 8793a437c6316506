package dev.migrationpanel.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestBuilders.formLogin;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.authenticated;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;

import org.junit.jupiter.api.Test;

/** panel.admin-password is set in the test properties: the first admin uses it. */
class FirstAdminConfiguredPasswordTest extends SecurityTestSupport {

    @Test
    void theFirstAdminSignsInWithTheConfiguredPassword() throws Exception {
        PanelUser admin = userRepository.findByUsername("admin").orElseThrow();
        assertThat(admin.getRole()).isEqualTo(Role.ADMIN);
        assertThat(admin.isEnabled()).isTrue();
        assertThat(admin.getPasswordHash()).doesNotContain("admin-test-password-1");
        mvc.perform(formLogin("/login").user("admin").password("admin-test-password-1"))
                .andExpect(redirectedUrl("/")).andExpect(authenticated().withUsername("admin").withRoles("ADMIN"));
        assertThat(auditFor("admin")).anySatisfy(e -> {
            assertThat(e.getAction()).isEqualTo("user.created");
            assertThat(e.getActor()).isEqualTo(AuditService.SYSTEM);
        });
    }

    @Test
    void theRunnerDoesNothingOnceUsersExist() throws Exception {
        long before = userRepository.count();
        new FirstAdminRunner(userRepository, userService,
                new dev.migrationpanel.settings.PanelProperties(null, null, "another-password-123", null, null)).run(null);
        assertThat(userRepository.count()).isEqualTo(before);
    }
}
