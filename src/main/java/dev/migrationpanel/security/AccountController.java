package dev.migrationpanel.security;

import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.logout.SecurityContextLogoutHandler;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * {@code /account}: change one's own password (which signs out the user's other sessions), sign out
 * everywhere; create, list and revoke personal API tokens.
 */
@Controller
@RequestMapping("/account")
class AccountController {

    private final UserService users;
    private final ApiTokenService tokens;
    private final SignInThrottle throttle;

    AccountController(UserService users, ApiTokenService tokens, SignInThrottle throttle) {
        this.users = users;
        this.tokens = tokens;
        this.throttle = throttle;
    }

    record TokenRow(Long id, String name, String prefix, String created, String lastUsed, String revoked) {
        static TokenRow of(ApiToken token) {
            return new TokenRow(token.getId(), token.getName(), token.getTokenPrefix() + "…",
                    Times.utc(token.getCreatedAt()), Times.utc(token.getLastUsedAt()), Times.utc(token.getRevokedAt()));
        }
    }

    @GetMapping
    String page(Authentication auth, Model model) {
        return page(auth, model, Map.of(), null, "");
    }

    @PostMapping("/password")
    String changePassword(Authentication auth, @RequestParam(defaultValue = "") String currentPassword,
            @RequestParam(defaultValue = "") String password, @RequestParam(defaultValue = "") String confirmation,
            Model model, RedirectAttributes redirect, HttpServletRequest request, HttpServletResponse response) {
        // the current password is a password to guess like the sign-in's: the same delays and locks count it
        String address = SignInThrottle.address(request.getRemoteAddr());
        java.time.Instant until = throttle.waitUntil(auth.getName(), address);
        if (until != null) {
            response.setStatus(429);
            return page(auth, model, Map.of("currentPassword", "Too many wrong passwords: try again after "
                    + java.time.format.DateTimeFormatter.ISO_INSTANT.format(until.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))),
                    null, "");
        }
        try {
            int generation = users.changeOwnPassword(auth.getName(), currentPassword, password, confirmation);
            UserSessions.stamp(request, generation); // this session stays; the others end
            redirect.addFlashAttribute("flashOk", "Your password was changed; your other sessions were signed out");
            return "redirect:/account";
        } catch (SecurityRuleException refused) {
            if ("currentPassword".equals(refused.field())) {
                throttle.failed(auth.getName(), address);
            }
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            return page(auth, model, Map.of(refused.field() == null ? "form" : refused.field(), refused.getMessage()),
                    null, "");
        }
    }

    /** Ends every session of the signed-in user, on every device and node, this one too. */
    @PostMapping("/sessions/end")
    String signOutEverywhere(Authentication auth, HttpServletRequest request, HttpServletResponse response) {
        users.signOutEverywhere(auth.getName());
        new SecurityContextLogoutHandler().logout(request, response, auth);
        return "redirect:/login?logout";
    }

    /** Renders the page directly (no redirect): the new token must not pass through the session. */
    @PostMapping("/tokens")
    String createToken(Authentication auth, @RequestParam(defaultValue = "") String name, Model model,
            HttpServletResponse response) {
        try {
            ApiTokenService.CreatedToken created = tokens.create(auth.getName(), name);
            model.addAttribute("flashOk", "Created the token '" + created.saved().getName() + "'");
            return page(auth, model, Map.of(), created.token(), "");
        } catch (SecurityRuleException refused) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            return page(auth, model, Map.of("tokenName", refused.getMessage()), null, name);
        }
    }

    @PostMapping("/tokens/{id}/revoke")
    String revokeToken(Authentication auth, @PathVariable Long id, RedirectAttributes redirect) {
        try {
            tokens.revoke(auth.getName(), id);
            redirect.addFlashAttribute("flashOk", "Token revoked");
        } catch (SecurityRuleException refused) {
            redirect.addFlashAttribute("flashError", refused.getMessage());
        }
        return "redirect:/account";
    }

    private String page(Authentication auth, Model model, Map<String, String> errors, String newToken,
            String tokenName) {
        List<TokenRow> rows = tokens.listFor(auth.getName()).stream().map(TokenRow::of).toList();
        model.addAttribute("tokens", rows);
        model.addAttribute("errors", errors);
        model.addAttribute("newToken", newToken);
        model.addAttribute("tokenName", tokenName);
        model.addAttribute("passwordChangeRequired", users.findByUsername(auth.getName())
                .map(PanelUser::isPasswordChangeRequired).orElse(false));
        if (errors.containsKey("form")) {
            model.addAttribute("flashError", errors.get("form"));
        }
        return "security/account";
    }
}
