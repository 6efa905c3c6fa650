-- Operators of /admin: an argon2 hash per email, and their login sessions
-- (only the SHA-256 of a session's cookie is kept).
CREATE TABLE operators (
    email          TEXT PRIMARY KEY,
    password_hash  TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);

CREATE TABLE operator_sessions (
    token_hash  TEXT PRIMARY KEY,
    email       TEXT NOT NULL REFERENCES operators (email) ON DELETE CASCADE,
    csrf_token  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX operator_sessions_email ON operator_sessions (email);
