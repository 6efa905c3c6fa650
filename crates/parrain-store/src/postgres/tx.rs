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

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use parrain_core::attribution::Touch;
use parrain_core::ids::{OfferId, PersonId, VisitorId};

use postgres::types::ToSql;
use postgres::{Client, GenericClient, IsolationLevel, Row, Statement, Transaction};
use rand::Rng;

use super::cache::{Fill, NodeCache};
use crate::{DbError, Offer, Result, StoreError};

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
    /// The node's cache, for the request flows (see [`super::cache`]).
    pub(crate) cache: Option<&'a NodeCache>,
    /// The generation of what this transaction took from the cache or
    /// read for it, if anything.
    used: Cell<Option<i64>>,
    /// The generation a statement of this transaction last read.
    seen: Cell<Option<i64>>,
    /// What it read for the cache, kept once it commits.
    fills: RefCell<Vec<Fill>>,
}

/// What the flows read again and again within one transaction, read once:
/// the offers and the list of smart-list offers (a batch of events read
/// both for each of its events). No flow changes an offer, so the first
/// read stays true until the transaction ends. And the browser the
/// transaction has just written, with its person as that write left it
/// (a visit asks for it twice more). And, for a visit that touches the
/// browser and then looks for its referrer, the attribution it last read or
/// wrote and the owners of the participants it has read (which never
/// change). And what a batch of server events asks, read for all its
/// events at once (`super::batch`).
#[derive(Default)]
pub(crate) struct Memo {
    pub(crate) offers: RefCell<HashMap<String, Arc<Offer>>>,
    pub(crate) smart_list: RefCell<Option<Vec<OfferId>>>,
    pub(crate) visitor: RefCell<Option<(VisitorId, Option<PersonId>)>>,
    #[allow(clippy::type_complexity)]
    pub(crate) attribution: RefCell<Option<((OfferId, VisitorId), Option<Touch<String>>)>>,
    pub(crate) owners: RefCell<HashMap<String, (PersonId, Option<VisitorId>)>>,
    /// What a batch of server events read at once (see `super::batch`).
    pub(crate) batch: RefCell<Option<super::batch::Batch>>,
    /// What a credit check read of its referrer (see `super::ledger`).
    pub(crate) credit: super::ledger::CreditMemo,
    /// Rows kept for the transaction's end (see `super::appends`).
    pub(crate) appends: RefCell<super::appends::Appends>,
    /// A write held for the next statement (see `super::appends::Held`).
    pub(crate) held: RefCell<Option<super::appends::Held>>,
}

impl Memo {
    /// The next flow of a group starts: what one flow wrote of a browser is
    /// not the next one's to trust (the offers and owners never change).
    pub(crate) fn next_flow(&self) {
        self.visitor.take();
        self.attribution.take();
        self.credit.next_flow();
    }
}

impl<'a> PgTx<'a> {
    /// The transaction uses something of the cache's `generation`.
    pub(crate) fn uses(&self, generation: i64) -> Result<()> {
        let clash = |other: Option<i64>| other.is_some_and(|g| g != generation);
        if clash(self.used.get()) || clash(self.seen.get()) {
            return Err(self.stale(generation.max(self.seen.get().unwrap_or(0))));
        }
        self.used.set(Some(generation));
        Ok(())
    }

    /// A statement of the transaction read the current `generation`.
    pub(crate) fn saw(&self, generation: i64) -> Result<()> {
        self.seen.set(Some(generation));
        match self.used.get() {
            Some(used) if used != generation => Err(self.stale(generation)),
            _ => Ok(()),
        }
    }

    /// Keeps `fill`, read under `generation`, once the transaction commits.
    pub(crate) fn fill(&self, generation: i64, fill: Fill) -> Result<()> {
        self.saw(generation)?;
        self.uses(generation)?;
        self.fills.borrow_mut().push(fill);
        Ok(())
    }

    /// The request was let in on the kept key with this hash
    /// (`crate::trust`): the transaction uses it like anything else kept,
    /// or, once the cache has forgotten it, reads it afresh.
    pub(crate) fn trusts_key(&self, hash: &str) -> Result<()> {
        if let Some((_, generation)) = self.cache.and_then(|cache| cache.key(hash)) {
            return self.uses(generation);
        }
        let row = self.prep(|t| {
            Ok(t.query_opt(
                "SELECT (SELECT generation FROM cache_generation)
                 FROM api_keys WHERE hash = $1 AND revoked_at IS NULL",
                &[&hash],
            )?)
        })?;
        match row {
            Some(row) => self.saw(row.get(0)),
            None => Err(StoreError::KeyRefused),
        }
    }

    fn stale(&self, generation: i64) -> StoreError {
        if let Some(cache) = self.cache {
            cache.saw(generation);
        }
        StoreError::Database(DbError::Stale)
    }

    /// Before commit: what the transaction used of the cache is still what
    /// the database holds, read in this transaction if no statement did.
    fn verify(&self) -> Result<()> {
        let Some(used) = self.used.get() else {
            return Ok(());
        };
        if self.seen.get() != Some(used) {
            let generation: i64 = self.prep(|t| {
                Ok(t.query_one("SELECT generation FROM cache_generation", &[])?
                    .get(0))
            })?;
            self.saw(generation)?;
        }
        Ok(())
    }

    /// Runs `f` on the transaction, after the write it holds, if any.
    pub(crate) fn with<T>(&self, f: impl FnOnce(&mut Transaction<'a>) -> Result<T>) -> Result<T> {
        self.release_held()?;
        f(&mut self.tx.borrow_mut())
    }

    /// Runs `f` on the transaction through the connection's prepared
    /// statements, after the write it holds, if any.
    pub(crate) fn prep<T>(&self, f: impl FnOnce(&mut Prep<'_, 'a>) -> Result<T>) -> Result<T> {
        self.release_held()?;
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
    pub(crate) fn statement(
        &mut self,
        sql: &str,
    ) -> std::result::Result<Statement, postgres::Error> {
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
    cache: Option<&NodeCache>,
    work: &impl Fn(&PgTx<'_>) -> Result<T>,
) -> Result<T> {
    let level = match isolation {
        Isolation::Serializable => IsolationLevel::Serializable,
        Isolation::ReadCommitted => IsolationLevel::ReadCommitted,
    };
    let mut attempt = 0;
    loop {
        attempt += 1;
        let result = once(client, statements, level, cache, work);
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

/// One attempt at `work` in one transaction (see [`run`]).
pub(crate) fn once<T>(
    client: &mut Client,
    statements: &mut Statements,
    level: IsolationLevel,
    cache: Option<&NodeCache>,
    work: &impl Fn(&PgTx<'_>) -> Result<T>,
) -> Result<T> {
    super::log::forget_recorded();
    let tx = client.build_transaction().isolation_level(level).start()?;
    let tx = PgTx {
        tx: RefCell::new(tx),
        statements: RefCell::new(statements),
        memo: Memo::default(),
        cache,
        used: Cell::new(None),
        seen: Cell::new(None),
        fills: RefCell::new(Vec::new()),
    };
    let value = match work(&tx) {
        Ok(value) => value,
        Err(e) => {
            // An answer decided on what the node keeps (an offer not live,
            // say) must be as fresh as a success: once the transaction is
            // rolled back, the generation is read again.
            let used = tx.used.get();
            drop(tx);
            if let (Some(cache), Some(used), false) = (cache, used, e.is_transient()) {
                let now: i64 = client
                    .query_one("SELECT generation FROM cache_generation", &[])?
                    .get(0);
                if now != used {
                    cache.saw(now);
                    return Err(StoreError::Database(DbError::Stale));
                }
            }
            return Err(e);
        }
    };
    tx.write_appends()?;
    tx.verify()?;
    let PgTx {
        tx: inner,
        seen,
        fills,
        ..
    } = tx;
    inner.into_inner().commit().map_err(StoreError::from)?;
    super::log::count_recorded();
    if let (Some(cache), Some(generation)) = (cache, seen.get()) {
        cache.keep(generation, fills.into_inner());
    }
    Ok(value)
}

/// A random pause that grows with the attempt, so that the transactions that
/// collided do not collide again in lockstep.
fn pause(attempt: u32) {
    let ceiling = 1u64 << attempt.min(6);
    let millis = rand::rng().random_range(0..=ceiling);
    std::thread::sleep(Duration::from_millis(millis));
}
