-- parrain's embedded schema. Times are milliseconds since the Unix epoch (UTC).

CREATE TABLE api_keys (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('secret', 'publishable')),
    name          TEXT NOT NULL,
    hint          TEXT NOT NULL,
    hash          TEXT NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL,
    revoked_at    INTEGER,
    last_used_at  INTEGER
);

CREATE TABLE offers (
    id           TEXT PRIMARY KEY,
    status       TEXT NOT NULL,
    live         TEXT,
    draft        TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    approved_at  INTEGER,
    version      INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE people (
    id          TEXT PRIMARY KEY,
    email       TEXT NOT NULL UNIQUE,
    first_name  TEXT,
    last_name   TEXT,
    created_at  INTEGER NOT NULL
);

CREATE TABLE visitors (
    id          TEXT PRIMARY KEY,
    person_id   TEXT REFERENCES people (id),
    created_at  INTEGER NOT NULL
);
CREATE INDEX visitors_person ON visitors (person_id);

CREATE TABLE participants (
    id                 TEXT PRIMARY KEY,
    offer_id           TEXT NOT NULL REFERENCES offers (id),
    person_id          TEXT NOT NULL REFERENCES people (id),
    code               TEXT NOT NULL UNIQUE,
    visitor_id         TEXT,
    fields             TEXT NOT NULL DEFAULT '{}',
    marketing_consent  INTEGER,
    referred_by        TEXT,
    credit             INTEGER NOT NULL DEFAULT 0,
    achieved_at        INTEGER,
    fulfilled_at       INTEGER,
    promo_code         TEXT,
    created_at         INTEGER NOT NULL,
    UNIQUE (offer_id, person_id)
);
CREATE INDEX participants_offer ON participants (offer_id);
CREATE INDEX participants_referred_by ON participants (referred_by);

-- Which participant a browser counts for, per offer.
CREATE TABLE attributions (
    offer_id        TEXT NOT NULL,
    visitor_id      TEXT NOT NULL,
    participant_id  TEXT NOT NULL,
    touched_at      INTEGER NOT NULL,
    PRIMARY KEY (offer_id, visitor_id)
);

CREATE TABLE visit_sessions (
    offer_id    TEXT NOT NULL,
    visitor_id  TEXT NOT NULL,
    started_at  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    PRIMARY KEY (offer_id, visitor_id)
);

-- One row per credit: the key makes every qualifying fact count once.
CREATE TABLE credits (
    participant_id  TEXT NOT NULL,
    key             TEXT NOT NULL,
    offer_id        TEXT NOT NULL,
    friend_person   TEXT,
    friend_visitor  TEXT,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (participant_id, key)
);

CREATE TABLE promo_codes (
    offer_id        TEXT NOT NULL,
    code            TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    participant_id  TEXT,
    assigned_at     INTEGER,
    PRIMARY KEY (offer_id, code)
);
CREATE INDEX promo_codes_free ON promo_codes (offer_id, participant_id, seq);

CREATE TABLE activities (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT NOT NULL UNIQUE,
    type            TEXT NOT NULL,
    offer_id        TEXT,
    participant_id  TEXT,
    person_id       TEXT,
    visitor_id      TEXT,
    details         TEXT NOT NULL DEFAULT '{}',
    occurred_at     INTEGER NOT NULL
);
CREATE INDEX activities_offer ON activities (offer_id, type, seq);
CREATE INDEX activities_participant ON activities (participant_id, seq);
CREATE INDEX activities_person ON activities (person_id, seq);

-- Server events already applied, by their id: what makes POST /v1/events idempotent.
CREATE TABLE server_events (
    id           TEXT PRIMARY KEY,
    result       TEXT NOT NULL,
    received_at  INTEGER NOT NULL
);

-- The outbox: work to do after the transaction that caused it commits.
CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT NOT NULL,
    payload       TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'pending',
    run_at        INTEGER NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    locked_until  INTEGER,
    last_error    TEXT,
    created_at    INTEGER NOT NULL,
    done_at       INTEGER
);
CREATE INDEX jobs_due ON jobs (state, run_at);
