package dev.migrationpanel.security;

import java.io.IOException;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Keeps a signed-in session in step with the database: a disabled or deleted user is signed out at
 * their next request, a session from before the user's last password change, reset or "sign out everywhere"
 * ({@link UserSessions}) ends with a redirect to the login page, and a changed role applies at once. Only sessions from the login form (principal
 * {@link PanelUserDetails}) are checked. Not a Spring bean on purpose: it belongs to the web chain only.
 */
final class SessionUserRefreshFilter extends OncePerRequestFilter {

    private final PanelUserRepository users;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

    SessionUserRefreshFilter(PanelUserRepository users) {
        this.users = users;
    }

    /** The account page with its password form, signing out, and what pages load (styles, scripts, the favicon). */
    private static boolean mayOpenBeforeThePasswordChange(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.equals("/account") || path.equals("/account/password") || path.equals("/logout")
                || path.startsWith("/css/") || path.startsWith("/js/") || path.equals("/favicon.ico")
                || path.equals("/error");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication auth = contexts.getContext().getAuthentication();
        if (auth != null && auth.getPrincipal() instanceof PanelUserDetails signedIn) {
            Optional<PanelUser> now = users.findByUsername(signedIn.getUsername());
            HttpSession open = request.getSession(false);
            if (now.isPresent() && open != null && UserSessions.of(open) != now.get().getSessionGeneration()) {
                // ended elsewhere: a password change, an admin's reset, "sign out everywhere"
                contexts.clearContext();
                open.invalidate();
                response.sendRedirect(request.getContextPath() + "/login?expired");
                return;
            }
            if (now.isPresent() && now.get().isEnabled() && now.get().isPasswordChangeRequired()
                    && !mayOpenBeforeThePasswordChange(request)) {
                // a password someone else chose: nothing else opens until its user has replaced it
                response.sendRedirect(request.getContextPath() + "/account?password-change-required");
                return;
            }
            if (now.isEmpty() || !now.get().isEnabled()) {
                contexts.clearContext();
                HttpSession session = request.getSession(false);
                if (session != null) {
                    session.invalidate();
                }
            } else if (now.get().getRole() != signedIn.getRole()) {
                PanelUserDetails current = new PanelUserDetails(now.get());
                current.eraseCredentials();
                var refreshed = UsernamePasswordAuthenticationToken.authenticated(current, null,
                        current.getAuthorities());
                refreshed.setDetails(auth.getDetails());
                SecurityContext context = contexts.createEmptyContext();
                context.setAuthentication(refreshed);
                contexts.setContext(context);
                HttpSession session = request.getSession(false);
                if (session != null) {
                    session.setAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY, context);
                }
            }
        }
        chain.doFilter(request, response);
    }
}
