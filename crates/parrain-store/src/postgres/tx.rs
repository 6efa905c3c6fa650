//! One write transaction, and running it again when PostgreSQL says so.
//!
//! The flows are synchronous and take `&self`, while a `postgres`
//! transaction needs `&mut`; [`PgTx`] holds it in a `RefCell` (each
//! primitive borrows it for one statement or two, never across a call back
//! into the flow). A transaction that fails with a serialization failure,
//! a deadlock or a unique violation is rolled back and the whole flow runs
//! again, up to [`MAX_ATTEMPTS`] times, after a short random pause.

use std::cell::RefCell;
use std::time::Duration;

use postgres::{Client, IsolationLevel, Transaction};
use rand::Rng;

use crate::{Result, StoreError};

/// How many times a transaction is tried before its conflict is reported.
const MAX_ATTEMPTS: u32 = 40;

#[derive(Clone, Copy)]
pub(crate) enum Isolation {
    Serializable,
    ReadCommitted,
}

/// A write transaction, as the flows and the store's own writes see it.
pub(crate) struct PgTx<'a>(RefCell<Transaction<'a>>);

impl<'a> PgTx<'a> {
    /// Runs `f` on the transaction.
    pub(crate) fn with<T>(&self, f: impl FnOnce(&mut Transaction<'a>) -> Result<T>) -> Result<T> {
        f(&mut self.0.borrow_mut())
    }
}

/// Runs `work` in a transaction until it commits, fails for good, or has
/// lost [`MAX_ATTEMPTS`] conflicts.
pub(crate) fn run<T>(
    client: &mut Client,
    isolation: Isolation,
    work: &impl Fn(&PgTx<'_>) -> Result<T>,
) -> Result<T> {
    let level = match isolation {
        Isolation::Serializable => IsolationLevel::Serializable,
        Isolation::ReadCommitted => IsolationLevel::ReadCommitted,
    };
    let mut attempt = 0;
    loop {
        attempt += 1;
        let result = once(client, level, work);
        match result {
            Err(e) if e.is_transient() && attempt < MAX_ATTEMPTS => {
                tracing::debug!(attempt, error = %e, "transaction conflict; running it again");
                pause(attempt);
            }
            Err(e) if e.is_transient() => {
                tracing::warn!(attempt, error = %e, "transaction kept conflicting; giving up");
                return Err(e);
            }
            other => return other,
        }
    }
}

fn once<T>(
    client: &mut Client,
    level: IsolationLevel,
    work: &impl Fn(&PgTx<'_>) -> Result<T>,
) -> Result<T> {
    let tx = client.build_transaction().isolation_level(level).start()?;
    let tx = PgTx(RefCell::new(tx));
    // On an error the transaction is dropped, which rolls it back.
    let value = work(&tx)?;
    tx.0.into_inner().commit().map_err(StoreError::from)?;
    Ok(value)
}

/// A random pause that grows with the attempt, so that the transactions that
/// collided do not collide again in lockstep.
fn pause(attempt: u32) {
    let ceiling = 1u64 << attempt.min(6);
    let millis = rand::rng().random_range(0..=ceiling);
    std::thread::sleep(Duration::from_millis(millis));
}
