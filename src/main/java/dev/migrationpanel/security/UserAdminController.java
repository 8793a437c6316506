package dev.migrationpanel.security;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * {@code /admin/users}: list, create, change role, enable/disable, reset password; the accounts and addresses
 * the sign-in throttle delays or locks, and lifting them. ADMIN only.
 */
@Controller
@RequestMapping("/admin/users")
@PreAuthorize("hasRole('ADMIN')")
class UserAdminController {

    private final UserService users;
    private final SignInThrottle throttle;
    private final Clock clock;

    UserAdminController(UserService users, SignInThrottle throttle, Clock clock) {
        this.users = users;
        this.throttle = throttle;
        this.clock = clock;
    }

    /** An account or address with recent failed sign-ins, and whether it waits or is locked now. */
    record ThrottleRow(String kind, String subject, int failures, int refused, String lastFailure, String state,
            String until) {
        static ThrottleRow of(SignInThrottle.Entry e, Instant now) {
            String state = e.locked(now) ? "locked" : e.waiting(now) ? "waiting" : "counting";
            Instant until = e.locked(now) ? e.lockedUntil() : e.waiting(now) ? e.blockedUntil() : null;
            return new ThrottleRow(e.kind(), e.subject(), e.failures(), e.refused(), Times.utc(e.lastFailureAt()), state,
                    Times.utc(until));
        }

        public boolean isAccount() {
            return SignInThrottle.ACCOUNT.equals(kind);
        }
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

    /** Lifts a sign-in delay or lock at once (e.g. an admin locked out by an attacker's guesses). */
    @PostMapping("/sign-in-throttle/lift")
    String liftThrottle(@RequestParam(defaultValue = "") String kind, @RequestParam(defaultValue = "") String subject,
            RedirectAttributes redirect) {
        if (throttle.lift(kind, subject)) {
            redirect.addFlashAttribute("flashOk", "Lifted: " + (SignInThrottle.ACCOUNT.equals(kind) ? "account " : "address ")
                    + subject + " may sign in again");
        } else {
            redirect.addFlashAttribute("flashError", "Nothing to lift for " + subject);
        }
        return "redirect:/admin/users";
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

    /** Resets a user's password and ends their sessions (when it is the admin's own, not the current one). */
    @PostMapping("/{id}/password")
    String resetPassword(@PathVariable Long id, @RequestParam(defaultValue = "") String password,
            @RequestParam(defaultValue = "") String confirmation, Authentication auth, HttpServletRequest request,
            RedirectAttributes redirect) {
        return act(id, redirect, () -> {
            int generation = users.resetPassword(id, password, confirmation);
            if (users.find(id).map(u -> u.getUsername().equals(auth.getName())).orElse(false)) {
                UserSessions.stamp(request, generation);
            }
        }, "Password reset; the user's open sessions were signed out");
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
        Instant now = clock.instant();
        model.addAttribute("throttles", throttle.current().stream().map(e -> ThrottleRow.of(e, now)).toList());
        model.addAttribute("throttleRules", throttle.rules());
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
