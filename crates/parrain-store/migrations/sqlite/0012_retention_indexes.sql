-- What the retention sweep looks for, found by index instead of by reading
-- whole tables: finished jobs and deliveries by age, client addresses by
-- when they were seen or given, spent or expired links, expired sessions.
CREATE INDEX jobs_finished ON jobs (state, done_at);
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (state, updated_at);
CREATE INDEX visitors_ip_seen ON visitors (ip_seen_at) WHERE ip IS NOT NULL;
CREATE INDEX participants_sign_up_ip_age ON participants (created_at) WHERE sign_up_ip IS NOT NULL;
CREATE INDEX participant_tokens_expiry ON participant_tokens (kind, expires_at);
CREATE INDEX participant_tokens_used ON participant_tokens (kind, used_at);
CREATE INDEX operator_sessions_expiry ON operator_sessions (expires_at);
