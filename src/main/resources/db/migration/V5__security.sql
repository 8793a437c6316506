-- Security: which master key the secrets are under, the artifacts' own data keys, sign-in throttling.
-- Written once for both H2 (embedded default) and PostgreSQL.

-- One row (id 1): the fingerprint (HMAC-SHA256 of a fixed label under the key, never the key) of the master key
-- the secrets are encrypted with, the one before the last rotation, and while a rotation runs the one it
-- rotates to. A start with another key, or none, is refused while anything is encrypted (security.MasterKeyGuard).
create table master_key_state (
    id                      integer      primary key,
    fingerprint             varchar(64)  not null,
    previous_fingerprint    varchar(64),
    rotating_to             varchar(64),
    recorded_at             timestamp with time zone not null,
    rotation_started_at     timestamp with time zone,
    rotated_at              timestamp with time zone,
    constraint ck_master_key_state_one_row check (id = 1)
);

-- An encrypted artifact's own AES-256 data key, wrapped under the master key (gcm2:<key id>:...); null for
-- artifacts from before, sealed under the key derived from the master key (wrapped at the next start).
alter table artifact add column wrapped_key varchar(200);

-- Failed sign-ins per account (lower-case username) and per client address: delays after a few, then a lock
-- that ends by itself (security.SignInThrottle). Rows are forgotten an hour after the last failure.
create table sign_in_throttle (
    kind                    varchar(8)   not null,
    subject                 varchar(200) not null,
    failures                integer      not null,
    refused                 integer      not null,
    last_failure_at         timestamp with time zone not null,
    blocked_until           timestamp with time zone,
    locked_until            timestamp with time zone,
    primary key (kind, subject)
);

-- Sessions: each sign-in's session keeps the user's generation at that moment; a password change, an admin's
-- reset or "sign out everywhere" raises it, and every session holding an older one is ended at its next request
-- (security.SessionUserRefreshFilter), on whichever node it lives.
alter table panel_user add column session_generation integer default 0 not null;
