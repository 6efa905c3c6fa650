-- What a report reads instead of the activity log: each offer's activities
-- tallied per UTC hour and type, kept in the transaction that records them,
-- with the span of `seq` they occupy (so the part of an hour a window cuts
-- is recounted from that slice of the log only).
CREATE TABLE activity_hours (
    offer_id            TEXT NOT NULL,
    hour                BIGINT NOT NULL,
    type                TEXT NOT NULL,
    count               BIGINT NOT NULL,
    sessions            BIGINT NOT NULL,
    referred_sessions   BIGINT NOT NULL,
    referred_sign_ups   BIGINT NOT NULL,
    first_seq           BIGINT NOT NULL,
    last_seq            BIGINT NOT NULL,
    PRIMARY KEY (offer_id, hour, type)
);

INSERT INTO activity_hours
SELECT offer_id, occurred_at / 3600000 * 3600000, type, COUNT(*),
       COUNT(*) FILTER (WHERE (details->>'new_session')::BOOLEAN),
       COUNT(*) FILTER (WHERE (details->>'new_session')::BOOLEAN AND (details->>'referred')::BOOLEAN),
       COUNT(*) FILTER (WHERE details->>'referred_by' IS NOT NULL),
       MIN(seq), MAX(seq)
FROM activities
WHERE offer_id IS NOT NULL
GROUP BY 1, 2, 3;

-- The top referrers of an offer, in the order a report ranks them.
CREATE INDEX participants_top ON participants (offer_id, credit DESC, created_at, id)
    WHERE credit > 0;

-- How many participants an offer has, kept by each sign-up (participants
-- are never deleted; erasure only blanks the person).
ALTER TABLE offers ADD COLUMN participants BIGINT NOT NULL DEFAULT 0;
UPDATE offers SET participants = (SELECT COUNT(*) FROM participants p WHERE p.offer_id = offers.id);
