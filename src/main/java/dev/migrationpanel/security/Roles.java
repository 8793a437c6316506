package dev.migrationpanel.security;

import java.util.Collection;

import org.springframework.security.core.GrantedAuthority;

/** Small helpers around {@link Role} and Spring authorities. */
public final class Roles {

    private Roles() {
    }

    /** The highest panel role among the authorities, or null when there is none. */
    public static Role highest(Collection<? extends GrantedAuthority> authorities) {
        Role best = null;
        if (authorities != null) {
            for (GrantedAuthority authority : authorities) {
                for (Role candidate : Role.values()) {
                    if (candidate.authority().equals(authority.getAuthority())
                            && (best == null || candidate.compareTo(best) > 0)) {
                        best = candidate;
                    }
                }
            }
        }
        return best;
    }
}
