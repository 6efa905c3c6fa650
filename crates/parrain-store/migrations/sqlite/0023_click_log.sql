-- Share-link clicks are now appended to a file of their own, beside the
-- database (`parrain.db-clicks`, `src/sqlite/clicks.rs`), by a thread
-- that answers the redirect once its group of clicks is synced there, so
-- no redirect waits for the writer. The writer records them later and
-- keeps here the last sequence number it recorded, in the same
-- transaction as what it recorded: a click is recorded exactly once
-- whether the process dies before, during or after, though the two files
-- are committed apart. `click_journal` is kept for files that still hold
-- rows answered before this version (recorded when the file is opened)
-- and for a backup's clicks not yet recorded (`maintenance.rs`).
CREATE TABLE click_applied (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL
);
INSERT INTO click_applied (id, seq) VALUES (1, 0);
