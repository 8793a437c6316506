package dev.migrationpanel.security;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.web.servlet.MockMvc;

/** Shared set-up: the whole application with MockMvc, and helpers to make users and tokens. */
@SpringBootTest
@AutoConfigureMockMvc
abstract class SecurityTestSupport {

    static final String PASSWORD = "correct-horse-battery";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    @Autowired
    MockMvc mvc;
    @Autowired
    UserService userService;
    @Autowired
    ApiTokenService tokenService;
    @Autowired
    PanelUserRepository userRepository;
    @Autowired
    AuditEventRepository auditRepository;

    /** A new enabled user with {@link #PASSWORD}; a unique name, since tests share one database. */
    String createUser(String prefix, Role role) {
        String username = prefix + "-" + COUNTER.incrementAndGet() + "-" + System.nanoTime() % 100000;
        userService.create(username, role, PASSWORD, PASSWORD);
        return username;
    }

    String tokenFor(String username) {
        return tokenService.create(username, "test token").token();
    }

    List<AuditEvent> auditFor(String targetName) {
        return auditRepository.findAll().stream().filter(e -> targetName.equals(e.getTargetName())).toList();
    }

    List<String> actionsFor(String targetName) {
        return auditFor(targetName).stream().map(AuditEvent::getAction).toList();
    }

    static void clearContext() {
        SecurityContextHolder.clearContext();
    }
}
