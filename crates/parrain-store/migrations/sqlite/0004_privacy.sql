-- Erasure: when a person's identifying data was removed (their email is then
-- a placeholder no address matches).
ALTER TABLE people ADD COLUMN erased_at INTEGER;
