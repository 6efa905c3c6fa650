-- Tokens that open a participant's own page and act for it (SPEC §12): an
-- `access` token, given to the browser that signed up, lasts; a `sign_in`
-- token, emailed on request, works once within a day and is exchanged for
-- an access token. Only SHA-256 of a token is kept.
CREATE TABLE participant_tokens (
    token_hash      TEXT PRIMARY KEY,
    participant_id  TEXT NOT NULL REFERENCES participants (id),
    kind            TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT,
    used_at         BIGINT
);
CREATE INDEX participant_tokens_participant ON participant_tokens (participant_id);
