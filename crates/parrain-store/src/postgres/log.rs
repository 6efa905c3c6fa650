//! What a transaction recorded and queued, counted and announced once it
//! has committed (the statements are `ledger.rs`'s and `crate::flows`').

use std::cell::RefCell;

thread_local! {
    /// The activity types recorded by the transaction open on this thread
    /// (a transaction runs on one blocking thread from start to commit).
    static RECORDED: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
    /// The kinds of the jobs it queued, once each.
    static QUEUED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// A transaction starts: nothing it recorded or queued yet.
pub(crate) fn forget_recorded() {
    RECORDED.with(|r| r.borrow_mut().clear());
    QUEUED.with(|q| q.borrow_mut().clear());
}

/// The kinds of jobs the last transaction on this thread queued, once it
/// has committed (the caller rings the workers' bell for them).
pub(crate) fn take_queued() -> Vec<String> {
    QUEUED.with(|q| std::mem::take(&mut *q.borrow_mut()))
}

/// The transaction committed: `parrain_activities_total` counts what it
/// recorded (a transaction rolled back or run again counts nothing).
pub(crate) fn count_recorded() {
    for kind in RECORDED.with(|r| std::mem::take(&mut *r.borrow_mut())) {
        metrics::counter!("parrain_activities_total", "type" => kind).increment(1);
    }
}

/// An activity of type `kind` was recorded in the open transaction.
pub(crate) fn recorded(kind: &'static str) {
    RECORDED.with(|r| r.borrow_mut().push(kind));
}

/// A job of `kind` was queued in the open transaction.
pub(crate) fn queued(kind: &str) {
    QUEUED.with(|q| {
        let mut q = q.borrow_mut();
        if !q.iter().any(|k| k == kind) {
            q.push(kind.to_owned());
        }
    });
}
