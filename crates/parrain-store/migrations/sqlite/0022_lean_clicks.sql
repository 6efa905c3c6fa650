-- Fewer B-trees written per recorded click (`src/sqlite/journal.rs`): a
-- click from a new browser adds a visitor, an activity and an attribution,
-- and each of their tables and indexes is one more B-tree to insert into.
--
-- - `visitors` and `attributions` are kept WITHOUT ROWID: their rows live
--   in their primary key's B-tree, not in a rowid table beside it (one
--   insert each instead of two; a lookup by id reads one B-tree). Nothing
--   reads their rowid (`parrain copy` lists them in `WITHOUT_ROWID`).
-- - An anonymous browser or activity (no person) adds no entry to the
--   index by person: `visitors_person` and `activities_person` are partial.
--   Every read of them names a person (`person_id = ?`), which SQLite
--   knows is not NULL, so each still uses its index.
-- - `activities.seq` loses AUTOINCREMENT, which read and rewrote its row of
--   `sqlite_sequence` on every insert. Without it a new row takes the
--   largest `seq` plus one, which is the same sequence as long as the
--   newest row is never deleted: the activity log is never pruned nor
--   deleted from (`retention.rs`; erasure edits rows in place), so a seq,
--   a list's cursor or a tally's `first_seq`/`last_seq` is never reused.
--   A pruning added later must keep the newest row (or bring the keyword
--   back).
CREATE TABLE visitors_new (
    id          TEXT PRIMARY KEY,
    person_id   TEXT REFERENCES people (id),
    created_at  INTEGER NOT NULL,
    ip          TEXT,
    ip_seen_at  INTEGER
) WITHOUT ROWID;
INSERT INTO visitors_new (id, person_id, created_at, ip, ip_seen_at)
    SELECT id, person_id, created_at, ip, ip_seen_at FROM visitors;
DROP TABLE visitors;
ALTER TABLE visitors_new RENAME TO visitors;
CREATE INDEX visitors_person ON visitors (person_id) WHERE person_id IS NOT NULL;
CREATE INDEX visitors_ip_seen ON visitors (ip_seen_at) WHERE ip IS NOT NULL;

CREATE TABLE attributions_new (
    offer_id        TEXT NOT NULL,
    visitor_id      TEXT NOT NULL,
    participant_id  TEXT NOT NULL,
    touched_at      INTEGER NOT NULL,
    channel         TEXT,
    PRIMARY KEY (offer_id, visitor_id)
) WITHOUT ROWID;
INSERT INTO attributions_new (offer_id, visitor_id, participant_id, touched_at, channel)
    SELECT offer_id, visitor_id, participant_id, touched_at, channel FROM attributions;
DROP TABLE attributions;
ALTER TABLE attributions_new RENAME TO attributions;
CREATE INDEX attributions_participant ON attributions (participant_id);

CREATE TABLE activities_new (
    seq             INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    type            TEXT NOT NULL,
    offer_id        TEXT,
    participant_id  TEXT,
    person_id       TEXT,
    visitor_id      TEXT,
    details         TEXT NOT NULL DEFAULT '{}',
    occurred_at     INTEGER NOT NULL
);
INSERT INTO activities_new (seq, id, type, offer_id, participant_id, person_id, visitor_id,
                            details, occurred_at)
    SELECT seq, id, type, offer_id, participant_id, person_id, visitor_id, details, occurred_at
    FROM activities ORDER BY seq;
DROP TABLE activities;
ALTER TABLE activities_new RENAME TO activities;
CREATE INDEX activities_offer ON activities (offer_id, type, seq);
CREATE INDEX activities_participant ON activities (participant_id, seq);
CREATE INDEX activities_person ON activities (person_id, seq) WHERE person_id IS NOT NULL;
