-- Sign-ins with an OpenID Connect provider in progress (SPEC §14): the
-- request sent to the provider, then the identity it vouched for, each under
-- the SHA-256 of its token, for minutes.
CREATE TABLE social_logins (
    token_hash  TEXT PRIMARY KEY,
    step        TEXT NOT NULL,
    data        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX social_logins_expires ON social_logins (expires_at);
