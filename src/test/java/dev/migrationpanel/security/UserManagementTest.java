package dev.migrationpanel.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestBuilders.formLogin;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.authenticated;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.unauthenticated;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.UserRequestPostProcessor;
import org.springframework.test.web.servlet.ResultActions;

class UserManagementTest extends SecurityTestSupport {

    /** The first admin, created at start from panel.admin-password. */
    private static UserRequestPostProcessor admin() {
        return user(FirstAdminRunner.USERNAME).roles("ADMIN");
    }

    private ResultActions createViaForm(String username, String role, String password, String confirmation)
            throws Exception {
        return mvc.perform(post("/admin/users").with(admin()).with(csrf())
                .param("username", username).param("role", role)
                .param("password", password).param("confirmation", confirmation));
    }

    private Long idOf(String username) {
        return userRepository.findByUsername(username).orElseThrow().getId();
    }

    @Test
    void theListShowsUsersWithTheirRoles() throws Exception {
        String name = createUser("listed", Role.OPERATOR);
        mvc.perform(get("/admin/users").with(admin())).andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString(name)))
                .andExpect(content().string(Matchers.containsString("Add a user")));
    }

    @Test
    void createsAUserThatCanSignIn() throws Exception {
        String name = "created-" + System.nanoTime();
        createViaForm(name, "OPERATOR", PASSWORD, PASSWORD)
                .andExpect(status().isFound()).andExpect(redirectedUrl("/admin/users"))
                .andExpect(flash().attribute("flashOk", Matchers.containsString(name)));
        assertThat(userRepository.findByUsername(name).orElseThrow().getRole()).isEqualTo(Role.OPERATOR);
        assertThat(userRepository.findByUsername(name).orElseThrow().getPasswordHash())
                .startsWith("{bcrypt}").doesNotContain(PASSWORD);
        assertThat(auditFor(name)).anySatisfy(e -> {
            assertThat(e.getAction()).isEqualTo("user.created");
            assertThat(e.getActor()).isEqualTo("admin");
        });
        mvc.perform(formLogin("/login").user(name).password(PASSWORD)).andExpect(authenticated().withUsername(name));
    }

    @Test
    void validationMessagesAppearNextToTheField() throws Exception {
        createViaForm("ab", "VIEWER", PASSWORD, PASSWORD).andExpect(status().isBadRequest())
                .andExpect(content().string(Matchers.containsString(UserService.BAD_USERNAME)));
        createViaForm("bad name!", "VIEWER", PASSWORD, PASSWORD).andExpect(status().isBadRequest())
                .andExpect(content().string(Matchers.containsString(UserService.BAD_USERNAME)));
        createViaForm("shortpw-user", "VIEWER", "elevenchars", "elevenchars").andExpect(status().isBadRequest())
                .andExpect(content().string(Matchers.containsString("The password must be at least 12 characters long")))
                .andExpect(content().string(Matchers.not(Matchers.containsString("elevenchars"))));
        createViaForm("mismatch-user", "VIEWER", PASSWORD, PASSWORD + "x").andExpect(status().isBadRequest())
                .andExpect(content().string(Matchers.containsString(PasswordPolicy.MISMATCH)));
        createViaForm("norole-user", "ROOT", PASSWORD, PASSWORD).andExpect(status().isBadRequest())
                .andExpect(content().string(Matchers.containsString("Choose a role")));
        assertThat(userRepository.findByUsername("shortpw-user")).isEmpty();
        assertThat(userRepository.findByUsername("mismatch-user")).isEmpty();
        assertThat(userRepository.findByUsername("norole-user")).isEmpty();
    }

    @Test
    void aDuplicateUsernameIsRefusedRegardlessOfCase() throws Exception {
        String name = createUser("dup", Role.VIEWER);
        createViaForm(name, "VIEWER", PASSWORD, PASSWORD).andExpect(status().isBadRequest())
                .andExpect(content().string(Matchers.containsString("already exists")));
        createViaForm(name.toUpperCase(), "VIEWER", PASSWORD, PASSWORD).andExpect(status().isBadRequest())
                .andExpect(content().string(Matchers.containsString("already exists")));
        assertThat(userRepository.findAll()).filteredOn(u -> u.getUsername().equalsIgnoreCase(name)).hasSize(1);
    }

    @Test
    void changesRoleDisablesEnablesAndResetsPasswordWithAudit() throws Exception {
        String name = createUser("managed", Role.VIEWER);
        Long id = idOf(name);
        mvc.perform(get("/admin/users/" + id).with(admin())).andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString(name)));
        mvc.perform(post("/admin/users/" + id + "/role").with(admin()).with(csrf()).param("role", "OPERATOR"))
                .andExpect(redirectedUrl("/admin/users/" + id)).andExpect(flash().attributeExists("flashOk"));
        mvc.perform(post("/admin/users/" + id + "/enabled").with(admin()).with(csrf()).param("enabled", "false"))
                .andExpect(flash().attributeExists("flashOk"));
        assertThat(userRepository.findById(id).orElseThrow().isEnabled()).isFalse();
        mvc.perform(post("/admin/users/" + id + "/enabled").with(admin()).with(csrf()).param("enabled", "true"))
                .andExpect(flash().attributeExists("flashOk"));
        String newPassword = "a-brand-new-password";
        mvc.perform(post("/admin/users/" + id + "/password").with(admin()).with(csrf())
                        .param("password", "short").param("confirmation", "short"))
                .andExpect(flash().attribute("flashError", "The password must be at least 12 characters long"));
        mvc.perform(post("/admin/users/" + id + "/password").with(admin()).with(csrf())
                        .param("password", newPassword).param("confirmation", newPassword))
                .andExpect(flash().attributeExists("flashOk"));
        mvc.perform(formLogin("/login").user(name).password(PASSWORD)).andExpect(unauthenticated());
        mvc.perform(formLogin("/login").user(name).password(newPassword))
                .andExpect(authenticated().withUsername(name).withRoles("OPERATOR"));
        assertThat(actionsFor(name)).contains("user.created", "user.role_changed", "user.disabled", "user.enabled",
                "user.password_reset");
        assertThat(auditFor(name)).filteredOn(e -> e.getAction().equals("user.role_changed"))
                .singleElement().satisfies(e -> assertThat(e.getDetail()).isEqualTo("VIEWER → OPERATOR"));
    }

    @Test
    void anAdminCannotDemoteOrDisableThemselves() throws Exception {
        String name = createUser("selfadmin", Role.ADMIN);
        Long id = idOf(name);
        var self = user(name).roles("ADMIN");
        mvc.perform(post("/admin/users/" + id + "/role").with(self).with(csrf()).param("role", "VIEWER"))
                .andExpect(flash().attribute("flashError", Matchers.containsString("your own admin role")));
        mvc.perform(post("/admin/users/" + id + "/enabled").with(self).with(csrf()).param("enabled", "false"))
                .andExpect(flash().attribute("flashError", "You cannot disable your own account"));
        var user = userRepository.findById(id).orElseThrow();
        assertThat(user.getRole()).isEqualTo(Role.ADMIN);
        assertThat(user.isEnabled()).isTrue();
    }

    @Test
    void theLastEnabledAdminCannotBeDemotedOrDisabled() throws Exception {
        // leave exactly one enabled admin: the first one
        userRepository.findAll().stream()
                .filter(u -> u.getRole() == Role.ADMIN && !u.getUsername().equals(FirstAdminRunner.USERNAME))
                .forEach(u -> {
                    u.setEnabled(false);
                    userRepository.save(u);
                });
        Long adminId = idOf(FirstAdminRunner.USERNAME);
        // an admin principal that is not the target (and not in the database)
        var other = user("outside-admin").roles("ADMIN");
        mvc.perform(post("/admin/users/" + adminId + "/role").with(other).with(csrf()).param("role", "OPERATOR"))
                .andExpect(flash().attribute("flashError", Matchers.containsString("is the last enabled admin")));
        mvc.perform(post("/admin/users/" + adminId + "/enabled").with(other).with(csrf()).param("enabled", "false"))
                .andExpect(flash().attribute("flashError", Matchers.containsString("is the last enabled admin")));
        var admin = userRepository.findById(adminId).orElseThrow();
        assertThat(admin.getRole()).isEqualTo(Role.ADMIN);
        assertThat(admin.isEnabled()).isTrue();

        // with a second enabled admin the demotion is allowed
        String second = createUser("second-admin", Role.ADMIN);
        userService.changeRole(idOf(second), Role.OPERATOR);
        assertThat(userRepository.findByUsername(second).orElseThrow().getRole()).isEqualTo(Role.OPERATOR);
    }

    @Test
    void thePasswordRuleHoldsInTheService() {
        assertThat(PasswordPolicy.problem("12345678901")).isEqualTo(PasswordPolicy.TOO_SHORT);
        assertThat(PasswordPolicy.problem("123456789012")).isNull();
        assertThat(PasswordPolicy.problem("x".repeat(73))).isEqualTo(PasswordPolicy.TOO_LONG);
        assertThatThrownBy(() -> userService.create("svc-user", Role.VIEWER, "tooshort", "tooshort"))
                .isInstanceOf(SecurityRuleException.class)
                .hasMessage(PasswordPolicy.TOO_SHORT)
                .satisfies(e -> assertThat(((SecurityRuleException) e).field()).isEqualTo("password"));
    }

    @Test
    void nonAdminsCannotManageUsers() throws Exception {
        String name = createUser("target", Role.VIEWER);
        mvc.perform(post("/admin/users/" + idOf(name) + "/role").with(user("op").roles("OPERATOR")).with(csrf())
                .param("role", "ADMIN")).andExpect(status().isForbidden());
        assertThat(userRepository.findByUsername(name).orElseThrow().getRole()).isEqualTo(Role.VIEWER);
    }
}
