//! The bell that wakes the delivery workers when jobs are queued, so a
//! sign-up's email leaves at once instead of at the worker's next poll.
//!
//! A store rings it after the commit of a write that queued jobs, never
//! before: a worker woken early would find nothing and sleep through the
//! job. On PostgreSQL other nodes ring it too (see `postgres::notify`).
//! Polling stays as the fallback, for jobs that come due later (a retry)
//! and for a ring that was lost.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

/// Rings per job kind; cheap to clone (clones share the bell).
#[derive(Clone, Default)]
pub struct JobBell {
    kinds: Arc<Mutex<HashMap<String, watch::Sender<()>>>>,
}

impl JobBell {
    /// Jobs of `kind` were committed: wakes every listener of that kind.
    pub fn ring(&self, kind: &str) {
        if let Some(sender) = self.lock().get(kind) {
            sender.send_replace(());
        }
    }

    /// Wakes every listener (after a gap in which rings may have been lost).
    pub fn ring_all(&self) {
        for sender in self.lock().values() {
            sender.send_replace(());
        }
    }

    /// Listens for rings of `kind` from now on.
    pub fn listen(&self, kind: &str) -> JobsQueued {
        let mut kinds = self.lock();
        let sender = kinds
            .entry(kind.to_owned())
            .or_insert_with(|| watch::channel(()).0);
        JobsQueued(sender.subscribe())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, watch::Sender<()>>> {
        // The map is only ever inserted into; a panic elsewhere leaves it whole.
        self.kinds.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// One listener of one job kind. A ring while its worker is busy is kept,
/// so the worker's next wait returns at once.
pub struct JobsQueued(watch::Receiver<()>);

impl JobsQueued {
    /// Waits for the next ring (forever if the store is gone).
    pub async fn rung(&mut self) {
        if self.0.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_ring_reaches_listeners_of_its_kind_even_when_they_were_busy() {
        let bell = JobBell::default();
        let mut email = bell.listen("email");
        let mut webhook = bell.listen("webhook");
        bell.ring("email");
        bell.ring("sms");
        tokio::time::timeout(std::time::Duration::from_secs(5), email.rung())
            .await
            .expect("the email listener was woken");
        assert!(
            !webhook.0.has_changed().unwrap(),
            "a webhook listener hears no email ring"
        );
        bell.ring_all();
        tokio::time::timeout(std::time::Duration::from_secs(5), webhook.rung())
            .await
            .expect("ring_all wakes every kind");
    }
}
