-- An offer's existing customers (SPEC §15): SHA-256 of each lower-cased
-- email, hex; a friend on it earns no credit when the offer excludes them.
CREATE TABLE existing_customers (
    offer_id    TEXT NOT NULL,
    email_hash  TEXT NOT NULL,
    PRIMARY KEY (offer_id, email_hash)
);

-- Clicks a share link recorded per UTC day (day = days since the epoch),
-- counted only for offers that cap them.
CREATE TABLE link_clicks (
    participant_id  TEXT NOT NULL,
    day             INTEGER NOT NULL,
    clicks          INTEGER NOT NULL,
    PRIMARY KEY (participant_id, day)
);
