package dev.migrationpanel.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Personal API tokens: {@code mpt_} followed by 40 URL-safe random characters (240 bits). Only the
 * SHA-256 hex and a display prefix ({@code mpt_} plus 4 characters) are stored.
 */
@Service
public class ApiTokenService {

    public static final String TOKEN_PREFIX = "mpt_";
    public static final String TARGET_TYPE = "api_token";
    static final Pattern TOKEN_FORMAT = Pattern.compile("mpt_[A-Za-z0-9_-]{40}");
    private static final int DISPLAY_CHARS = 4;

    private final ApiTokenRepository tokens;
    private final PanelUserRepository users;
    private final AuditService audit;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public ApiTokenService(ApiTokenRepository tokens, PanelUserRepository users, AuditService audit, Clock clock) {
        this.tokens = tokens;
        this.users = users;
        this.audit = audit;
        this.clock = clock;
    }

    /** A freshly created token: {@link #token()} is the only time the secret exists outside its holder. */
    public record CreatedToken(String token, ApiToken saved) {
        @Override
        public String toString() {
            return "CreatedToken[" + saved + "]";
        }
    }

    /** Who an API request acts as: the owner's current name and role. */
    public record TokenOwner(Long userId, String username, Role role, Long tokenId) {
    }

    @Transactional
    public CreatedToken create(String username, String name) {
        String label = name == null ? "" : name.strip();
        if (label.isEmpty() || label.length() > 100) {
            throw new SecurityRuleException("name", "Give the token a name of 1 to 100 characters");
        }
        PanelUser owner = users.findByUsername(username)
                .orElseThrow(() -> new SecurityRuleException(null, "Your account no longer exists"));
        byte[] bytes = new byte[30];
        random.nextBytes(bytes);
        String token = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String prefix = token.substring(0, TOKEN_PREFIX.length() + DISPLAY_CHARS);
        ApiToken saved = tokens.saveAndFlush(new ApiToken(owner, label, sha256Hex(token), prefix, Instant.now(clock)));
        audit.record("token.created", TARGET_TYPE, saved.getId(), label,
                "token " + prefix + "… of user " + owner.getUsername());
        return new CreatedToken(token, saved);
    }

    @Transactional(readOnly = true)
    public List<ApiToken> listFor(String username) {
        return users.findByUsername(username).map(user -> tokens.findForUser(user.getId())).orElse(List.of());
    }

    /** Revokes one of the user's own tokens. */
    @Transactional
    public void revoke(String username, Long tokenId) {
        ApiToken token = tokenId == null ? null : tokens.findById(tokenId).orElse(null);
        if (token == null || !token.getUser().getUsername().equals(username)) {
            throw new SecurityRuleException(null, "No such token");
        }
        if (token.isRevoked()) {
            return;
        }
        token.setRevokedAt(Instant.now(clock));
        tokens.flush();
        audit.record("token.revoked", TARGET_TYPE, token.getId(), token.getName(),
                "token " + token.getTokenPrefix() + "… of user " + username);
    }

    /**
     * The owner a presented token acts as, or empty when the token is malformed, unknown, revoked or its
     * owner is disabled. A match records the time of use.
     */
    @Transactional
    public Optional<TokenOwner> authenticate(String presented) {
        if (presented == null || !TOKEN_FORMAT.matcher(presented).matches()) {
            return Optional.empty();
        }
        Optional<ApiToken> found = tokens.findByHashWithUser(sha256Hex(presented));
        if (found.isEmpty() || found.get().isRevoked() || !found.get().getUser().isEnabled()) {
            return Optional.empty();
        }
        ApiToken token = found.get();
        token.setLastUsedAt(Instant.now(clock));
        PanelUser owner = token.getUser();
        return Optional.of(new TokenOwner(owner.getId(), owner.getUsername(), owner.getRole(), token.getId()));
    }

    static String sha256Hex(String value) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
