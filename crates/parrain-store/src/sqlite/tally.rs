//! Activity counts for `/metrics`, exact to what was committed.
//!
//! Activities are recorded inside the writer's transaction, which may still
//! roll a write back (its savepoint) or fail the whole batch. So each one is
//! noted here first and reaches the `parrain_activities_total` counter only
//! once its batch has committed. Only the writer thread records activities,
//! so a thread-local list is all the bookkeeping needed.

use std::cell::RefCell;

thread_local! {
    static PENDING: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

/// Notes an activity of type `kind` written in the open transaction.
pub(crate) fn activity(kind: &'static str) {
    PENDING.with(|p| p.borrow_mut().push(kind));
}

/// Where a write starts, to forget its activities if it is rolled back.
pub(crate) fn mark() -> usize {
    PENDING.with(|p| p.borrow().len())
}

/// Forgets the activities noted since `mark` (their savepoint rolled back).
pub(crate) fn rollback_to(mark: usize) {
    PENDING.with(|p| p.borrow_mut().truncate(mark));
}

/// The transaction committed: counts what it recorded.
pub(crate) fn commit() {
    for kind in PENDING.with(|p| std::mem::take(&mut *p.borrow_mut())) {
        metrics::counter!("parrain_activities_total", "type" => kind).increment(1);
    }
}

/// The transaction failed: nothing it recorded happened.
pub(crate) fn discard() {
    PENDING.with(|p| p.borrow_mut().clear());
}
