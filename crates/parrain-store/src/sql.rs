//! The one SQL layer both engines implement, and the store operations
//! written once over it.
//!
//! A statement is written once, with SQLite's numbered placeholders (`?1`,
//! `?2`…; PostgreSQL's backend turns them into `$1`, `$2`…), its parameters
//! as [`Param`]s and its rows read back as [`Row`]s of typed cells. Each
//! engine adapts a parameter to its column: PostgreSQL asks the prepared
//! statement for the column's type (an `INTEGER` status, a `JSONB` payload),
//! SQLite stores what it is given. So a capability whose SQL is the same on
//! both engines is written once, as a blanket implementation over
//! [`Engine`] (`offers.rs`, `participants.rs`, `webhooks.rs`, …), and an
//! engine keeps only what truly differs: how a write is run (SQLite's single
//! writer thread; PostgreSQL's transactions run again on a conflict), how a
//! read gets its connection, and the few words of SQL the two dialects say
//! differently ([`Engine::json_int`], [`Engine::ROW_SEQ`], …).
//!
//! Rows are read two ways: as [`Row`]s, cells allocated one by one, which is
//! right for what an operator or a worker asks; or in place, through
//! [`Db::first`] and [`Db::all`], a closure handed each row as the engine
//! holds it ([`Get`]; SQLite's own rows, with no cell allocated), which is
//! how the statements every click and sign-up runs read theirs: the ledger's
//! primitives (`crate::flows::ledger`), written once like the rest.

use std::future::Future;

use parrain_core::Millis;
use serde_json::{Map, Value};

use crate::flows::LedgerTx;
use crate::{ApiKey, Audit, Result, StoreError};

/// A parameter of a statement.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Param<'a> {
    Text(Option<&'a str>),
    Int(Option<i64>),
    Bool(bool),
    /// For a JSON column (`TEXT` on SQLite, `JSONB` on PostgreSQL).
    Json(&'a Value),
    Bytes(Option<&'a [u8]>),
}

impl<'a> From<&'a str> for Param<'a> {
    fn from(text: &'a str) -> Self {
        Param::Text(Some(text))
    }
}

impl<'a> From<&'a String> for Param<'a> {
    fn from(text: &'a String) -> Self {
        Param::Text(Some(text))
    }
}

impl<'a> From<Option<&'a str>> for Param<'a> {
    fn from(text: Option<&'a str>) -> Self {
        Param::Text(text)
    }
}

impl From<i64> for Param<'_> {
    fn from(n: i64) -> Self {
        Param::Int(Some(n))
    }
}

impl From<Option<i64>> for Param<'_> {
    fn from(n: Option<i64>) -> Self {
        Param::Int(n)
    }
}

impl From<bool> for Param<'_> {
    fn from(b: bool) -> Self {
        Param::Bool(b)
    }
}

impl<'a> From<&'a Value> for Param<'a> {
    fn from(v: &'a Value) -> Self {
        Param::Json(v)
    }
}

/// One value read back, as the engine gave it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Bool(bool),
    Text(String),
    Bytes(Vec<u8>),
    Json(Value),
}

/// A row read back; its cells are taken by position, typed by the getter.
#[derive(Debug, Clone)]
pub(crate) struct Row(pub(crate) Vec<Cell>);

fn wrong(i: usize, wanted: &str, got: &Cell) -> StoreError {
    StoreError::database(format!("column {i}: expected {wanted}, found {got:?}"))
}

impl Row {
    fn cell(&self, i: usize) -> Result<&Cell> {
        self.0
            .get(i)
            .ok_or_else(|| StoreError::database(format!("no column {i}")))
    }

    pub(crate) fn opt_text(&self, i: usize) -> Result<Option<String>> {
        match self.cell(i)? {
            Cell::Null => Ok(None),
            Cell::Text(t) => Ok(Some(t.clone())),
            Cell::Bytes(b) => Ok(Some(String::from_utf8_lossy(b).into_owned())),
            got => Err(wrong(i, "text", got)),
        }
    }

    pub(crate) fn text(&self, i: usize) -> Result<String> {
        self.opt_text(i)?
            .ok_or_else(|| wrong(i, "text", &Cell::Null))
    }

    pub(crate) fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        match self.cell(i)? {
            Cell::Null => Ok(None),
            Cell::Int(n) => Ok(Some(*n)),
            Cell::Bool(b) => Ok(Some(i64::from(*b))),
            got => Err(wrong(i, "an integer", got)),
        }
    }

    pub(crate) fn int(&self, i: usize) -> Result<i64> {
        self.opt_int(i)?
            .ok_or_else(|| wrong(i, "an integer", &Cell::Null))
    }

    pub(crate) fn opt_bool(&self, i: usize) -> Result<Option<bool>> {
        match self.cell(i)? {
            Cell::Null => Ok(None),
            Cell::Bool(b) => Ok(Some(*b)),
            Cell::Int(n) => Ok(Some(*n != 0)),
            got => Err(wrong(i, "a boolean", got)),
        }
    }

    pub(crate) fn bool(&self, i: usize) -> Result<bool> {
        self.opt_bool(i)?
            .ok_or_else(|| wrong(i, "a boolean", &Cell::Null))
    }

    /// A JSON column: parsed from SQLite's text, as is from PostgreSQL's `JSONB`.
    pub(crate) fn opt_json(&self, i: usize) -> Result<Option<Value>> {
        match self.cell(i)? {
            Cell::Null => Ok(None),
            Cell::Json(v) => Ok(Some(v.clone())),
            Cell::Text(t) => Ok(Some(serde_json::from_str(t).map_err(crate::DbError::from)?)),
            got => Err(wrong(i, "JSON", got)),
        }
    }

    pub(crate) fn opt_bytes(&self, i: usize) -> Result<Option<Vec<u8>>> {
        match self.cell(i)? {
            Cell::Null => Ok(None),
            Cell::Bytes(b) => Ok(Some(b.clone())),
            Cell::Text(t) => Ok(Some(t.clone().into_bytes())),
            got => Err(wrong(i, "bytes", got)),
        }
    }
}

/// Statements run on one connection or in one transaction.
pub(crate) trait Db {
    /// Runs a statement; returns how many rows it changed.
    fn execute(&self, sql: &str, params: &[Param<'_>]) -> Result<u64>;
    /// Runs a statement; returns its rows.
    fn query(&self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Row>>;

    /// The first row, if any.
    fn query_opt(&self, sql: &str, params: &[Param<'_>]) -> Result<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// Whether the statement finds a row.
    fn exists(&self, sql: &str, params: &[Param<'_>]) -> Result<bool> {
        Ok(!self.query(sql, params)?.is_empty())
    }

    /// Runs a statement and hands `each` its rows one by one, as the engine
    /// holds them, until it answers `false`. By default through
    /// [`Db::query`]; SQLite reads its driver's rows in place.
    fn scan(
        &self,
        sql: &str,
        params: &[Param<'_>],
        each: &mut dyn FnMut(&dyn Get) -> Result<bool>,
    ) -> Result<()> {
        for row in self.query(sql, params)? {
            if !each(&row)? {
                break;
            }
        }
        Ok(())
    }

    /// The first row, if any, read by `read` without a cell allocated:
    /// what the statements every click and sign-up runs use.
    fn first<T>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        read: impl FnOnce(&dyn Get) -> Result<T>,
    ) -> Result<Option<T>>
    where
        Self: Sized,
    {
        let (mut read, mut found) = (Some(read), None);
        self.scan(sql, params, &mut |r| {
            found = read.take().map(|read| read(r)).transpose()?;
            Ok(false)
        })?;
        Ok(found)
    }

    /// Every row, each read by `read` as [`Db::first`] reads one.
    fn all<T>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        mut read: impl FnMut(&dyn Get) -> Result<T>,
    ) -> Result<Vec<T>>
    where
        Self: Sized,
    {
        let mut found = Vec::new();
        self.scan(sql, params, &mut |r| {
            found.push(read(r)?);
            Ok(true)
        })?;
        Ok(found)
    }
}

/// A row read in place, as [`Db::scan`] hands it: the engine's own row
/// (SQLite's), or a [`Row`].
pub(crate) trait Get {
    fn opt_text(&self, i: usize) -> Result<Option<String>>;
    fn opt_int(&self, i: usize) -> Result<Option<i64>>;

    fn text(&self, i: usize) -> Result<String> {
        self.opt_text(i)?
            .ok_or_else(|| wrong(i, "text", &Cell::Null))
    }

    fn int(&self, i: usize) -> Result<i64> {
        self.opt_int(i)?
            .ok_or_else(|| wrong(i, "an integer", &Cell::Null))
    }
}

impl Get for Row {
    fn opt_text(&self, i: usize) -> Result<Option<String>> {
        Row::opt_text(self, i)
    }

    fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        Row::opt_int(self, i)
    }
}

/// What an engine gives the operations written once: a write transaction,
/// which is also what the flows of `crate::flows` run in, a reader, and
/// the few words of SQL in which the engines differ.
pub(crate) trait Engine: Send + Sync + 'static {
    type Tx<'a>: Db + LedgerTx;
    type Read<'a>: Db + Sql;

    /// What ends the choice of the jobs a claim takes (see `job::claim`).
    const SKIP_LOCKED: &'static str;

    /// An offer's participant count, for a query over `offers o`
    /// (PostgreSQL adds the sign-ups its folder has not counted yet).
    const OFFER_PARTICIPANTS: &'static str;
    /// The column that orders offers, participants and people by creation
    /// (SQLite's `rowid`; PostgreSQL's own `seq`).
    const ROW_SEQ: &'static str;

    /// Whether a report reads `participants` through its `participants_top`
    /// index by name (SQLite's planner needs telling).
    const TOP_REFERRERS_INDEX: &'static str;

    /// What a report adds to the rows of `activity_hours` of offer `?1` for
    /// the hours between `?2` and `?3`: on PostgreSQL, `UNION ALL` the
    /// tallies its folder has not folded yet, in the same columns.
    const UNFOLDED_HOURS: &'static str;

    /// A condition: the JSON boolean at `key` of a JSON column's object is true.
    fn json_bool(column: &str, key: &str) -> String;

    /// An expression reading the integer at `path` in the JSON document `doc`.
    fn json_int(doc: &str, path: &[&str]) -> String;

    /// An expression reading the text at `key` of a JSON column's object.
    fn json_text(column: &str, key: &str) -> String;

    /// A condition: the text `needle` occurs in `haystack`.
    fn contains(haystack: &str, needle: &str) -> String;

    /// An expression reading a binary column as text.
    fn blob_text(column: &str) -> String;

    /// Holds the lock `key` until `tx` ends, so the writes that take it run
    /// one at a time over every process (PostgreSQL's advisory lock;
    /// SQLite's one writer needs none).
    fn lock(_tx: &Self::Tx<'_>, _key: i64) -> Result<()> {
        Ok(())
    }

    /// Whether [`Engine::find_key`] keeps the keys it finds (`Keys::keeps_keys`).
    const KEEPS_KEYS: bool = false;

    /// The valid API key whose hash is `hash`: read each time (SQLite's
    /// server keeps the keys itself); a PostgreSQL node keeps them.
    fn find_key(&self, hash: String) -> impl Future<Output = Result<Option<ApiKey>>> + Send {
        self.read_db(move |db| crate::keys::by_hash(db, &hash))
    }

    /// Runs `work`, which only reads, on one snapshot: on SQLite in a read
    /// transaction beside the writer; on PostgreSQL in a SERIALIZABLE one.
    fn snapshot_db<T, F>(&self, work: F) -> impl Future<Output = Result<T>> + Send
    where
        T: Send + 'static,
        F: Fn(&Self::Tx<'_>) -> Result<T> + Send + 'static;

    /// Runs `work` as one write: all of it or none, acknowledged once
    /// durable. PostgreSQL may run it again from the start after a
    /// conflict, so it must not act outside the transaction.
    fn write_db<T, F>(&self, work: F) -> impl Future<Output = Result<T>> + Send
    where
        T: Send + 'static,
        F: Fn(&Self::Tx<'_>) -> Result<T> + Send + 'static;

    /// Runs a request flow (a credit, a reward given or taken back): on
    /// SQLite like [`Engine::write_db`]; on PostgreSQL at READ COMMITTED
    /// through the node's cache, run again after a deadlock, a race on a
    /// unique key or a change to what the node keeps.
    fn write_flow_db<T, F>(&self, work: F) -> impl Future<Output = Result<T>> + Send
    where
        T: Send + 'static,
        F: Fn(&Self::Tx<'_>) -> Result<T> + Send + 'static;

    /// Runs a write that locks the rows it changes itself (claiming jobs):
    /// on SQLite like [`Engine::write_db`]; on PostgreSQL at READ COMMITTED.
    fn write_locked_db<T, F>(&self, work: F) -> impl Future<Output = Result<T>> + Send
    where
        T: Send + 'static,
        F: Fn(&Self::Tx<'_>) -> Result<T> + Send + 'static;

    /// Runs `work` on a connection that only reads.
    fn read_db<T, F>(&self, work: F) -> impl Future<Output = Result<T>> + Send
    where
        T: Send + 'static,
        F: FnOnce(&Self::Read<'_>) -> Result<T> + Send + 'static;

    /// Streams the people of one query of `crate::people` (its text
    /// parameters `args`), read in one snapshot, to an export.
    fn stream_people(&self, sql: String, args: Vec<String>) -> crate::PeopleExport;

    /// Records an activity a worker reports (with its webhooks), in `tx`.
    fn record_activity(
        tx: &Self::Tx<'_>,
        activity: &crate::NewActivity,
        now: Millis,
    ) -> Result<()> {
        let who = crate::flows::Who {
            offer: activity.offer_id.as_ref(),
            participant: activity.participant_id.as_ref(),
            person: activity.person_id.as_ref(),
            visitor: None,
        };
        tx.record(activity.kind, who, activity.details.clone(), now)
    }

    /// Wakes when jobs of `kind` are committed: by this process (SQLite's
    /// bell) or by any process on the database (PostgreSQL's notifications).
    fn jobs_bell(&self, kind: crate::JobKind) -> crate::JobsQueued;

    /// Called inside a write that changed an offer, so what the engine
    /// keeps of offers is read again (SQLite's writer keeps them; a
    /// PostgreSQL node learns it from the offers' version).
    fn offers_changed() {}

    /// Called inside a write that changed a webhook endpoint (SQLite's
    /// writer keeps the enabled ones; PostgreSQL's nodes learn it from
    /// the cache generation the table's trigger moves).
    fn webhooks_changed() {}
}

/// `work`, then its audit entry, in `work`'s transaction (the entry is
/// written only if `work` succeeds, and both are kept or neither; a
/// transaction run again writes it again with the change).
pub(crate) fn audited<E, T, F>(
    audit: Audit<T>,
    work: F,
) -> impl Fn(&E::Tx<'_>) -> Result<T> + Send + 'static
where
    E: Engine,
    T: 'static,
    F: Fn(&E::Tx<'_>) -> Result<T> + Send + 'static,
{
    move |tx| {
        let value = work(tx)?;
        if let Some(entry) = audit.for_value(&value) {
            crate::operators::insert_audit(tx, &entry)?;
        }
        Ok(value)
    }
}

/// Statements with text parameters and rows read by column name, for the
/// operations written once over a connection rather than an engine
/// (erasure and export, retention, imports, the flows' shared steps), with
/// the words of SQL its engine says its own way.
pub(crate) trait Sql: Db {
    type Engine: Engine;

    /// What a `SELECT` ends with to lock the rows it picks and pass over
    /// rows another transaction holds.
    const SKIP_LOCKED: &'static str = <Self::Engine as Engine>::SKIP_LOCKED;

    /// The names of the columns `sql` returns.
    fn columns(&self, sql: &str) -> Result<Vec<String>>;

    /// An expression reading a binary column as text.
    fn blob_text(column: &str) -> String {
        <Self::Engine as Engine>::blob_text(column)
    }

    /// An expression reading the text at `key` of a JSON column's object.
    fn json_text(column: &str, key: &str) -> String {
        <Self::Engine as Engine>::json_text(column, key)
    }

    /// [`Db::execute`] with text parameters.
    fn exec(&self, sql: &str, params: &[&str]) -> Result<u64> {
        self.execute(sql, &texts(params))
    }

    /// The first column of each row, as text.
    fn strings(&self, sql: &str, params: &[&str]) -> Result<Vec<String>> {
        self.query(sql, &texts(params))?
            .iter()
            .map(|r| r.text(0))
            .collect()
    }

    /// Rows by column name: JSON as JSON (a `fields` or `details` column
    /// kept as text is parsed), bytes as text.
    fn rows(&self, sql: &str, params: &[&str]) -> Result<Vec<Map<String, Value>>> {
        let names = self.columns(sql)?;
        let rows = self.query(sql, &texts(params))?;
        Ok(rows
            .into_iter()
            .map(|row| {
                names
                    .iter()
                    .zip(row.0)
                    .map(|(name, cell)| (name.clone(), json_value(name, cell)))
                    .collect()
            })
            .collect())
    }
}

fn texts<'a>(params: &[&'a str]) -> Vec<Param<'a>> {
    params.iter().map(|&p| Param::from(p)).collect()
}

/// A cell as JSON, for a row read by column name.
fn json_value(name: &str, cell: Cell) -> Value {
    match cell {
        Cell::Null => Value::Null,
        Cell::Int(n) => n.into(),
        Cell::Real(x) => x.into(),
        Cell::Bool(b) => b.into(),
        Cell::Text(t) if matches!(name, "fields" | "details") => {
            serde_json::from_str(&t).unwrap_or(Value::String(t))
        }
        Cell::Text(t) => t.into(),
        Cell::Bytes(b) => String::from_utf8_lossy(&b).into(),
        Cell::Json(v) => v,
    }
}
