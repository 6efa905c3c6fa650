-- No index entry keyed by participant for a click (`src/sqlite/journal.rs`).
-- A click from a new browser wrote one into `activities_participant` and
-- one into `attributions_participant`; with a share link's clicks spread
-- over a few dozen referrers, each group of recorded clicks dirtied one
-- page per referrer in each: four fifths of the bytes the writer wrote per
-- click (about 4,600 before, 950 after: BENCHMARKS.md, "Eighteenth round").
--
-- - `activities_participant` leaves clicks out. The reads by participant
--   that use it name a type that is not a click, and say so in their SQL
--   (`type <> 'clicks_shared_link'`, which SQLite needs written out to use
--   a partial index); a participant's clicks are found through
--   `activities_offer` (its offer, the click type), as the data export
--   does (`privacy.rs`).
-- - `attributions_participant` becomes `attributions_pending`, over the
--   browsers attributed to a pending code only (ids `pen_…`, migration
--   0020, which sort between `pen` and `peo`: two comparisons, evaluated
--   for every attribution written, where a `LIKE` cost a little more):
--   taking a pending code over and sweeping old ones read them by code,
--   and say so in their SQL. The people a participant brought are read
--   through the primary key (its offer, then the browsers), in
--   `people.rs`.
DROP INDEX activities_participant;
CREATE INDEX activities_participant ON activities (participant_id, seq)
    WHERE type <> 'clicks_shared_link';
DROP INDEX attributions_participant;
CREATE INDEX attributions_pending ON attributions (participant_id)
    WHERE participant_id > 'pen' AND participant_id < 'peo';
