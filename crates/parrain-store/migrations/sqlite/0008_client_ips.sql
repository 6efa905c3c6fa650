-- The client address a browser was last seen at, and the one a participant
-- signed up from: the signals of the same-IP and sign-ups-per-IP fraud rules.
ALTER TABLE visitors ADD COLUMN ip TEXT;
ALTER TABLE visitors ADD COLUMN ip_seen_at INTEGER;
ALTER TABLE participants ADD COLUMN sign_up_ip TEXT;
CREATE INDEX participants_sign_up_ip ON participants (offer_id, sign_up_ip, created_at)
    WHERE sign_up_ip IS NOT NULL;
