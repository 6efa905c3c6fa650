-- Reversals (SPEC §11): a reversed credit keeps its row (so the same fact
-- never earns again) and stops counting; a given reward whose milestone a
-- reversal took away is clawed back once.
ALTER TABLE credits ADD COLUMN reversed_at BIGINT;
ALTER TABLE participant_rewards ADD COLUMN clawback_at BIGINT;
