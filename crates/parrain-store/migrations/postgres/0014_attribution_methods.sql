-- One referrer per friend per offer (SPEC §15): the first referrer found for
-- a friend, and the method that found it (link, email, coupon, name). The
-- friend is its person when known, else the browser at hand; the first row
-- for a friend stays.
CREATE TABLE friend_referrers (
    offer_id        TEXT NOT NULL,
    friend          TEXT NOT NULL,
    participant_id  TEXT NOT NULL,
    method          TEXT NOT NULL,
    attributed_at   BIGINT NOT NULL,
    PRIMARY KEY (offer_id, friend)
);
CREATE INDEX friend_referrers_participant ON friend_referrers (participant_id);
CREATE INDEX friend_referrers_method ON friend_referrers (method, offer_id);

-- How a participant who was referred was attributed.
ALTER TABLE participants ADD COLUMN referred_method TEXT;
UPDATE participants SET referred_method = 'link' WHERE referred_by IS NOT NULL;

-- Friends referred before: sign-ups with their referrer, then the friends
-- that earned credit (the earliest credit's referrer).
INSERT INTO friend_referrers (offer_id, friend, participant_id, method, attributed_at)
    SELECT offer_id, person_id, referred_by, 'link', created_at
    FROM participants WHERE referred_by IS NOT NULL;
INSERT INTO friend_referrers (offer_id, friend, participant_id, method, attributed_at)
    SELECT c.offer_id, COALESCE(c.friend_person, c.friend_visitor), c.participant_id, 'link', c.created_at
    FROM credits c
    WHERE COALESCE(c.friend_person, c.friend_visitor) IS NOT NULL
    ORDER BY c.created_at
ON CONFLICT (offer_id, friend) DO NOTHING;
