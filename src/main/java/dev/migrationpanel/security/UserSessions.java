package dev.migrationpanel.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

/**
 * Which sessions of a user are still good, across panel nodes and restarts: a user has a session generation
 * (in {@code panel_user}); a session signed in with the login form keeps the generation it was signed in with.
 * Raising the user's generation (a password change, an admin's reset, "sign out everywhere") ends every session
 * holding an older one at its next request ({@link SessionUserRefreshFilter}); the session that changed the
 * password is given the new generation and stays. No list of sessions is needed, so nothing is lost when the
 * session lives on another node.
 */
final class UserSessions {

    static final String GENERATION = "dev.migrationpanel.session-generation";

    private UserSessions() {
    }

    /** This request's session now belongs to {@code generation}; its id changes too (no fixation). */
    static void stamp(HttpServletRequest request, int generation) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            request.changeSessionId();
            session.setAttribute(GENERATION, generation);
        }
    }

    /** The generation a session was signed in with: 0 for a session from before generations. */
    static int of(HttpSession session) {
        Object value = session == null ? null : session.getAttribute(GENERATION);
        return value instanceof Integer generation ? generation : 0;
    }
}
