package dev.migrationpanel.web;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

import dev.migrationpanel.security.Role;
import dev.migrationpanel.security.Roles;

/** Gives every page the signed-in user, so the layout can show what the user's role may do. */
@ControllerAdvice(annotations = Controller.class)
class CurrentUserAdvice {

    @ModelAttribute("currentUser")
    CurrentUser currentUser() {
        return current();
    }

    /** The signed-in user, or null. */
    static CurrentUser current() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !auth.isAuthenticated() || auth instanceof AnonymousAuthenticationToken) {
            return null;
        }
        Role role = Roles.highest(auth.getAuthorities());
        return new CurrentUser(auth.getName(), role == null ? Role.VIEWER : role);
    }

    public record CurrentUser(String name, Role role) {
        public boolean isAdmin() {
            return role == Role.ADMIN;
        }

        public boolean isOperator() {
            return role.compareTo(Role.OPERATOR) >= 0;
        }
    }
}
