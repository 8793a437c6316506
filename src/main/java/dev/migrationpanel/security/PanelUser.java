package dev.migrationpanel.security;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A person who signs in to the panel. Only a BCrypt hash of the password is kept. */
@Entity
@Table(name = "panel_user")
public class PanelUser {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, length = 64)
    private String username;

    @Column(nullable = false, length = 100)
    private String passwordHash;

    @Enumerated(EnumType.STRING)
    @JdbcTypeCode(SqlTypes.VARCHAR)
    @Column(nullable = false, length = 16)
    private Role role;

    @Column(nullable = false)
    private boolean enabled;

    @Column(nullable = false)
    private Instant createdAt;

    private Instant lastLoginAt;

    /** Raised to end every session signed in before (a password change, a reset, "sign out everywhere"). */
    @Column(nullable = false)
    private int sessionGeneration;

    /** The password was chosen by someone else (generated, reset by an admin): its user must replace it first. */
    @Column(nullable = false)
    private boolean passwordChangeRequired;

    protected PanelUser() {
    }

    public PanelUser(String username, String passwordHash, Role role, Instant createdAt) {
        this.username = username;
        this.passwordHash = passwordHash;
        this.role = role;
        this.enabled = true;
        this.createdAt = createdAt;
    }

    public Long getId() { return id; }
    public String getUsername() { return username; }
    public String getPasswordHash() { return passwordHash; }
    public Role getRole() { return role; }
    public boolean isEnabled() { return enabled; }
    public Instant getCreatedAt() { return createdAt; }
    public Instant getLastLoginAt() { return lastLoginAt; }
    public int getSessionGeneration() { return sessionGeneration; }
    public boolean isPasswordChangeRequired() { return passwordChangeRequired; }

    void setPasswordHash(String passwordHash) { this.passwordHash = passwordHash; }
    void setRole(Role role) { this.role = role; }
    void setEnabled(boolean enabled) { this.enabled = enabled; }
    void setLastLoginAt(Instant lastLoginAt) { this.lastLoginAt = lastLoginAt; }
    void setPasswordChangeRequired(boolean required) { this.passwordChangeRequired = required; }

    /** Ends the user's sessions: those holding the generation before this one are signed out. */
    int nextSessionGeneration() {
        return ++sessionGeneration;
    }

    /** Never the hash: a user may end up in a log line or an exception message. */
    @Override
    public String toString() {
        return "PanelUser[" + id + ", " + username + ", " + role + (enabled ? "" : ", disabled") + "]";
    }
}
