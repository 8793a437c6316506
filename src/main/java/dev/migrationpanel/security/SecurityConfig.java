package dev.migrationpanel.security;

import java.time.Clock;

import jakarta.servlet.DispatcherType;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.access.expression.method.DefaultMethodSecurityExpressionHandler;
import org.springframework.security.access.expression.method.MethodSecurityExpressionHandler;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.HeadersConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Two filter chains, both with the same response headers ({@link #HEADERS}). {@code /api/**}: stateless, no CSRF, personal API tokens only
 * ({@code Authorization: Bearer mpt_…}), problem+json 401/403. Everything else: the login form at
 * {@code /login}, CSRF on, sign-out by POST {@code /logout}, {@code /admin/**} for ADMIN only.
 * Roles nest ADMIN > OPERATOR > VIEWER in URL rules and in {@code @PreAuthorize} alike.
 */
@Configuration(proxyBeanMethods = false)
@EnableMethodSecurity
public class SecurityConfig {

    /**
     * Pages load scripts, styles and images from the panel itself only: no inline script or style attribute
     * anywhere (templates use classes from panel.css and code in /js), so an injected one does not run. Images
     * also as data: URIs (Swagger UI's icons). No plugin, no frame of the panel on another site, forms post back
     * to the panel only.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self';"
            + " form-action 'self'; frame-ancestors 'none'";

    /**
     * Swagger UI's bundle (a third-party page for signed-in users) sets one inline style as it renders; its pages
     * alone may apply inline styles. Scripts stay 'self' only there too.
     */
    static final String SWAGGER_UI_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY
            .replace("style-src 'self';", "style-src 'self' 'unsafe-inline';");

    private static final RequestMatcher SWAGGER_UI = new OrRequestMatcher(
            PathPatternRequestMatcher.withDefaults().matcher("/swagger-ui/**"),
            PathPatternRequestMatcher.withDefaults().matcher("/swagger-ui.html"));

    /**
     * On top of Spring Security's defaults (X-Content-Type-Options: nosniff, X-Frame-Options: DENY, no-store):
     * the CSP, Referrer-Policy: same-origin (a job or instance URL never leaks to another site), and HSTS for a
     * year on requests that arrived over HTTPS — directly, or through a proxy when
     * {@code server.forward-headers-strategy=native} makes the forwarded proto count.
     */
    static final Customizer<HeadersConfigurer<HttpSecurity>> HEADERS = headers -> headers
            .addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(new NegatedRequestMatcher(SWAGGER_UI),
                    new StaticHeadersWriter("Content-Security-Policy", CONTENT_SECURITY_POLICY)))
            .addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(SWAGGER_UI,
                    new StaticHeadersWriter("Content-Security-Policy", SWAGGER_UI_CONTENT_SECURITY_POLICY)))
            .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN))
            .httpStrictTransportSecurity(hsts -> hsts.includeSubDomains(true).maxAgeInSeconds(365L * 24 * 3600))
            .frameOptions(frame -> frame.deny());

    /** Bean name {@code roleHierarchy}: ADMIN includes OPERATOR, which includes VIEWER. */
    @Bean
    static RoleHierarchy roleHierarchy() {
        return RoleHierarchyImpl.withDefaultRolePrefix()
                .role(Role.ADMIN.name()).implies(Role.OPERATOR.name())
                .role(Role.OPERATOR.name()).implies(Role.VIEWER.name())
                .build();
    }

    /** Makes {@code @PreAuthorize("hasRole('OPERATOR')")} honour the hierarchy. */
    @Bean
    static MethodSecurityExpressionHandler methodSecurityExpressionHandler(RoleHierarchy roleHierarchy) {
        DefaultMethodSecurityExpressionHandler handler = new DefaultMethodSecurityExpressionHandler();
        handler.setRoleHierarchy(roleHierarchy);
        return handler;
    }

    /** BCrypt by default; the {id} prefix allows a later switch without invalidating stored hashes. */
    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    @Order(1)
    SecurityFilterChain apiFilterChain(HttpSecurity http, ApiTokenService tokens) throws Exception {
        ApiProblemHandlers problems = new ApiProblemHandlers();
        http.securityMatcher("/api/**")
                .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .securityContext(context -> context
                        .securityContextRepository(new RequestAttributeSecurityContextRepository()))
                .csrf(csrf -> csrf.disable())
                .requestCache(cache -> cache.disable())
                .headers(HEADERS)
                .logout(logout -> logout.disable())
                .exceptionHandling(errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .addFilterBefore(new ApiTokenAuthenticationFilter(tokens, problems), AnonymousAuthenticationFilter.class);
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain webFilterChain(HttpSecurity http, UserService users, AuditService audit,
            PanelUserRepository userRepository, PanelUserDetailsService userDetails, PasswordEncoder passwordEncoder,
            SignInThrottle throttle, Clock clock) throws Exception {
        // the login form's passwords are checked behind the sign-in throttle (API tokens are not passwords)
        DaoAuthenticationProvider passwords = new DaoAuthenticationProvider(userDetails);
        passwords.setPasswordEncoder(passwordEncoder);
        http.authenticationManager(new ProviderManager(new ThrottledAuthenticationProvider(passwords, throttle)));
        http.authorizeHttpRequests(requests -> requests
                        // the 403 page and Spring Boot's error page are reached by forward or error dispatch
                        .dispatcherTypeMatchers(DispatcherType.FORWARD, DispatcherType.ERROR).permitAll()
                        .requestMatchers("/login", "/css/**", "/js/**", "/favicon.ico", "/actuator/health",
                                "/actuator/health/**", "/error").permitAll()
                        .requestMatchers("/admin/**").hasRole(Role.ADMIN.name())
                        .anyRequest().authenticated())
                .formLogin(form -> form
                        .loginPage("/login")
                        .loginProcessingUrl("/login")
                        .usernameParameter("username")
                        .passwordParameter("password")
                        .successHandler(new SignInAuditHandlers.Success(users, audit))
                        .failureHandler(new SignInAuditHandlers.Failure(audit, clock))
                        .permitAll())
                .logout(logout -> logout
                        .logoutUrl("/logout")
                        .invalidateHttpSession(true)
                        .clearAuthentication(true)
                        .deleteCookies("JSESSIONID")
                        .logoutSuccessHandler(new SignInAuditHandlers.SignOut(audit)))
                .sessionManagement(session -> session.sessionFixation(fixation -> fixation.changeSessionId()))
                .rememberMe(rememberMe -> rememberMe.disable())
                .headers(HEADERS)
                .exceptionHandling(errors -> errors.accessDeniedPage(LoginController.ACCESS_DENIED_PATH))
                .addFilterBefore(new SessionUserRefreshFilter(userRepository), AnonymousAuthenticationFilter.class);
        return http.build();
    }
}
