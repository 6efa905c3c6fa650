-- Fraud rules: a credit a rule held is `pending` until an operator approves
-- or rejects it; a blocked one is `blocked`. NULL: counted at once.
ALTER TABLE credits ADD COLUMN review TEXT;
ALTER TABLE credits ADD COLUMN review_reasons TEXT;
ALTER TABLE credits ADD COLUMN reviewed_at INTEGER;
CREATE INDEX credits_review ON credits (review, created_at) WHERE review IS NOT NULL;
