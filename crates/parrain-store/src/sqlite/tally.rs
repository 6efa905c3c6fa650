//! Activity counts for `/metrics`, exact to what was committed, and the
//! kinds of the jobs committed, for the bell that wakes their workers.
//!
//! Activities and jobs are written inside the writer's transaction, which
//! may still roll a write back (its savepoint) or fail the whole batch. So
//! each one is noted here first and reaches the `parrain_activities_total`
//! counter (or the bell) only once its batch has committed. Only the writer
//! thread writes them, so thread-local lists are all the bookkeeping needed.

use std::cell::RefCell;

use crate::JobBell;

thread_local! {
    static PENDING: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
    static QUEUED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Notes a job of `kind` queued in the open transaction.
pub(crate) fn job(kind: &str) {
    QUEUED.with(|q| {
        let mut q = q.borrow_mut();
        if !q.iter().any(|k| k == kind) {
            q.push(kind.to_owned());
        }
    });
}

/// Where a write starts, to forget what it noted if it is rolled back.
#[derive(Clone, Copy)]
pub(crate) struct Mark {
    activities: usize,
    jobs: usize,
}

/// Notes an activity of type `kind` written in the open transaction.
pub(crate) fn activity(kind: &'static str) {
    PENDING.with(|p| p.borrow_mut().push(kind));
}

pub(crate) fn mark() -> Mark {
    Mark {
        activities: PENDING.with(|p| p.borrow().len()),
        jobs: QUEUED.with(|q| q.borrow().len()),
    }
}

/// Forgets what was noted since `mark` (its savepoint rolled back). A job
/// kind noted before the mark and again after it stays noted.
pub(crate) fn rollback_to(mark: Mark) {
    PENDING.with(|p| p.borrow_mut().truncate(mark.activities));
    QUEUED.with(|q| q.borrow_mut().truncate(mark.jobs));
}

/// The transaction committed: counts what it recorded and rings for the
/// jobs it queued.
pub(crate) fn commit(bell: &JobBell) {
    for kind in PENDING.with(|p| std::mem::take(&mut *p.borrow_mut())) {
        metrics::counter!("parrain_activities_total", "type" => kind).increment(1);
    }
    for kind in QUEUED.with(|q| std::mem::take(&mut *q.borrow_mut())) {
        bell.ring(&kind);
    }
}

/// The transaction failed: nothing it recorded happened.
pub(crate) fn discard() {
    PENDING.with(|p| p.borrow_mut().clear());
    QUEUED.with(|q| q.borrow_mut().clear());
}
