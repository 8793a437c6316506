package dev.migrationpanel.security;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.InternalAuthenticationServiceException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * The login form's authentication, throttled by {@link SignInThrottle}: a waiting or locked account or address
 * is refused before the password is checked, each failure is counted after it. The client address is the
 * request's, so behind a proxy it is the browser's only with {@code server.forward-headers-strategy=native}.
 */
final class ThrottledAuthenticationProvider implements AuthenticationProvider {

    private final AuthenticationProvider passwords;
    private final SignInThrottle throttle;

    ThrottledAuthenticationProvider(AuthenticationProvider passwords, SignInThrottle throttle) {
        this.passwords = passwords;
        this.throttle = throttle;
    }

    @Override
    public Authentication authenticate(Authentication attempt) throws AuthenticationException {
        String account = SignInThrottle.account(attempt.getName());
        String address = SignInThrottle.address(attempt.getDetails() instanceof WebAuthenticationDetails web
                ? web.getRemoteAddress() : null);
        throttle.acquire(account, address);
        try {
            java.time.Instant until = throttle.waitUntil(account, address);
            if (until != null) {
                throw new SignInThrottledException(until);
            }
            Authentication done;
            try {
                done = passwords.authenticate(attempt);
            } catch (InternalAuthenticationServiceException broken) {
                throw broken; // the panel failed (its database), not the person signing in
            } catch (AuthenticationException refused) {
                throttle.failed(account, address);
                throw refused;
            }
            throttle.succeeded(account);
            return done;
        } finally {
            throttle.release(account, address);
        }
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
