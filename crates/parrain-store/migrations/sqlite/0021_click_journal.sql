-- Share-link clicks answered but not yet recorded in the tables: the
-- writer appends one row per click in the redirect's own commit, and
-- records a run of them later in one transaction that deletes the rows it
-- recorded (`src/sqlite/journal.rs`). No index beside the sequence.
CREATE TABLE click_journal (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    code TEXT NOT NULL,
    visitor_id TEXT NOT NULL,
    new_browser INTEGER NOT NULL,
    channel TEXT,
    ip TEXT
);
