//! Recording the clicks the click log holds (`clicks.rs`).
//!
//! A click used to be recorded in full (browser, activity and its indexes,
//! the hour's tally, attribution) before its redirect was answered. Now
//! the click log's thread answers it once the click is synced to the log,
//! and the writer records the log's rows later, in order, with the time
//! and browser id each click had, keeping the last one recorded in
//! `click_applied` in that same transaction: a row is recorded exactly once
//! whether the process dies before, during or after it.
//!
//! When is a click recorded (and seen by reads: reports, lists, the
//! participant's page)?
//! - before any other write runs: a batch holding anything but clicks
//!   records the log first, so every write sees every click answered
//!   before it, as if it had been recorded then (attribution, fraud checks
//!   and the daily cap give the same answers, in the same order);
//! - when [`DUE_AT`] clicks or [`DUE_AFTER`] have gone by since the oldest
//!   waiting one: the bound within which a read sees a click;
//! - when the store is opened, before anything is served.
//!
//! A run pays once what it can: one transaction, one read of the log (from
//! the memory of the log's thread when it holds the rows: `clicks.rs`) and
//! one update of `click_applied`, and one update of each hourly tally it
//! adds to (`tally.rs`) instead of one per click.
//!
//! The table `click_journal` in the database is recorded the same way
//! (its rows deleted as they are recorded): it holds the clicks an earlier
//! version answered, and a backup's clicks not yet recorded.

use std::time::{Duration, Instant};

use parrain_core::ids::VisitorId;
use parrain_core::Millis;
use r2d2_sqlite::rusqlite::Connection;

use crate::flows::{self, Seen};
use crate::{Result, StoreError};

use super::clicks::Marks;

/// Clicks waiting that make the writer record them before its next batch.
/// No redirect waits for a pass, but other writes arriving meanwhile do: a
/// pass of 512 clicks is about 30 million instructions of the writer's
/// (10 to 15 ms), and a larger one would hold them longer. 512 against 128:
/// redirects at 0.36 and 0.41 of the hello-world against 0.32
/// (BENCHMARKS.md, "Twelfth round").
pub(crate) const DUE_AT: i64 = 512;
/// Age of the oldest waiting click that makes the writer record the log.
pub(crate) const DUE_AFTER: Duration = Duration::from_millis(50);

/// Where clicks wait to be recorded.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// The click log, attached as `clicks`: rows past `click_applied`.
    Log,
    /// The database's own `click_journal`: every row, deleted once recorded.
    Table,
}

impl Source {
    /// The oldest 1,000 rows waiting. The limit is written into the
    /// statement: bound as a parameter, SQLite plans with its value, so it
    /// prepared the statement again at every run (BENCHMARKS.md, "Sixth
    /// round").
    fn oldest(self) -> &'static str {
        match self {
            Source::Log => {
                "SELECT seq, at, code, visitor_id, new_browser, channel, ip FROM clicks.journal
                 WHERE seq > (SELECT seq FROM main.click_applied) ORDER BY seq LIMIT 1000"
            }
            Source::Table => {
                "SELECT seq, at, code, visitor_id, new_browser, channel, ip FROM main.click_journal
                 ORDER BY seq LIMIT 1000"
            }
        }
    }

    /// Marks the rows up to `?1` recorded.
    fn forget(self) -> &'static str {
        match self {
            Source::Log => "UPDATE main.click_applied SET seq = ?1",
            Source::Table => "DELETE FROM main.click_journal WHERE seq <= ?1",
        }
    }
}

/// The last sequence number of the log the database has recorded (the
/// writer asks at every run, so the statement is kept prepared).
pub(crate) fn applied(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT seq FROM main.click_applied")?
        .query_row([], |r| r.get(0))?)
}

/// What the writer knows of the log between batches.
#[derive(Default)]
pub(crate) struct Backlog {
    /// When the writer first heard of a click still waiting.
    oldest: Option<Instant>,
}

impl Backlog {
    /// The log's thread synced clicks.
    pub(crate) fn logged(&mut self, marks: &Marks) {
        if marks.waiting() > 0 {
            self.oldest.get_or_insert_with(Instant::now);
        }
        metrics::gauge!("parrain_click_journal_waiting").set(marks.waiting() as f64);
    }

    /// The log was recorded up to where it was synced when the run began.
    pub(crate) fn recorded(&mut self, marks: &Marks) {
        self.oldest = (marks.waiting() > 0).then(Instant::now);
        metrics::gauge!("parrain_click_journal_waiting").set(marks.waiting() as f64);
    }

    /// Recording failed: try again after [`DUE_AFTER`].
    pub(crate) fn retry_later(&mut self) {
        self.oldest = Some(Instant::now());
    }

    /// The log must be recorded before the next batch.
    pub(crate) fn due(&self, marks: &Marks) -> bool {
        marks.waiting() >= DUE_AT || self.oldest.is_some_and(|at| at.elapsed() >= DUE_AFTER)
    }

    /// How long the writer may wait for work before recording the log.
    pub(crate) fn wait(&self) -> Option<Duration> {
        self.oldest.map(|at| DUE_AFTER.saturating_sub(at.elapsed()))
    }
}

/// A click waiting to be recorded, as the log holds it.
#[derive(Clone)]
pub(crate) struct Entry {
    pub(crate) seq: i64,
    pub(crate) at: Millis,
    pub(crate) code: String,
    pub(crate) visitor: VisitorId,
    pub(crate) new_browser: bool,
    pub(crate) channel: Option<String>,
    pub(crate) ip: Option<String>,
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

/// Records what `click_journal` and, when `log` is attached, the click log
/// hold, outside the writer (a file opened to be migrated, copied or backed
/// up): what it notes for the writer's metrics and cache is dropped. Each
/// in a transaction of its own: [`record_all`] may roll its transaction
/// back and begin it again, which must not undo the other's clicks.
pub(crate) fn record_pending(conn: &Connection, log: bool) -> Result<()> {
    let sources: &[Source] = if log {
        &[Source::Table, Source::Log]
    } else {
        &[Source::Table]
    };
    for &source in sources {
        let tx = conn.unchecked_transaction()?;
        let recorded = record_all(&tx, source, None);
        super::tally::discard();
        super::cache::forget_all();
        recorded?;
        tx.commit()?;
    }
    Ok(())
}

/// What a call of [`record_all`] recorded.
#[derive(Clone, Copy, Default)]
pub(crate) struct Recorded {
    pub(crate) clicks: usize,
    /// The last sequence number recorded (0 for none).
    pub(crate) last: i64,
}

impl Recorded {
    fn add(&mut self, clicks: usize, last: i64) {
        self.clicks += clicks;
        self.last = last;
    }
}

/// Records every click `source` holds, oldest first, in the open
/// transaction, and marks its rows recorded. The writer gives the log's
/// `marks`: the rows this process synced are then taken from memory
/// ([`Marks::fresh_after`]) instead of read back from the log's file.
///
/// The transaction must have written nothing else yet: every caller begins
/// it for this (`record_pending`, the writer's `record_log`, a batch's
/// `record_first`). A run is recorded without a savepoint of its own (its
/// undo copies of each page were about 4 % of the writer's work per click:
/// BENCHMARKS.md, "Sixth round"); if the ledger refuses a click, the whole
/// transaction is rolled back and begun again, and every click is recorded
/// alone in its own savepoint, the refused ones left out ([`record_alone`]).
/// A failure of the database itself is returned, and the caller rolls back.
pub(crate) fn record_all(
    conn: &Connection,
    source: Source,
    marks: Option<&Marks>,
) -> Result<Recorded> {
    let mark = super::tally::mark();
    let mut total = Recorded::default();
    loop {
        match record_run(conn, source, marks) {
            Ok(None) => return Ok(counted(total)),
            Ok(Some((done, last))) => total.add(done, last),
            Err(e) => {
                super::tally::rollback_to(mark);
                super::tally::drop_hours();
                super::cache::forget_all();
                if matches!(e, StoreError::Database(_)) {
                    return Err(e);
                }
                run(conn, "ROLLBACK")?;
                run(conn, "BEGIN IMMEDIATE")?;
                return record_each(conn, source, marks).map(counted);
            }
        }
    }
}

/// The most rows a run records: the `LIMIT` [`Source::oldest`]'s
/// statements write out.
const RUN: usize = 1000;

/// The oldest rows waiting in `source`, at most [`RUN`]: from memory when
/// `marks` holds every row past the last one recorded, else read from
/// `source`. Reading them back from the log's file was about 3,500
/// instructions a click of the writer's (BENCHMARKS.md, "Nineteenth
/// round").
fn oldest(conn: &Connection, source: Source, marks: Option<&Marks>) -> Result<Vec<Entry>> {
    if let (Source::Log, Some(marks)) = (source, marks) {
        if let Some(entries) = marks.fresh_after(applied(conn)?, RUN) {
            return Ok(entries);
        }
    }
    let entries = conn
        .prepare_cached(source.oldest())?
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

/// Marks the rows up to `last` recorded.
fn forget(conn: &Connection, source: Source, last: i64) -> Result<()> {
    conn.prepare_cached(source.forget())?.execute([last])?;
    Ok(())
}

/// Counts the clicks recorded once all are (a run undone and recorded
/// again, click by click, is counted once).
fn counted(recorded: Recorded) -> Recorded {
    metrics::counter!("parrain_clicks_recorded_total").increment(recorded.clicks as u64);
    recorded
}

/// Records a run of the oldest clicks waiting together; returns how many
/// and the last one's sequence number, `None` for none. On an error the
/// caller undoes what the run wrote.
fn record_run(
    conn: &Connection,
    source: Source,
    marks: Option<&Marks>,
) -> Result<Option<(usize, i64)>> {
    let entries = oldest(conn, source, marks)?;
    let Some(last) = entries.last().map(|e| e.seq) else {
        return Ok(None);
    };
    // The run's hourly tallies are written once per row, at its end.
    super::tally::defer_hours();
    let all = entries
        .iter()
        .try_for_each(|e| flows::record_click(conn, &e.seen(), e.at))
        .and_then(|()| super::tally::write_hours(conn));
    super::cache::end_write();
    all?;
    forget(conn, source, last)?;
    Ok(Some((entries.len(), last)))
}

/// Records every click waiting one at a time, each in its own savepoint,
/// after a run of them was refused.
fn record_each(conn: &Connection, source: Source, marks: Option<&Marks>) -> Result<Recorded> {
    let mut total = Recorded::default();
    loop {
        let entries = oldest(conn, source, marks)?;
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
        forget(conn, source, last)?;
        total.add(entries.len(), last);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A run from memory takes as many rows as one read from a file would.
    #[test]
    fn a_run_reads_at_most_run_rows_from_either_source() {
        for source in [Source::Log, Source::Table] {
            assert!(source.oldest().ends_with(&format!("LIMIT {RUN}")));
        }
    }
}
