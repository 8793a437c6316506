package dev.migrationpanel.security;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;
import org.springframework.security.web.authentication.logout.SimpleUrlLogoutSuccessHandler;

/**
 * Audits the login form: {@code signin.succeeded}, {@code signin.failed} (with the attempted username,
 * never the password) and {@code signout}. The page always says only "Wrong username or password", or, when
 * {@link SignInThrottle} refused the attempt, how long to wait (never whether the account or the address).
 */
final class SignInAuditHandlers {

    private SignInAuditHandlers() {
    }

    static final class Success extends SavedRequestAwareAuthenticationSuccessHandler {
        private final UserService users;
        private final AuditService audit;

        Success(UserService users, AuditService audit) {
            this.users = users;
            this.audit = audit;
            setDefaultTargetUrl("/");
        }

        @Override
        public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
                Authentication authentication) throws ServletException, IOException {
            String name = authentication.getName();
            // the session keeps the generation it was signed in with: raising it later ends this session
            request.getSession().setAttribute(UserSessions.GENERATION, users.recordSignIn(name));
            Long id = authentication.getPrincipal() instanceof PanelUserDetails details ? details.getId() : null;
            audit.recordAs(name, "signin.succeeded", UserService.TARGET_TYPE, id, name,
                    "from " + request.getRemoteAddr());
            super.onAuthenticationSuccess(request, response, authentication);
        }
    }

    static final class Failure extends SimpleUrlAuthenticationFailureHandler {
        private final AuditService audit;
        private final Clock clock;

        Failure(AuditService audit, Clock clock) {
            super("/login?error");
            this.audit = audit;
            this.clock = clock;
        }

        @Override
        public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
                AuthenticationException exception) throws IOException, ServletException {
            if (exception instanceof SignInThrottledException throttled) {
                // not a failed sign-in (the password was not checked) and not audited one by one: an attacker
                // would fill the trail; the throttle counts them, the admin's users page shows the count
                long wait = Math.max(1, Duration.between(clock.instant(), throttled.until()).toSeconds() + 1);
                getRedirectStrategy().sendRedirect(request, response, "/login?throttled=" + wait);
                return;
            }
            String attempted = printable(request.getParameter("username"));
            String reason = exception instanceof DisabledException ? "account disabled"
                    : exception instanceof LockedException ? "account locked"
                    : "wrong username or password";
            audit.recordAs(attempted.isEmpty() ? "anonymous" : attempted, "signin.failed", UserService.TARGET_TYPE,
                    null, attempted, reason + ", from " + request.getRemoteAddr());
            super.onAuthenticationFailure(request, response, exception);
        }
    }

    static final class SignOut extends SimpleUrlLogoutSuccessHandler {
        private final AuditService audit;

        SignOut(AuditService audit) {
            this.audit = audit;
            setDefaultTargetUrl("/login?logout");
        }

        @Override
        public void onLogoutSuccess(HttpServletRequest request, HttpServletResponse response,
                Authentication authentication) throws IOException, ServletException {
            if (authentication != null) {
                Long id = authentication.getPrincipal() instanceof PanelUserDetails details ? details.getId() : null;
                audit.recordAs(authentication.getName(), "signout", UserService.TARGET_TYPE, id,
                        authentication.getName(), null);
            }
            super.onLogoutSuccess(request, response, authentication);
        }
    }

    /** The attempted username for the trail: no control characters, at most 64 characters. */
    static String printable(String value) {
        if (value == null) {
            return "";
        }
        String clean = value.replaceAll("\\p{Cntrl}", "").strip();
        return clean.length() > 64 ? clean.substring(0, 64) : clean;
    }
}
