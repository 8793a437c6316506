package dev.migrationpanel.security;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Panel users: creation, roles, enabling, passwords. Every change is audited. Rules: usernames are
 * {@code [a-zA-Z0-9._-]{3,64}} and unique regardless of case; passwords follow {@link PasswordPolicy};
 * an admin cannot demote or disable themselves; the last enabled admin stays an enabled admin.
 */
@Service
public class UserService {

    public static final Pattern USERNAME = Pattern.compile("[a-zA-Z0-9._-]{3,64}");
    public static final String TARGET_TYPE = "user";

    static final String BAD_USERNAME = "Use 3 to 64 characters: letters, digits, dot, underscore or hyphen";

    private final PanelUserRepository users;
    private final PasswordEncoder passwordEncoder;
    private final AuditService audit;
    private final Clock clock;

    public UserService(PanelUserRepository users, PasswordEncoder passwordEncoder, AuditService audit, Clock clock) {
        this.users = users;
        this.passwordEncoder = passwordEncoder;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional(readOnly = true)
    public List<PanelUser> list() {
        return users.findAllByOrderByUsernameAsc();
    }

    @Transactional(readOnly = true)
    public Optional<PanelUser> find(Long id) {
        return id == null ? Optional.empty() : users.findById(id);
    }

    @Transactional(readOnly = true)
    public Optional<PanelUser> findByUsername(String username) {
        return username == null ? Optional.empty() : users.findByUsername(username);
    }

    /** The signed-in user (form login or API token), if any. */
    @Transactional(readOnly = true)
    public Optional<PanelUser> findCurrent() {
        String actor = AuditService.currentActor();
        return AuditService.SYSTEM.equals(actor) ? Optional.empty() : users.findByUsername(actor);
    }

    @Transactional
    public PanelUser create(String username, Role role, String password, String confirmation) {
        String name = username == null ? "" : username.trim();
        if (!USERNAME.matcher(name).matches()) {
            throw new SecurityRuleException("username", BAD_USERNAME);
        }
        if (users.existsByUsernameIgnoreCase(name)) {
            throw new SecurityRuleException("username", "A user named '" + name + "' already exists");
        }
        if (role == null) {
            throw new SecurityRuleException("role", "Choose a role");
        }
        checkNewPassword(password, confirmation);
        PanelUser user = users.saveAndFlush(
                new PanelUser(name, passwordEncoder.encode(password), role, Instant.now(clock)));
        audit.record("user.created", TARGET_TYPE, user.getId(), user.getUsername(), "role " + role);
        return user;
    }

    /** Creates the first admin at first start, audited as {@code system}. */
    @Transactional
    PanelUser createFirstAdmin(String username, String password, boolean generated) {
        PanelUser created = new PanelUser(username, passwordEncoder.encode(password), Role.ADMIN, Instant.now(clock));
        // a generated password went through the log: it is only good for the first sign-in
        created.setPasswordChangeRequired(generated);
        PanelUser user = users.saveAndFlush(created);
        audit.recordAs(AuditService.SYSTEM, "user.created", TARGET_TYPE, user.getId(), user.getUsername(),
                "first admin account at first start");
        return user;
    }

    @Transactional
    public void changeRole(Long id, Role role) {
        if (role == null) {
            throw new SecurityRuleException("role", "Choose a role");
        }
        PanelUser user = existing(id);
        if (user.getRole() == role) {
            return;
        }
        if (user.getRole() == Role.ADMIN) {
            if (isCurrentUser(user)) {
                throw new SecurityRuleException("role", "You cannot take away your own admin role; ask another admin");
            }
            requireAnotherEnabledAdmin(user, "demoted");
        }
        Role before = user.getRole();
        user.setRole(role);
        users.flush();
        audit.record("user.role_changed", TARGET_TYPE, user.getId(), user.getUsername(), before + " → " + role);
    }

    @Transactional
    public void setEnabled(Long id, boolean enabled) {
        PanelUser user = existing(id);
        if (user.isEnabled() == enabled) {
            return;
        }
        if (!enabled) {
            if (isCurrentUser(user)) {
                throw new SecurityRuleException("enabled", "You cannot disable your own account");
            }
            if (user.getRole() == Role.ADMIN) {
                requireAnotherEnabledAdmin(user, "disabled");
            }
        }
        user.setEnabled(enabled);
        users.flush();
        audit.record(enabled ? "user.enabled" : "user.disabled", TARGET_TYPE, user.getId(), user.getUsername(), null);
    }

    /**
     * An admin sets a new password for a user; every session of that user ends (whoever knew the old password
     * is out). Returns the user's new session generation.
     */
    @Transactional
    public int resetPassword(Long id, String password, String confirmation) {
        PanelUser user = existing(id);
        checkNewPassword(password, confirmation);
        user.setPasswordHash(passwordEncoder.encode(password));
        user.setPasswordChangeRequired(true); // the admin knows it: the user replaces it at their next sign-in
        int generation = user.nextSessionGeneration();
        users.flush();
        audit.record("user.password_reset", TARGET_TYPE, user.getId(), user.getUsername(),
                "the user's open sessions were ended; they choose a new password at their next sign-in");
        return generation;
    }

    /**
     * A signed-in user changes their own password; the current one is required. Every other session of the user
     * ends; the caller gives the session it came from the returned generation so that one stays
     * ({@link UserSessions#stamp}).
     */
    @Transactional
    public int changeOwnPassword(String username, String currentPassword, String password, String confirmation) {
        PanelUser user = users.findByUsername(username)
                .orElseThrow(() -> new SecurityRuleException(null, "Your account no longer exists"));
        if (currentPassword == null || !passwordEncoder.matches(currentPassword, user.getPasswordHash())) {
            audit.record("user.password_change_failed", TARGET_TYPE, user.getId(), user.getUsername(),
                    "the current password was not correct");
            throw new SecurityRuleException("currentPassword", "The current password is not correct");
        }
        checkNewPassword(password, confirmation);
        if (passwordEncoder.matches(password, user.getPasswordHash())) {
            throw new SecurityRuleException("password", "Choose a new password, not the current one");
        }
        user.setPasswordHash(passwordEncoder.encode(password));
        user.setPasswordChangeRequired(false);
        int generation = user.nextSessionGeneration();
        users.flush();
        audit.record("user.password_changed", TARGET_TYPE, user.getId(), user.getUsername(),
                "the user's other sessions were ended");
        return generation;
    }

    /** "Sign out everywhere": every session of the user ends, the current one too. */
    @Transactional
    public void signOutEverywhere(String username) {
        PanelUser user = users.findByUsername(username)
                .orElseThrow(() -> new SecurityRuleException(null, "Your account no longer exists"));
        user.nextSessionGeneration();
        users.flush();
        audit.record("user.signed_out_everywhere", TARGET_TYPE, user.getId(), user.getUsername(),
                "every session of the user was ended");
    }

    /** Called after a successful form sign-in; the user's session generation, for the new session. */
    @Transactional
    public int recordSignIn(String username) {
        return users.findByUsername(username).map(user -> {
            user.setLastLoginAt(Instant.now(clock));
            return user.getSessionGeneration();
        }).orElse(0);
    }

    static void checkNewPassword(String password, String confirmation) {
        String problem = PasswordPolicy.problem(password);
        if (problem != null) {
            throw new SecurityRuleException("password", problem);
        }
        if (!password.equals(confirmation)) {
            throw new SecurityRuleException("confirmation", PasswordPolicy.MISMATCH);
        }
    }

    private PanelUser existing(Long id) {
        return find(id).orElseThrow(() -> new SecurityRuleException(null, "No such user"));
    }

    private static boolean isCurrentUser(PanelUser user) {
        return user.getUsername().equals(AuditService.currentActor());
    }

    private void requireAnotherEnabledAdmin(PanelUser user, String verb) {
        boolean another = users.lockEnabledAdmins().stream().anyMatch(admin -> !admin.getId().equals(user.getId()));
        if (!another) {
            throw new SecurityRuleException(null, "'" + user.getUsername() + "' is the last enabled admin and cannot be "
                    + verb + "; make another user an admin first");
        }
    }
}
