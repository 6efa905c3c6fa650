-- One B-tree fewer for every activity written, a click's above all
-- (`src/sqlite/journal.rs`): `activities.id` loses its UNIQUE constraint,
-- whose index was a fourth B-tree to insert into. Nothing looks an
-- activity up by id (lists page by `seq`, erasure edits rows by `seq`), and
-- an id is made once, by `ActivityId::generate`, with its millisecond and
-- 55 random bits, so the constraint guarded nothing a write could break.
-- The table is rebuilt because SQLite cannot drop a constraint's index;
-- `seq` keeps its values, so lists' cursors and tallies' `first_seq` and
-- `last_seq` still name the same rows.
CREATE TABLE activities_new (
    seq             INTEGER PRIMARY KEY,
    id              TEXT NOT NULL,
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
