-- Outbound delivery: the job queue's claims, webhook endpoints, their
-- deliveries and every attempt, and what the people filters look up.

-- Claims are fenced by `attempts`: a worker settles only the attempt it claimed.
CREATE INDEX jobs_kind_due ON jobs (kind, state, run_at);

CREATE TABLE webhooks (
    seq                INTEGER PRIMARY KEY AUTOINCREMENT,
    id                 TEXT NOT NULL UNIQUE,
    url                TEXT NOT NULL,
    description        TEXT,
    events             TEXT NOT NULL,          -- JSON array of activity types
    offer_id           TEXT,                   -- only this offer's activities, when set
    secret             TEXT NOT NULL,          -- whsec_…
    previous_secret    TEXT,                   -- still signs until previous_until
    previous_until     INTEGER,
    enabled            INTEGER NOT NULL DEFAULT 1,
    disabled_reason    TEXT,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);

CREATE TABLE webhook_deliveries (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             TEXT NOT NULL UNIQUE,       -- msg_…, the webhook-id header
    webhook_id     TEXT NOT NULL,
    activity_id    TEXT NOT NULL,
    event_type     TEXT NOT NULL,
    payload        TEXT NOT NULL,
    state          TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'succeeded', 'failed')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (webhook_id, seq);

CREATE TABLE webhook_attempts (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id   TEXT NOT NULL,
    attempted_at  INTEGER NOT NULL,
    status        INTEGER,                     -- HTTP status; NULL when no response came
    latency_ms    INTEGER NOT NULL,
    response      TEXT,                        -- the first bytes of the response body
    error         TEXT                         -- why it failed, when it did
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, seq);

-- The people filters walk these.
CREATE INDEX credits_friend ON credits (participant_id, friend_person);
CREATE INDEX credits_offer ON credits (offer_id, friend_person);
CREATE INDEX attributions_participant ON attributions (participant_id);
CREATE INDEX participants_person ON participants (person_id);
