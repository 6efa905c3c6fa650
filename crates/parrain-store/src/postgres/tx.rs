//! One write transaction, and running it again when PostgreSQL says so.
//!
//! The flows are synchronous and take `&self`, while a `postgres`
//! transaction needs `&mut`; [`PgTx`] holds it in a `RefCell` (each
//! primitive borrows it for one statement or two, never across a call back
//! into the flow). A transaction that fails with a serialization failure,
//! a deadlock or a unique violation is rolled back and the whole flow runs
//! again, up to [`MAX_ATTEMPTS`] times, after a short random pause.
//!
//! The statements every request runs are prepared once per connection
//! ([`Prep`], [`Sql`]) instead of parsed and planned on each call.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use parrain_core::ids::OfferId;

use postgres::types::ToSql;
use postgres::{Client, GenericClient, IsolationLevel, Row, Statement, Transaction};
use rand::Rng;

use crate::{Offer, Result, StoreError};

/// How many times a transaction is tried before its conflict is reported.
const MAX_ATTEMPTS: u32 = 40;

#[derive(Clone, Copy)]
pub(crate) enum Isolation {
    Serializable,
    ReadCommitted,
}

/// A connection's prepared statements, by their SQL.
pub(crate) type Statements = HashMap<String, Statement>;

/// A write transaction, as the flows and the store's own writes see it.
pub(crate) struct PgTx<'a> {
    tx: RefCell<Transaction<'a>>,
    statements: RefCell<&'a mut Statements>,
    pub(crate) memo: Memo,
}

/// What the flows read again and again within one transaction, read once:
/// the offers and the list of smart-list offers (a batch of events read
/// both for each of its events). No flow changes an offer, so the first
/// read stays true until the transaction ends.
#[derive(Default)]
pub(crate) struct Memo {
    pub(crate) offers: RefCell<HashMap<String, Arc<Offer>>>,
    pub(crate) smart_list: RefCell<Option<Vec<OfferId>>>,
}

impl<'a> PgTx<'a> {
    /// Runs `f` on the transaction.
    pub(crate) fn with<T>(&self, f: impl FnOnce(&mut Transaction<'a>) -> Result<T>) -> Result<T> {
        f(&mut self.tx.borrow_mut())
    }

    /// Runs `f` on the transaction through the connection's prepared statements.
    pub(crate) fn prep<T>(&self, f: impl FnOnce(&mut Prep<'_, 'a>) -> Result<T>) -> Result<T> {
        let mut tx = self.tx.borrow_mut();
        let mut statements = self.statements.borrow_mut();
        f(&mut Prep {
            tx: &mut tx,
            statements: &mut statements,
        })
    }
}

/// A transaction whose statements are prepared once per connection.
pub(crate) struct Prep<'p, 'a> {
    tx: &'p mut Transaction<'a>,
    statements: &'p mut Statements,
}

impl Prep<'_, '_> {
    fn statement(&mut self, sql: &str) -> std::result::Result<Statement, postgres::Error> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.tx.prepare(sql)?;
        self.statements.insert(sql.to_owned(), s.clone());
        Ok(s)
    }
}

type Params<'p> = &'p [&'p (dyn ToSql + Sync)];
type Sqlr<T> = std::result::Result<T, postgres::Error>;

/// The four ways statements run, prepared ([`Prep`]) or not (any client).
pub(crate) trait Sql {
    fn query(&mut self, sql: &str, params: Params<'_>) -> Sqlr<Vec<Row>>;
    fn query_opt(&mut self, sql: &str, params: Params<'_>) -> Sqlr<Option<Row>>;
    fn query_one(&mut self, sql: &str, params: Params<'_>) -> Sqlr<Row>;
    fn execute(&mut self, sql: &str, params: Params<'_>) -> Sqlr<u64>;
}

impl Sql for Prep<'_, '_> {
    fn query(&mut self, sql: &str, params: Params<'_>) -> Sqlr<Vec<Row>> {
        let s = self.statement(sql)?;
        self.tx.query(&s, params)
    }
    fn query_opt(&mut self, sql: &str, params: Params<'_>) -> Sqlr<Option<Row>> {
        let s = self.statement(sql)?;
        self.tx.query_opt(&s, params)
    }
    fn query_one(&mut self, sql: &str, params: Params<'_>) -> Sqlr<Row> {
        let s = self.statement(sql)?;
        self.tx.query_one(&s, params)
    }
    fn execute(&mut self, sql: &str, params: Params<'_>) -> Sqlr<u64> {
        let s = self.statement(sql)?;
        self.tx.execute(&s, params)
    }
}

impl<C: GenericClient> Sql for C {
    fn query(&mut self, sql: &str, params: Params<'_>) -> Sqlr<Vec<Row>> {
        GenericClient::query(self, sql, params)
    }
    fn query_opt(&mut self, sql: &str, params: Params<'_>) -> Sqlr<Option<Row>> {
        GenericClient::query_opt(self, sql, params)
    }
    fn query_one(&mut self, sql: &str, params: Params<'_>) -> Sqlr<Row> {
        GenericClient::query_one(self, sql, params)
    }
    fn execute(&mut self, sql: &str, params: Params<'_>) -> Sqlr<u64> {
        GenericClient::execute(self, sql, params)
    }
}

/// Runs `work` in a transaction until it commits, fails for good, or has
/// lost [`MAX_ATTEMPTS`] conflicts.
pub(crate) fn run<T>(
    client: &mut Client,
    statements: &mut Statements,
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
        let result = once(client, statements, level, work);
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
    statements: &mut Statements,
    level: IsolationLevel,
    work: &impl Fn(&PgTx<'_>) -> Result<T>,
) -> Result<T> {
    super::log::forget_recorded();
    let tx = client.build_transaction().isolation_level(level).start()?;
    let tx = PgTx {
        tx: RefCell::new(tx),
        statements: RefCell::new(statements),
        memo: Memo::default(),
    };
    // On an error the transaction is dropped, which rolls it back.
    let value = work(&tx)?;
    tx.tx.into_inner().commit().map_err(StoreError::from)?;
    super::log::count_recorded();
    Ok(value)
}

/// A random pause that grows with the attempt, so that the transactions that
/// collided do not collide again in lockstep.
fn pause(attempt: u32) {
    let ceiling = 1u64 << attempt.min(6);
    let millis = rand::rng().random_range(0..=ceiling);
    std::thread::sleep(Duration::from_millis(millis));
}
