//! The click journal: a share link's click is durable once appended.
//!
//! A click used to be recorded in full (browser, activity and its indexes,
//! the hour's tally, attribution) in its own savepoint before its redirect
//! was answered. Now the writer only finds where the link goes and appends
//! the click to `click_journal` (one row, no secondary index) in the
//! group-committed transaction whose fsync the redirect waits for. The same
//! writer thread records the journal's rows later, in order, with the time
//! and browser id each click had, and deletes them in that same
//! transaction: a row is recorded exactly once whether the process dies
//! before, during or after it.
//!
//! When is a click recorded (and seen by reads: reports, lists, the
//! participant's page)?
//! - before any other write runs: a batch holding anything but clicks
//!   records the journal first, so every write sees every click answered
//!   before it, as if it had been recorded then (attribution, fraud checks
//!   and the daily cap give the same answers, in the same order);
//! - when [`DUE_AT`] clicks or [`DUE_AFTER`] have gone by since the oldest
//!   waiting one: the bound within which a read sees a click. Recording a
//!   run of clicks together costs one transaction, one read of the journal
//!   and one delete for the whole run;
//! - when the store is opened, before anything is served.
//!
//! A run pays once what it can: one transaction, one read and one delete
//! of the journal, and one update of each hourly tally it adds to
//! (`tally.rs`) instead of one per click.

use std::time::{Duration, Instant};

use parrain_core::ids::VisitorId;
use parrain_core::Millis;
use r2d2_sqlite::rusqlite::{params, Connection};
use tokio::sync::oneshot;

use crate::flows::{self, Seen};
use crate::{Click, Clicked, Result, StoreError};

/// Clicks waiting that make the writer record them before its next batch.
/// Clicks arriving meanwhile wait for the pass, so it is kept short: at
/// 1,000 a pass held redirects for tens of milliseconds (BENCHMARKS.md).
pub(crate) const DUE_AT: usize = 128;
/// Age of the oldest waiting click that makes the writer record the journal.
pub(crate) const DUE_AFTER: Duration = Duration::from_millis(50);
/// The rows recorded in one pass: the journal's oldest 1,000.
const RUN_SQL: &str = "SELECT seq, at, code, visitor_id, new_browser, channel, ip
                       FROM click_journal ORDER BY seq LIMIT 1000";

/// A click handed to the writer, with the browser id it will answer with.
pub(crate) struct ClickJob {
    pub(crate) click: Click,
    pub(crate) visitor: VisitorId,
    pub(crate) now: Millis,
    pub(crate) reply: oneshot::Sender<Result<Option<Clicked>>>,
}

impl ClickJob {
    fn seen<'a>(&'a self, clicked: &'a Clicked, ip: Option<&'a str>) -> Seen<'a> {
        Seen {
            code: &clicked.code,
            channel: self.click.channel.as_deref(),
            visitor: &self.visitor,
            new_browser: self.click.visitor_id.is_none(),
            ip,
        }
    }

    /// Appends the click to the journal; `None` for an unknown code
    /// (nothing appended).
    pub(crate) fn append(&self, conn: &Connection) -> Result<Option<Clicked>> {
        let Some(clicked) = flows::follow(conn, &self.click.code, self.visitor.clone())? else {
            return Ok(None);
        };
        let ip = flows::client_ip(self.click.ip);
        let seen = self.seen(&clicked, ip.as_deref());
        conn.prepare_cached(
            "INSERT INTO click_journal (at, code, visitor_id, new_browser, channel, ip)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            self.now,
            seen.code,
            seen.visitor.as_str(),
            seen.new_browser,
            seen.channel,
            seen.ip
        ])?;
        Ok(Some(clicked))
    }
}

/// What the writer knows of the journal between batches.
pub(crate) struct Backlog {
    pub(crate) waiting: usize,
    oldest: Option<Instant>,
}

impl Backlog {
    /// The journal as the file has it (after a crash: the unrecorded tail).
    pub(crate) fn of(conn: &Connection) -> Result<Self> {
        let waiting: i64 = conn
            .prepare_cached("SELECT count(*) FROM click_journal")?
            .query_row([], |r| r.get(0))?;
        Ok(Self {
            waiting: waiting as usize,
            oldest: (waiting > 0).then(Instant::now),
        })
    }

    pub(crate) fn appended(&mut self, clicks: usize) {
        if clicks > 0 {
            self.waiting += clicks;
            self.oldest.get_or_insert_with(Instant::now);
            metrics::gauge!("parrain_click_journal_waiting").set(self.waiting as f64);
        }
    }

    pub(crate) fn cleared(&mut self) {
        self.waiting = 0;
        self.oldest = None;
        metrics::gauge!("parrain_click_journal_waiting").set(0.0);
    }

    /// Recording failed: try again after [`DUE_AFTER`].
    pub(crate) fn retry_later(&mut self) {
        self.oldest = Some(Instant::now());
    }

    /// The journal must be recorded before the next batch.
    pub(crate) fn due(&self) -> bool {
        self.waiting >= DUE_AT || self.oldest.is_some_and(|at| at.elapsed() >= DUE_AFTER)
    }

    /// How long the writer may wait for work before recording the journal.
    pub(crate) fn wait(&self) -> Option<Duration> {
        self.oldest.map(|at| DUE_AFTER.saturating_sub(at.elapsed()))
    }
}

struct Entry {
    seq: i64,
    at: Millis,
    code: String,
    visitor: VisitorId,
    new_browser: bool,
    channel: Option<String>,
    ip: Option<String>,
}

impl Entry {
    fn seen(&self) -> Seen<'_> {
        Seen {
            code: &self.code,
            channel: self.channel.as_deref(),
            visitor: &self.visitor,
            new_browser: self.new_browser,
            ip: self.ip.as_deref(),
        }
    }
}

/// Records what the journal holds in a transaction of its own, outside the
/// writer (a file opened to be copied): what it notes for the writer's
/// metrics and cache is dropped.
pub(crate) fn record_pending(conn: &Connection) -> Result<usize> {
    let tx = conn.unchecked_transaction()?;
    let recorded = record_all(&tx);
    super::tally::discard();
    super::cache::forget_all();
    let recorded = recorded?;
    tx.commit()?;
    Ok(recorded)
}

/// Records every click of the journal, oldest first, in the open
/// transaction, and deletes its rows; returns how many were recorded.
///
/// The transaction must have written nothing else yet: every caller begins
/// it for this (`record_pending`, the writer's `record_journal`, a batch's
/// `record_first`). A run is recorded without a savepoint of its own (its
/// undo copies of each page were about 4 % of the writer's work per click:
/// BENCHMARKS.md, "Sixth round"); if the ledger refuses a click, the whole
/// transaction is rolled back and begun again, and every click is recorded
/// alone in its own savepoint, the refused ones left out ([`record_alone`]).
/// A failure of the database itself is returned, and the caller rolls back.
pub(crate) fn record_all(conn: &Connection) -> Result<usize> {
    let mark = super::tally::mark();
    let mut total = 0;
    loop {
        match record_run(conn) {
            Ok(0) => return Ok(counted(total)),
            Ok(done) => total += done,
            Err(e) => {
                super::tally::rollback_to(mark);
                super::tally::drop_hours();
                super::cache::forget_all();
                if matches!(e, StoreError::Database(_)) {
                    return Err(e);
                }
                run(conn, "ROLLBACK")?;
                run(conn, "BEGIN IMMEDIATE")?;
                return record_each(conn).map(counted);
            }
        }
    }
}

/// The journal's oldest rows, at most 1,000.
fn oldest(conn: &Connection) -> Result<Vec<Entry>> {
    // The limit is written into the statement: bound as a parameter,
    // SQLite plans with its value, so it prepared the statement again at
    // every run (BENCHMARKS.md, "Sixth round").
    let entries = conn
        .prepare_cached(RUN_SQL)?
        .query_map([], |r| {
            Ok(Entry {
                seq: r.get(0)?,
                at: r.get(1)?,
                code: r.get(2)?,
                visitor: VisitorId::from_trusted(r.get::<_, String>(3)?),
                new_browser: r.get(4)?,
                channel: r.get(5)?,
                ip: r.get(6)?,
            })
        })?
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(entries)
}

/// Deletes the rows up to `last`, recorded.
fn forget(conn: &Connection, last: i64) -> Result<()> {
    conn.prepare_cached("DELETE FROM click_journal WHERE seq <= ?1")?
        .execute([last])?;
    Ok(())
}

/// Counts the clicks recorded once all are (a run undone and recorded
/// again, click by click, is counted once).
fn counted(recorded: usize) -> usize {
    metrics::counter!("parrain_clicks_recorded_total").increment(recorded as u64);
    recorded
}

/// Records a run of the journal's oldest clicks together; on an error the
/// caller undoes what the run wrote.
fn record_run(conn: &Connection) -> Result<usize> {
    let entries = oldest(conn)?;
    let Some(last) = entries.last().map(|e| e.seq) else {
        return Ok(0);
    };
    // The run's hourly tallies are written once per row, at its end.
    super::tally::defer_hours();
    let all = entries
        .iter()
        .try_for_each(|e| flows::record_click(conn, &e.seen(), e.at))
        .and_then(|()| super::tally::write_hours(conn));
    super::cache::end_write();
    all?;
    forget(conn, last)?;
    Ok(entries.len())
}

/// Records every click of the journal one at a time, each in its own
/// savepoint, after a run of them was refused.
fn record_each(conn: &Connection) -> Result<usize> {
    let mut total = 0;
    loop {
        let entries = oldest(conn)?;
        let Some(last) = entries.last().map(|e| e.seq) else {
            return Ok(total);
        };
        super::tally::defer_hours();
        let alone = entries
            .iter()
            .try_for_each(|entry| record_alone(conn, entry))
            .and_then(|()| super::tally::write_hours(conn));
        if let Err(e) = alone {
            super::tally::drop_hours();
            return Err(e);
        }
        forget(conn, last)?;
        total += entries.len();
    }
}

/// Records one click in its own savepoint, after a run of them failed. A
/// click the ledger refuses (not a failure of the database) is logged and
/// left out, so one bad row cannot hold every later click back.
fn record_alone(conn: &Connection, entry: &Entry) -> Result<()> {
    run(conn, "SAVEPOINT click")?;
    let mark = super::tally::mark();
    let result = flows::record_click(conn, &entry.seen(), entry.at);
    super::cache::end_write();
    match result {
        Ok(()) => {}
        Err(e @ StoreError::Database(_)) => {
            run(conn, "ROLLBACK TO click")?;
            run(conn, "RELEASE click")?;
            super::tally::rollback_to(mark);
            super::cache::forget_all();
            return Err(e);
        }
        Err(e) => {
            run(conn, "ROLLBACK TO click")?;
            super::tally::rollback_to(mark);
            super::cache::forget_all();
            tracing::error!(seq = entry.seq, code = %entry.code, error = %e, "a click could not be recorded");
            metrics::counter!("parrain_clicks_refused_total").increment(1);
        }
    }
    run(conn, "RELEASE click")?;
    Ok(())
}

fn run(conn: &Connection, sql: &str) -> Result<()> {
    conn.prepare_cached(sql)?.execute([])?;
    Ok(())
}
