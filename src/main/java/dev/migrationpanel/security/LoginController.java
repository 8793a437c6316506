package dev.migrationpanel.security;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.WebAttributes;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;

/** The sign-in page and the page shown when a signed-in user may not do something. */
@Controller
class LoginController {

    static final String ACCESS_DENIED_PATH = "/access-denied";

    @GetMapping("/login")
    String login(@RequestParam(required = false) String error, @RequestParam(required = false) String logout,
            @RequestParam(required = false) String throttled, @RequestParam(required = false) String expired,
            Authentication authentication, Model model) {
        if (authentication != null && authentication.isAuthenticated()
                && !(authentication instanceof AnonymousAuthenticationToken)) {
            return "redirect:/";
        }
        model.addAttribute("loginError", error != null);
        model.addAttribute("signedOut", logout != null && error == null);
        model.addAttribute("throttledFor", waitText(throttled));
        model.addAttribute("sessionEnded", expired != null);
        return "security/login";
    }

    /** "37 seconds" from {@code ?throttled=37}; only digits, at most a day, so a crafted link cannot say much. */
    static String waitText(String seconds) {
        if (seconds == null) {
            return null;
        }
        long s = seconds.matches("[0-9]{1,6}") ? Math.min(Long.parseLong(seconds), 86_400) : 0;
        if (s <= 0) {
            return "a while";
        }
        return s < 120 ? s + " second" + (s == 1 ? "" : "s") : (s + 59) / 60 + " minutes";
    }

    /** Reached by forward from the web chain's access-denied handling, with the original method. */
    @RequestMapping(ACCESS_DENIED_PATH)
    @ResponseStatus(HttpStatus.FORBIDDEN)
    String accessDenied(HttpServletRequest request, Model model) {
        Object denied = request.getAttribute(WebAttributes.ACCESS_DENIED_403);
        model.addAttribute("reason", denied instanceof CsrfException
                ? "The form had expired or was incomplete. Go back, reload the page and try again."
                : "Your role may not open this page or do this action.");
        return "error/403";
    }
}
