-- Reports break shares, clicks and referred sign-ups down by network, and
-- rewards down by id and state: each hour's tally is kept per key as well
-- (the network of a share, click or referred sign-up; the reward of a
-- reward's activity, with `:held` for one earned into a hold; '' for the
-- rest). The hours are recounted from the log with their keys.
CREATE TABLE activity_hours_keyed (
    offer_id            TEXT NOT NULL,
    hour                INTEGER NOT NULL,
    type                TEXT NOT NULL,
    key                 TEXT NOT NULL DEFAULT '',
    count               INTEGER NOT NULL,
    sessions            INTEGER NOT NULL,
    referred_sessions   INTEGER NOT NULL,
    referred_sign_ups   INTEGER NOT NULL,
    first_seq           INTEGER NOT NULL,
    last_seq            INTEGER NOT NULL,
    PRIMARY KEY (offer_id, hour, type, key)
) WITHOUT ROWID;

INSERT INTO activity_hours_keyed
SELECT offer_id, occurred_at / 3600000 * 3600000, type,
       CASE
         WHEN type IN ('shares_content', 'clicks_shared_link')
           THEN COALESCE(NULLIF(json_extract(details, '$.channel'), ''), 'link')
         WHEN type = 'signs_up_for_referral_offer'
           THEN CASE WHEN json_extract(details, '$.referred_by') IS NULL THEN ''
                     ELSE COALESCE(NULLIF(json_extract(details, '$.channel'), ''), 'link') END
         WHEN type IN ('reward.earned', 'reward.given', 'reward.cancelled', 'reward.clawback')
           THEN COALESCE(json_extract(details, '$.reward_id'), '')
                || CASE WHEN type = 'reward.earned' AND json_extract(details, '$.state') = 'held'
                        THEN ':held' ELSE '' END
         ELSE ''
       END,
       COUNT(*),
       SUM(CASE WHEN json_extract(details, '$.new_session') THEN 1 ELSE 0 END),
       SUM(CASE WHEN json_extract(details, '$.new_session') AND json_extract(details, '$.referred')
           THEN 1 ELSE 0 END),
       SUM(CASE WHEN json_extract(details, '$.referred_by') IS NOT NULL THEN 1 ELSE 0 END),
       MIN(seq), MAX(seq)
FROM activities
WHERE offer_id IS NOT NULL
GROUP BY 1, 2, 3, 4;

DROP TABLE activity_hours;
ALTER TABLE activity_hours_keyed RENAME TO activity_hours;

-- The network of the share link that attributed a browser (NULL: a link
-- with no network, or a touch that was not a click).
ALTER TABLE attributions ADD COLUMN channel TEXT;
