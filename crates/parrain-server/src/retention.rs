//! The retention sweeper: deletes what parrain no longer needs (finished
//! jobs and webhook deliveries, old idempotency records, expired sessions,
//! spent sign-in links, old daily click counts and pending codes never
//! signed up) and clears client addresses past their
//! retention, when it starts and then every
//! [`RetentionConfig::every`], a small batch per write, and counts what it
//! removed in `parrain_retention_removed_total{what}`. Every node runs one;
//! on PostgreSQL one sweeps at a time. The activity log is never pruned.

use std::time::Duration;

use parrain_core::Millis;
use parrain_store::{Store, Swept};
use tokio::sync::watch;

/// Rows per write: small, so a sweep never holds the writer for long.
const BATCH: u32 = 500;

/// How long what is finished is kept; part of [`crate::outbound::OutboundConfig`].
#[derive(Debug, Clone)]
pub struct RetentionConfig {
    /// Finished (done or given up) email and webhook jobs, finished
    /// webhook deliveries with their attempts, and share links' daily
    /// click counts (from the end of their day).
    pub finished_jobs: Duration,
    /// Idempotency records, counted from the first request.
    pub idempotency: Duration,
    /// Client addresses: a browser's since it was last seen, a
    /// participant's since the sign-up; then cleared.
    pub client_ips: Duration,
    /// Pending codes (share first, then sign up) whose browser never
    /// signed up, counted from when they were handed out.
    pub pending_codes: Duration,
    /// How often the sweeper runs.
    pub every: Duration,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        Self {
            finished_jobs: Duration::from_secs(30 * 24 * 3600),
            idempotency: Duration::from_secs(24 * 3600),
            client_ips: Duration::from_secs(90 * 24 * 3600),
            pending_codes: Duration::from_secs(30 * 24 * 3600),
            every: Duration::from_secs(3600),
        }
    }
}

fn millis(d: Duration) -> Millis {
    Millis::try_from(d.as_millis()).unwrap_or(Millis::MAX)
}

/// The cutoff of each kind at `now`: rows older than it go. Sessions and
/// links go once expired (or used).
fn before(config: &RetentionConfig, what: Swept, now: Millis) -> Millis {
    match what {
        Swept::Jobs | Swept::Deliveries | Swept::LinkClicks => {
            now.saturating_sub(millis(config.finished_jobs))
        }
        Swept::Idempotency => now.saturating_sub(millis(config.idempotency)),
        Swept::VisitorIps | Swept::SignUpIps => now.saturating_sub(millis(config.client_ips)),
        Swept::PendingCodes => now.saturating_sub(millis(config.pending_codes)),
        Swept::Sessions | Swept::Links | Swept::SocialLogins => now,
    }
}

/// One sweep: every kind, batch after batch until none is left. Returns
/// how many rows of each kind went.
pub async fn sweep(
    store: &dyn Store,
    config: &RetentionConfig,
    now: Millis,
) -> parrain_store::Result<Vec<(Swept, u64)>> {
    let mut removed = Vec::new();
    for what in Swept::ALL {
        let cutoff = before(config, what, now);
        let mut total = 0;
        loop {
            let n = store.sweep(what, cutoff, BATCH).await?;
            total += n;
            if n > 0 {
                ::metrics::counter!("parrain_retention_removed_total", "what" => what.name())
                    .increment(n);
            }
            if n < u64::from(BATCH) {
                break;
            }
        }
        removed.push((what, total));
    }
    Ok(removed)
}

/// Sweeps now and then every `config.every` until `stopping` turns true.
pub(crate) async fn run(state: crate::AppState, mut stopping: watch::Receiver<bool>) {
    let config = state.config.outbound.retention.clone();
    while !*stopping.borrow() {
        match sweep(state.store.as_ref(), &config, state.clock.now()).await {
            Ok(removed) => {
                let removed: Vec<_> = removed
                    .into_iter()
                    .filter(|(_, n)| *n > 0)
                    .map(|(what, n)| format!("{}={n}", what.name()))
                    .collect();
                if !removed.is_empty() {
                    tracing::info!(removed = %removed.join(" "), "retention sweep");
                }
            }
            Err(e) => tracing::warn!(error = %e, "retention sweep failed; trying again later"),
        }
        tokio::select! {
            _ = tokio::time::sleep(config.every) => {}
            Ok(()) = stopping.changed() => {}
        }
    }
}
