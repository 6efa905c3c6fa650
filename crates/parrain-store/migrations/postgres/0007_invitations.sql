-- Invitations a participant sends friends by email. The friend's address is
-- kept in clear (`email`) only until the invitation is sent or the sender is
-- erased; `email_hash` (SHA-256 of the normalised address) stays, so an
-- address is never invited twice per offer and an unsubscribe holds.
CREATE TABLE invitations (
    id              TEXT PRIMARY KEY,
    offer_id        TEXT NOT NULL REFERENCES offers (id),
    participant_id  TEXT NOT NULL REFERENCES participants (id),
    email_hash      TEXT NOT NULL,
    email           TEXT,
    message         TEXT,
    token           TEXT NOT NULL UNIQUE,
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT,
    UNIQUE (offer_id, email_hash)
);
CREATE INDEX invitations_sender ON invitations (participant_id, created_at);
CREATE INDEX invitations_offer ON invitations (offer_id, created_at);

-- Addresses that asked for no more invitations, from any offer.
CREATE TABLE invitation_unsubscribes (
    email_hash       TEXT PRIMARY KEY,
    offer_id         TEXT,
    unsubscribed_at  BIGINT NOT NULL
);

-- Link-preview crawlers' fetches of share links, per participant and hour:
-- counted apart from clicks, never credited.
CREATE TABLE link_previews (
    participant_id  TEXT NOT NULL REFERENCES participants (id),
    offer_id        TEXT NOT NULL REFERENCES offers (id),
    hour            BIGINT NOT NULL,
    hits            BIGINT NOT NULL,
    PRIMARY KEY (participant_id, hour)
);
CREATE INDEX link_previews_offer ON link_previews (offer_id, hour);
