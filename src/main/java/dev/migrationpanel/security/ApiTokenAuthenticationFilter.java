package dev.migrationpanel.security;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates API requests carrying {@code Authorization: Bearer mpt_…}. A request without a bearer
 * token passes on unauthenticated (and gets a 401 from the entry point); a bearer token that does not
 * authenticate gets a 401 here. The principal is the owner's username with the owner's current role.
 * Not a Spring bean on purpose: it belongs to the API filter chain only.
 */
final class ApiTokenAuthenticationFilter extends OncePerRequestFilter {

    private final ApiTokenService tokens;
    private final AuthenticationEntryPoint entryPoint;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

    ApiTokenAuthenticationFilter(ApiTokenService tokens, AuthenticationEntryPoint entryPoint) {
        this.tokens = tokens;
        this.entryPoint = entryPoint;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            chain.doFilter(request, response);
            return;
        }
        var owner = tokens.authenticate(header.substring(7).trim());
        if (owner.isEmpty()) {
            contexts.clearContext();
            entryPoint.commence(request, response, new ApiProblemHandlers.InvalidApiTokenException());
            return;
        }
        var authentication = UsernamePasswordAuthenticationToken.authenticated(owner.get().username(), null,
                List.of(new SimpleGrantedAuthority(owner.get().role().authority())));
        SecurityContext context = contexts.createEmptyContext();
        context.setAuthentication(authentication);
        contexts.setContext(context);
        chain.doFilter(request, response);
    }
}
