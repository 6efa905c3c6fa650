//! The outgoing-mail notice (SPEC §7): without SMTP configured, mail waits
//! in the queue and every signed-in page says how much of it there is.
//!
//! Each `/admin` request gets a slot (a task-local, by the `slot` layer);
//! signing the operator in (`session::Operator`) counts the waiting emails
//! into it, and `render` hands the count to the layout. No page handler has
//! to know about it.

use std::cell::Cell;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;
use parrain_store::JobKind;

tokio::task_local! {
    static WAITING_MAIL: Cell<Option<i64>>;
}

/// Gives the request a slot for the count.
pub async fn slot(request: Request, next: Next) -> Response {
    WAITING_MAIL.scope(Cell::new(None), next.run(request)).await
}

/// Counts the emails waiting for SMTP into the slot, when none is configured.
pub async fn count(state: &AppState) {
    if state.config.outbound.smtp_url.is_some() {
        return;
    }
    match state.store.queue_counts(JobKind::Email).await {
        Ok(counts) => {
            let _ = WAITING_MAIL.try_with(|slot| slot.set(Some(counts.waiting)));
        }
        Err(e) => tracing::warn!(error = %e, "counting the waiting emails failed"),
    }
}

/// How many emails wait because SMTP is not configured (none: `None`).
pub fn waiting_mail() -> Option<i64> {
    WAITING_MAIL
        .try_with(Cell::get)
        .ok()
        .flatten()
        .filter(|n| *n > 0)
}
