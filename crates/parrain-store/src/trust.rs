//! A request let in on a key the node keeps, confirmed by the request's own
//! transaction instead of a round trip before it.
//!
//! PostgreSQL keeps each node's valid keys under its cache's generation
//! (`postgres/cache.rs`), which a key's revocation moves on. A kept key may
//! have been revoked on another node a moment ago, so it counts only once a
//! read of the generation made after the request arrived finds the one it
//! was kept under. Within [`scope`], a kept key lets the request in at once
//! and is confirmed by the request's first use of the store:
//!
//! - a request flow (a click, a visit, a sign-up, an event, a credit) takes
//!   the key as one more thing it uses of the cache: its transaction reads
//!   the generation before it commits anyway, so the key costs no
//!   statement. If the generation moved, the transaction is rolled back
//!   and run again with the key read afresh in it; a key revoked meanwhile
//!   fails it with [`crate::StoreError::KeyRefused`], nothing written;
//! - any other use of the store (a read, a rarer write) first confirms the
//!   key as before: one read of the generation, shared by the requests
//!   waiting for one;
//! - a request that used the store for nothing is confirmed when it ends,
//!   before its answer leaves (the server's `auth::confirm_trusted`).
//!
//! So a key revoked on any node is still refused by the next request on
//! every node, and nothing is written or read on its word.

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};

tokio::task_local! {
    static REQUEST: Arc<Trust>;
}

/// The key a request was let in on, and whether it is confirmed.
#[derive(Default)]
pub(crate) struct Trust(Mutex<Option<Trusted>>);

struct Trusted {
    hash: String,
    confirmed: bool,
}

/// Runs `request` so that a key the store keeps may let it in before it is
/// confirmed (see the module); returns what it returned and the hash of the
/// key it was let in on if nothing confirmed that key.
pub async fn scope<F: Future>(request: F) -> (F::Output, Option<String>) {
    let trust = Arc::new(Trust::default());
    let output = REQUEST.scope(trust.clone(), request).await;
    let unconfirmed = trust.lock().take().filter(|t| !t.confirmed);
    (output, unconfirmed.map(|t| t.hash))
}

/// The running request's, when it runs within [`scope`].
pub(crate) fn current() -> Option<Arc<Trust>> {
    REQUEST.try_with(Arc::clone).ok()
}

impl Trust {
    fn lock(&self) -> MutexGuard<'_, Option<Trusted>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The request is let in on the kept key with this hash.
    pub(crate) fn trust(&self, hash: String) {
        let mut trusted = self.lock();
        if trusted.as_ref().is_none_or(|t| t.hash != hash) {
            *trusted = Some(Trusted {
                hash,
                confirmed: false,
            });
        }
    }

    /// The hash of the key the request was let in on, until it is confirmed.
    pub(crate) fn unconfirmed(&self) -> Option<String> {
        self.lock()
            .as_ref()
            .filter(|t| !t.confirmed)
            .map(|t| t.hash.clone())
    }

    /// A read of the generation made after the request arrived found the
    /// key with this hash valid.
    pub(crate) fn confirmed(&self, hash: &str) {
        if let Some(trusted) = self.lock().as_mut().filter(|t| t.hash == hash) {
            trusted.confirmed = true;
        }
    }
}
