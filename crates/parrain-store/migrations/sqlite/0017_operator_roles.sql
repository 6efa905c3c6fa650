-- Operator roles and the audit log (who changed what, and when).
-- Operators made before roles existed keep every right: they are owners.
ALTER TABLE operators ADD COLUMN role TEXT NOT NULL DEFAULT 'owner';

-- Every change an operator makes: `operator` is the email (or `cli` for
-- the command line), kept as text so the history outlives the account.
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    at        INTEGER NOT NULL,
    operator  TEXT NOT NULL,
    action    TEXT NOT NULL,
    target    TEXT NOT NULL,
    detail    TEXT NOT NULL
);
