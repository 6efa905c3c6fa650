-- Counters that every request would otherwise update in its own transaction
-- (each offer's hour of `activity_hours`, each offer's participant count)
-- are appended to here instead, one row per fact, and folded into their
-- totals by a background folder (`postgres/fold.rs`) that deletes what it
-- adds in one transaction. Readers add what is still here to the totals.
-- Without keys or indexes: an insert is one heap tuple, and what waits here
-- is folded within a second.
CREATE TABLE activity_hour_deltas (
    offer_id            TEXT NOT NULL,
    hour                BIGINT NOT NULL,
    type                TEXT NOT NULL,
    sessions            BIGINT NOT NULL,
    referred_sessions   BIGINT NOT NULL,
    referred_sign_ups   BIGINT NOT NULL,
    seq                 BIGINT NOT NULL
);

CREATE TABLE participant_deltas (
    offer_id  TEXT NOT NULL
);
