-- Reports break shares, clicks and referred sign-ups down by network, and
-- rewards down by id and state: each hour's tally is kept per key as well
-- (the network of a share, click or referred sign-up; the reward of a
-- reward's activity, with `:held` for one earned into a hold; '' for the
-- rest). The hours, and the tallies not folded yet, are recounted from the
-- log with their keys.
ALTER TABLE activity_hour_deltas ADD COLUMN key TEXT NOT NULL DEFAULT '';
ALTER TABLE activity_hours ADD COLUMN key TEXT NOT NULL DEFAULT '';
ALTER TABLE activity_hours DROP CONSTRAINT activity_hours_pkey;
DELETE FROM activity_hour_deltas;
DELETE FROM activity_hours;

INSERT INTO activity_hours (offer_id, hour, type, key, count, sessions, referred_sessions,
                            referred_sign_ups, first_seq, last_seq)
SELECT offer_id, occurred_at / 3600000 * 3600000, type,
       CASE
         WHEN type IN ('shares_content', 'clicks_shared_link')
           THEN COALESCE(NULLIF(details->>'channel', ''), 'link')
         WHEN type = 'signs_up_for_referral_offer'
           THEN CASE WHEN details->>'referred_by' IS NULL THEN ''
                     ELSE COALESCE(NULLIF(details->>'channel', ''), 'link') END
         WHEN type IN ('reward.earned', 'reward.given', 'reward.cancelled', 'reward.clawback')
           THEN COALESCE(details->>'reward_id', '')
                || CASE WHEN type = 'reward.earned' AND details->>'state' = 'held'
                        THEN ':held' ELSE '' END
         ELSE ''
       END,
       COUNT(*),
       COUNT(*) FILTER (WHERE (details->>'new_session')::BOOLEAN),
       COUNT(*) FILTER (WHERE (details->>'new_session')::BOOLEAN AND (details->>'referred')::BOOLEAN),
       COUNT(*) FILTER (WHERE details->>'referred_by' IS NOT NULL),
       MIN(seq), MAX(seq)
FROM activities
WHERE offer_id IS NOT NULL
GROUP BY 1, 2, 3, 4;

ALTER TABLE activity_hours ADD PRIMARY KEY (offer_id, hour, type, key);

-- The network of the share link that attributed a browser (NULL: a link
-- with no network, or a touch that was not a click).
ALTER TABLE attributions ADD COLUMN channel TEXT;
