package dev.migrationpanel.security;

import jakarta.servlet.DispatcherType;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.access.expression.method.DefaultMethodSecurityExpressionHandler;
import org.springframework.security.access.expression.method.MethodSecurityExpressionHandler;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;

/**
 * Two filter chains. {@code /api/**}: stateless, no CSRF, personal API tokens only
 * ({@code Authorization: Bearer mpt_…}), problem+json 401/403. Everything else: the login form at
 * {@code /login}, CSRF on, sign-out by POST {@code /logout}, {@code /admin/**} for ADMIN only.
 * Roles nest ADMIN > OPERATOR > VIEWER in URL rules and in {@code @PreAuthorize} alike.
 */
@Configuration(proxyBeanMethods = false)
@EnableMethodSecurity
public class SecurityConfig {

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
                .logout(logout -> logout.disable())
                .exceptionHandling(errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .addFilterBefore(new ApiTokenAuthenticationFilter(tokens, problems), AnonymousAuthenticationFilter.class);
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain webFilterChain(HttpSecurity http, UserService users, AuditService audit,
            PanelUserRepository userRepository) throws Exception {
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
                        .failureHandler(new SignInAuditHandlers.Failure(audit))
                        .permitAll())
                .logout(logout -> logout
                        .logoutUrl("/logout")
                        .invalidateHttpSession(true)
                        .clearAuthentication(true)
                        .deleteCookies("JSESSIONID")
                        .logoutSuccessHandler(new SignInAuditHandlers.SignOut(audit)))
                .sessionManagement(session -> session.sessionFixation(fixation -> fixation.changeSessionId()))
                .rememberMe(rememberMe -> rememberMe.disable())
                .exceptionHandling(errors -> errors.accessDeniedPage(LoginController.ACCESS_DENIED_PATH))
                .addFilterBefore(new SessionUserRefreshFilter(userRepository), AnonymousAuthenticationFilter.class);
        return http.build();
    }
}
