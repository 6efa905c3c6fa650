-- Idempotency-Key: the first response to each (API key, Idempotency-Key),
-- replayed to retries. `status` is NULL while the first request still runs.
CREATE TABLE idempotency_keys (
    scope         TEXT NOT NULL,      -- the API key's id
    idem_key      TEXT NOT NULL,
    fingerprint   TEXT NOT NULL,      -- SHA-256 of method, path and body
    status        INTEGER,
    content_type  TEXT,
    body          BLOB,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (scope, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
