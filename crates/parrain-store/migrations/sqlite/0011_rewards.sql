-- Rewards (SPEC §11). Promo codes belong to a named pool ('default' is
-- v1's upload), and each (participant, reward, occurrence) is one row under
-- a unique key: earned once, given at most once, whatever retries,
-- crashes or concurrent requests do. A held reward's release_at is the
-- durable timer the workers of any node release it by.
ALTER TABLE promo_codes ADD COLUMN pool TEXT NOT NULL DEFAULT 'default';
CREATE INDEX promo_codes_pool_free ON promo_codes (offer_id, pool, participant_id, seq);

CREATE TABLE participant_rewards (
    participant_id  TEXT NOT NULL,
    reward_id       TEXT NOT NULL,
    occurrence      INTEGER NOT NULL,
    offer_id        TEXT NOT NULL,
    state           TEXT NOT NULL,
    promo_code      TEXT,
    friend_of       TEXT,
    earned_at       INTEGER NOT NULL,
    release_at      INTEGER,
    given_at        INTEGER,
    cancelled_at    INTEGER,
    PRIMARY KEY (participant_id, reward_id, occurrence)
);
CREATE INDEX participant_rewards_offer ON participant_rewards (offer_id, reward_id, state);
CREATE INDEX participant_rewards_held ON participant_rewards (release_at) WHERE state = 'held';
