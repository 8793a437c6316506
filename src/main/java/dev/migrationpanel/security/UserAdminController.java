package dev.migrationpanel.security;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** {@code /admin/users}: list, create, change role, enable/disable, reset password. ADMIN only. */
@Controller
@RequestMapping("/admin/users")
@PreAuthorize("hasRole('ADMIN')")
class UserAdminController {

    private final UserService users;

    UserAdminController(UserService users) {
        this.users = users;
    }

    record UserRow(Long id, String username, Role role, boolean enabled, String created, String lastLogin) {
        static UserRow of(PanelUser user) {
            return new UserRow(user.getId(), user.getUsername(), user.getRole(), user.isEnabled(),
                    Times.utc(user.getCreatedAt()), Times.utc(user.getLastLoginAt()));
        }
    }

    @GetMapping
    String list(Model model) {
        return listPage(model, "", Role.VIEWER.name(), Map.of());
    }

    @PostMapping
    String create(@RequestParam(defaultValue = "") String username, @RequestParam(defaultValue = "") String role,
            @RequestParam(defaultValue = "") String password, @RequestParam(defaultValue = "") String confirmation,
            Model model, RedirectAttributes redirect, HttpServletResponse response) {
        try {
            PanelUser created = users.create(username, parseRole(role), password, confirmation);
            redirect.addFlashAttribute("flashOk", "Created user '" + created.getUsername() + "' (" + created.getRole() + ")");
            return "redirect:/admin/users";
        } catch (SecurityRuleException refused) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            Map<String, String> errors = new LinkedHashMap<>();
            errors.put(refused.field() == null ? "form" : refused.field(), refused.getMessage());
            // the passwords are never sent back to the page
            return listPage(model, username, role, errors);
        }
    }

    @GetMapping("/{id}")
    String edit(@PathVariable Long id, Model model, RedirectAttributes redirect) {
        return users.find(id).map(user -> {
            model.addAttribute("user", UserRow.of(user));
            model.addAttribute("roles", Role.values());
            return "security/user";
        }).orElseGet(() -> {
            redirect.addFlashAttribute("flashError", "No such user");
            return "redirect:/admin/users";
        });
    }

    @PostMapping("/{id}/role")
    String changeRole(@PathVariable Long id, @RequestParam(defaultValue = "") String role, RedirectAttributes redirect) {
        return act(id, redirect, () -> users.changeRole(id, parseRole(role)), "Role changed to " + role);
    }

    @PostMapping("/{id}/enabled")
    String setEnabled(@PathVariable Long id, @RequestParam boolean enabled, RedirectAttributes redirect) {
        return act(id, redirect, () -> users.setEnabled(id, enabled), enabled ? "Account enabled" : "Account disabled");
    }

    @PostMapping("/{id}/password")
    String resetPassword(@PathVariable Long id, @RequestParam(defaultValue = "") String password,
            @RequestParam(defaultValue = "") String confirmation, RedirectAttributes redirect) {
        return act(id, redirect, () -> users.resetPassword(id, password, confirmation), "Password reset");
    }

    private String act(Long id, RedirectAttributes redirect, Runnable action, String done) {
        try {
            action.run();
            redirect.addFlashAttribute("flashOk", done);
        } catch (SecurityRuleException refused) {
            redirect.addFlashAttribute("flashError", refused.getMessage());
        }
        return users.find(id).isPresent() ? "redirect:/admin/users/" + id : "redirect:/admin/users";
    }

    private String listPage(Model model, String username, String role, Map<String, String> errors) {
        List<UserRow> rows = users.list().stream().map(UserRow::of).toList();
        model.addAttribute("users", rows);
        model.addAttribute("roles", Role.values());
        model.addAttribute("newUsername", username);
        model.addAttribute("newRole", role);
        model.addAttribute("errors", errors);
        if (errors.containsKey("form")) {
            model.addAttribute("flashError", errors.get("form"));
        }
        return "security/users";
    }

    private static Role parseRole(String role) {
        for (Role candidate : Role.values()) {
            if (candidate.name().equals(role)) {
                return candidate;
            }
        }
        return null;
    }
}
