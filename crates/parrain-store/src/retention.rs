//! Retention: what parrain no longer needs is deleted, a small batch at a
//! time, written once over the shared SQL layer (`crate::sql`) so both
//! engines delete exactly the same rows.
//!
//! Finished jobs, finished webhook deliveries with their attempts, saved
//! idempotent responses, expired operator sessions, spent or expired
//! sign-in and confirmation links, expired social sign-ins and the click
//! counts of days long over go, and so do pending codes (share first, then
//! sign up) whose browser never signed up, with the friends' attributions
//! to them; pending work is never touched. Client
//! addresses are cleared from the rows that hold them (browsers and
//! participants), the rows kept. The activity log is the record of what
//! happened and is never pruned here.

use async_trait::async_trait;
use parrain_core::Millis;

use crate::sql::{Db, Engine};
use crate::Result;

/// One kind of row retention removes (or, for addresses, clears).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Swept {
    /// Email and webhook jobs done or given up on before the cutoff.
    Jobs,
    /// Webhook deliveries that succeeded or failed before the cutoff, with
    /// their attempts and the receivers' answers.
    Deliveries,
    /// Idempotency records made before the cutoff.
    Idempotency,
    /// Operator sessions expired before the cutoff.
    Sessions,
    /// Sign-in and confirmation links used or expired before the cutoff
    /// (a participant's lasting access token is kept).
    Links,
    /// The client address a browser was last seen at, when seen before the
    /// cutoff: cleared, the browser kept.
    VisitorIps,
    /// The client address a participant signed up from, when the sign-up
    /// is older than the cutoff: cleared, the participant kept.
    SignUpIps,
    /// Social sign-ins (their request to the provider, or the identity it
    /// vouched for) expired before the cutoff.
    SocialLogins,
    /// A share link's click count of a UTC day that ended before the
    /// cutoff (only the day's own count enforces the daily click cap).
    LinkClicks,
    /// Pending codes (share first, then sign up) handed out before the
    /// cutoff and never signed up, with the attributions of the friends'
    /// browsers to them.
    PendingCodes,
}

impl Swept {
    pub const ALL: [Swept; 10] = [
        Swept::Jobs,
        Swept::Deliveries,
        Swept::Idempotency,
        Swept::Sessions,
        Swept::Links,
        Swept::VisitorIps,
        Swept::SignUpIps,
        Swept::SocialLogins,
        Swept::LinkClicks,
        Swept::PendingCodes,
    ];

    /// The metric label.
    pub fn name(self) -> &'static str {
        match self {
            Swept::Jobs => "jobs",
            Swept::Deliveries => "webhook_deliveries",
            Swept::Idempotency => "idempotency_records",
            Swept::Sessions => "operator_sessions",
            Swept::Links => "participant_links",
            Swept::VisitorIps => "visitor_ips",
            Swept::SignUpIps => "sign_up_ips",
            Swept::SocialLogins => "social_logins",
            Swept::LinkClicks => "link_clicks",
            Swept::PendingCodes => "pending_codes",
        }
    }
}

#[async_trait]
pub trait Retention: Send + Sync {
    /// Deletes at most `limit` rows of `what` older than `before`, in one
    /// short write; returns how many went. On PostgreSQL one node sweeps at
    /// a time: a node that finds another's batch running waits for it.
    async fn sweep(&self, what: Swept, before: Millis, limit: u32) -> Result<u64>;
}

/// Any constant: the lock of the retention sweep in progress.
const SWEEP_LOCK: i64 = 0x0070_6172_7377_6570;

#[async_trait]
impl<E: Engine> Retention for E {
    async fn sweep(&self, what: Swept, before: Millis, limit: u32) -> Result<u64> {
        // One small batch, so it never holds the writer for long; one batch
        // at a time over every node: a node that finds another sweeping
        // waits for its short batch to end (a transaction whose snapshot
        // then misses that batch's work is run again afresh).
        self.write_db(move |tx| {
            E::lock(tx, SWEEP_LOCK)?;
            sweep(tx, what, before, limit)
        })
        .await
    }
}

/// The statements of one batch, with `?1` for the cutoff and `?2` for the
/// batch's size.
pub(crate) fn statements(what: Swept) -> &'static [&'static str] {
    match what {
        Swept::Jobs => &["DELETE FROM jobs WHERE id IN (
             SELECT id FROM jobs WHERE state IN ('done', 'failed')
                AND done_at < ?1 ORDER BY id LIMIT ?2)"],
        // The attempts of the batch's deliveries first, then the deliveries:
        // the same selection, in the same transaction.
        Swept::Deliveries => &[
            "DELETE FROM webhook_attempts WHERE delivery_id IN (
             SELECT id FROM webhook_deliveries WHERE state IN ('succeeded', 'failed')
                AND updated_at < ?1 ORDER BY seq LIMIT ?2)",
            "DELETE FROM webhook_deliveries WHERE seq IN (
             SELECT seq FROM webhook_deliveries WHERE state IN ('succeeded', 'failed')
                AND updated_at < ?1 ORDER BY seq LIMIT ?2)",
        ],
        Swept::Idempotency => &["DELETE FROM idempotency_keys WHERE (scope, idem_key) IN (
             SELECT scope, idem_key FROM idempotency_keys
              WHERE created_at < ?1
              ORDER BY created_at LIMIT ?2)"],
        Swept::Sessions => &["DELETE FROM operator_sessions WHERE token_hash IN (
             SELECT token_hash FROM operator_sessions WHERE expires_at < ?1
              LIMIT ?2)"],
        Swept::Links => &["DELETE FROM participant_tokens WHERE token_hash IN (
             SELECT token_hash FROM participant_tokens
              WHERE kind IN ('sign_in', 'confirm')
                AND (used_at < ?1 OR expires_at < ?1)
              LIMIT ?2)"],
        Swept::VisitorIps => &[
            "UPDATE visitors SET ip = NULL, ip_seen_at = NULL WHERE id IN (
             SELECT id FROM visitors WHERE ip IS NOT NULL
                AND (ip_seen_at IS NULL OR ip_seen_at < ?1)
              LIMIT ?2)",
        ],
        Swept::SignUpIps => &["UPDATE participants SET sign_up_ip = NULL WHERE id IN (
             SELECT id FROM participants WHERE sign_up_ip IS NOT NULL
                AND created_at < ?1
              LIMIT ?2)"],
        Swept::SocialLogins => &["DELETE FROM social_logins WHERE token_hash IN (
             SELECT token_hash FROM social_logins WHERE expires_at < ?1
              LIMIT ?2)"],
        // `day` counts days since the epoch: a day ended before the cutoff
        // is one below the cutoff's own day.
        Swept::LinkClicks => &["DELETE FROM link_clicks WHERE (participant_id, day) IN (
             SELECT participant_id, day FROM link_clicks WHERE day < CAST(?1 AS BIGINT) / 86400000
              LIMIT ?2)"],
        // The friends' attributions to the batch's codes first, then the
        // codes: the same selection, in the same transaction. Saying that
        // the id sorts between `pen` and `peo`, as every pending code's does,
        // lets SQLite use its index of them (`attributions_pending`,
        // migration 0025).
        Swept::PendingCodes => &[
            "DELETE FROM attributions
             WHERE participant_id > 'pen' AND participant_id < 'peo' AND participant_id IN (
             SELECT id FROM pending_codes WHERE created_at < ?1
              ORDER BY id LIMIT ?2)",
            "DELETE FROM pending_codes WHERE id IN (
             SELECT id FROM pending_codes WHERE created_at < ?1
              ORDER BY id LIMIT ?2)",
        ],
    }
}

/// One batch of `what`; returns the rows of the last statement (the kind's own).
fn sweep(db: &dyn Db, what: Swept, before: Millis, limit: u32) -> Result<u64> {
    let mut removed = 0;
    for sql in statements(what) {
        removed = db.execute(sql, &[before.into(), i64::from(limit).into()])?;
    }
    Ok(removed)
}
