//! The end of reward holds (SPEC §11): every node's workers look, each
//! poll interval, for held rewards whose `release_at` has passed and give
//! them, a batch per write. The timer is the stored `release_at`, not
//! anything in memory, so a hold that ended while parrain was stopped is
//! released when it starts again.

use tokio::sync::watch;

/// Rewards per write.
const BATCH: u32 = 100;

/// Releases what is due now, batch after batch; returns how many.
pub async fn release(state: &crate::AppState) -> parrain_store::Result<u64> {
    let mut total = 0;
    loop {
        let n = state.store.release_held(state.clock.now(), BATCH).await?;
        total += n;
        if n < u64::from(BATCH) {
            return Ok(total);
        }
    }
}

/// Releases due holds every poll interval until `stopping` turns true.
pub(crate) async fn run(state: crate::AppState, mut stopping: watch::Receiver<bool>) {
    let every = state.config.outbound.poll_interval;
    while !*stopping.borrow() {
        match release(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(released = n, "reward holds ended"),
            Err(e) => {
                tracing::warn!(error = %e, "releasing held rewards failed; trying again later")
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            Ok(()) = stopping.changed() => {}
        }
    }
}
