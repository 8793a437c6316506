package dev.migrationpanel.security;

import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Loads panel users for the login form. */
@Service("panelUserDetailsService")
public class PanelUserDetailsService implements UserDetailsService {

    private final PanelUserRepository users;

    public PanelUserDetailsService(PanelUserRepository users) {
        this.users = users;
    }

    @Override
    @Transactional(readOnly = true)
    public UserDetails loadUserByUsername(String username) {
        return users.findByUsername(username)
                .map(PanelUserDetails::new)
                // no username in the message: it may be a mistyped password
                .orElseThrow(() -> new UsernameNotFoundException("No such user"));
    }
}
