package dev.migrationpanel.security;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

/**
 * A personal API token. Only the SHA-256 hex of the token and a short display prefix are stored; the
 * token itself is shown once when it is created. It acts with its owner's current role.
 */
@Entity
@Table(name = "api_token")
public class ApiToken {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "user_id", nullable = false)
    private PanelUser user;

    @Column(nullable = false, length = 100)
    private String name;

    @Column(nullable = false, length = 64)
    private String tokenHash;

    @Column(nullable = false, length = 16)
    private String tokenPrefix;

    @Column(nullable = false)
    private Instant createdAt;

    private Instant lastUsedAt;

    private Instant revokedAt;

    protected ApiToken() {
    }

    ApiToken(PanelUser user, String name, String tokenHash, String tokenPrefix, Instant createdAt) {
        this.user = user;
        this.name = name;
        this.tokenHash = tokenHash;
        this.tokenPrefix = tokenPrefix;
        this.createdAt = createdAt;
    }

    public Long getId() { return id; }
    public PanelUser getUser() { return user; }
    public String getName() { return name; }
    public String getTokenPrefix() { return tokenPrefix; }
    public Instant getCreatedAt() { return createdAt; }
    public Instant getLastUsedAt() { return lastUsedAt; }
    public Instant getRevokedAt() { return revokedAt; }
    public boolean isRevoked() { return revokedAt != null; }

    String getTokenHash() { return tokenHash; }
    void setLastUsedAt(Instant lastUsedAt) { this.lastUsedAt = lastUsedAt; }
    void setRevokedAt(Instant revokedAt) { this.revokedAt = revokedAt; }

    @Override
    public String toString() {
        return "ApiToken[" + id + ", " + name + ", " + tokenPrefix + "…]";
    }
}
