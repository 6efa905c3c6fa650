//! The click log: a share link's click is durable once its group of clicks
//! is synced to a file of its own, and no redirect waits for the writer.
//!
//! The log is a second SQLite file beside the database (`parrain.db-clicks`,
//! one table, no index beside the sequence), written by one thread of its
//! own with group commit: it takes every click waiting, follows each link
//! (share code → offer → where it goes) on a read-only connection to the
//! database, with its own cache (`cache.rs` says how it learns of changed
//! offers), appends one row per known code, commits once with
//! `synchronous=FULL`, and only then answers the redirects.
//!
//! The writer records the log later (`journal.rs`), in order, and keeps
//! the last sequence number it recorded in `click_applied`, in the same
//! transaction as what it recorded; a row is recorded once whether the
//! process dies before, during or after. This thread then deletes the rows
//! the writer has recorded, in its next commit. Sequence numbers only grow:
//! they go on from the larger of the log's last row and the database's
//! last recorded one, so a log lost or replaced cannot hide a new click
//! behind an old number.
//!
//! The writer need not read the rows back from the file: this thread also
//! keeps the rows it synced in memory ([`Marks::fresh_after`]) until they
//! are recorded. The file is what makes a click durable; the writer reads
//! it only for rows memory does not hold (an earlier process's, or too
//! many waiting).

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{mpsc, Arc, Mutex, PoisonError};
use std::thread;

use parrain_core::ids::VisitorId;
use parrain_core::Millis;
use r2d2_sqlite::rusqlite::{params, Connection, OpenFlags, Statement};
use tokio::sync::oneshot;

use super::files::sibling;
use super::journal::Entry;
use super::writer::Writer;
use crate::flows;
use crate::{Click, Clicked, Result, StoreError};

/// The most clicks committed together.
const MAX_GROUP: usize = 512;
/// The most synced rows kept in memory for the writer (about 200 bytes
/// each); past it they are let go, and the writer reads them from the file.
const MAX_FRESH: usize = 65_536;

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS journal (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    code TEXT NOT NULL,
    visitor_id TEXT NOT NULL,
    new_browser INTEGER NOT NULL,
    channel TEXT,
    ip TEXT
)";

/// The click log of the database file `db`.
pub(crate) fn path_of(db: &Path) -> PathBuf {
    sibling(db, "-clicks")
}

/// How far the log and its recording have gone, shared by the log's thread
/// and the writer.
#[derive(Default)]
pub(crate) struct Marks {
    /// The last sequence number synced to the log: every click answered
    /// has one at most this.
    pub(crate) synced: AtomicI64,
    /// The last sequence number the writer has recorded and committed.
    pub(crate) recorded: AtomicI64,
    fresh: Mutex<Fresh>,
}

/// The rows the log's thread synced, oldest first, kept until recorded.
struct Fresh {
    /// Every row synced with a sequence number at least this is in `rows`
    /// or recorded (`i64::MAX`: none is known to be).
    from: i64,
    rows: VecDeque<Entry>,
}

impl Default for Fresh {
    fn default() -> Self {
        Self {
            from: i64::MAX,
            rows: VecDeque::new(),
        }
    }
}

impl Marks {
    /// Clicks answered and not yet recorded.
    pub(crate) fn waiting(&self) -> i64 {
        (self.synced.load(Ordering::Acquire) - self.recorded.load(Ordering::Acquire)).max(0)
    }

    /// The rows recorded and committed, let go.
    fn fresh(&self) -> std::sync::MutexGuard<'_, Fresh> {
        let recorded = self.recorded.load(Ordering::Acquire);
        let mut fresh = self.fresh.lock().unwrap_or_else(PoisonError::into_inner);
        while fresh.rows.front().is_some_and(|r| r.seq <= recorded) {
            fresh.rows.pop_front();
        }
        fresh
    }

    /// The log's thread synced `rows`, in order; its next row will be
    /// number `next`. Called before any of their clicks is answered.
    fn synced_rows(&self, rows: Vec<Entry>, next: i64) {
        let mut fresh = self.fresh();
        if fresh.rows.len() + rows.len() > MAX_FRESH {
            fresh.rows.clear();
            fresh.from = next;
        } else {
            fresh.rows.extend(rows);
        }
    }

    /// The log's thread starts: every row from number `next` on will be in
    /// memory.
    fn fresh_from(&self, next: i64) {
        self.fresh().from = next;
    }

    /// The oldest rows after number `applied` (the last one the database
    /// has recorded), at most `limit`; `None` if memory may not hold them
    /// all, for the writer to read the log's file instead.
    pub(crate) fn fresh_after(&self, applied: i64, limit: usize) -> Option<Vec<Entry>> {
        let fresh = self.fresh();
        if applied.saturating_add(1) < fresh.from {
            return None;
        }
        let start = fresh.rows.partition_point(|r| r.seq <= applied);
        if fresh.rows.get(start).is_some_and(|r| r.seq != applied + 1) {
            // A row is missing in between: the file has it.
            return None;
        }
        Some(fresh.rows.range(start..).take(limit).cloned().collect())
    }
}

/// Opens (creating it, private to its owner) the click log `path` for
/// writing, and brings its schema in; a log a crash left behind is
/// recovered by SQLite here, before anyone reads it.
pub(crate) fn open_log(path: &Path) -> Result<Connection> {
    let conn = super::open_private(path)?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}

/// Attaches the click log `path` to `conn`, read-only, as `clicks`; the
/// log must have been opened with [`open_log`] first (so a crash's log is
/// recovered). Read-only, the writer's `BEGIN IMMEDIATE` only reads it and
/// never holds back the log's thread.
pub(crate) fn attach(conn: &Connection, path: &Path) -> Result<()> {
    let uri = format!(
        "file:{}?mode=ro",
        path.to_string_lossy()
            .replace('%', "%25")
            .replace('?', "%3f")
            .replace('#', "%23")
    );
    conn.execute("ATTACH DATABASE ?1 AS clicks", [uri])?;
    Ok(())
}

/// The last sequence number the log holds.
pub(crate) fn last_seq(log: &Connection) -> Result<i64> {
    Ok(
        log.query_row("SELECT coalesce(max(seq), 0) FROM journal", [], |r| {
            r.get(0)
        })?,
    )
}

/// A click waiting in a log, as its row has it.
pub(crate) type Row = [r2d2_sqlite::rusqlite::types::Value; 7];

/// Every row the click log `path` holds, read in one snapshot; none if the
/// database has no log.
pub(crate) fn rows(path: &Path) -> Result<Vec<Row>> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let log = open_log(path)?;
    let rows = log
        .prepare(
            "SELECT seq, at, code, visitor_id, new_browser, channel, ip FROM journal ORDER BY seq",
        )?
        .query_map([], |r| {
            Ok([
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ])
        })?
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Hands the log's `rows` the database `conn` has not recorded over to its
/// `click_journal` (recorded next by [`super::journal::record_pending`]),
/// and marks them recorded from the log; returns how many.
pub(crate) fn hand_over(conn: &Connection, rows: &[Row]) -> Result<usize> {
    let tx = conn.unchecked_transaction()?;
    let applied = super::journal::applied(&tx)?;
    let mut handed = 0;
    let mut last = applied;
    for row in rows {
        let r2d2_sqlite::rusqlite::types::Value::Integer(seq) = row[0] else {
            continue;
        };
        if seq <= applied {
            continue;
        }
        tx.prepare_cached(
            "INSERT INTO click_journal (seq, at, code, visitor_id, new_browser, channel, ip)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(r2d2_sqlite::rusqlite::params_from_iter(row.iter()))?;
        last = last.max(seq);
        handed += 1;
    }
    tx.execute("UPDATE click_applied SET seq = ?1", [last])?;
    tx.commit()?;
    Ok(handed)
}

/// A click handed to the log's thread, with the browser id it will answer
/// with.
struct ClickJob {
    click: Click,
    visitor: VisitorId,
    now: Millis,
    reply: oneshot::Sender<Result<Option<Clicked>>>,
}

#[derive(Clone)]
pub(crate) struct ClickLog {
    queue: mpsc::Sender<ClickJob>,
}

impl ClickLog {
    /// Starts the log's thread on `log` (see [`open_log`]), which follows
    /// links on a read-only connection to `db`; `next` is the first
    /// sequence number to give. The writer hears of every group committed.
    pub(crate) fn start(
        log: Connection,
        db: &Path,
        next: i64,
        marks: Arc<Marks>,
        writer: Writer,
    ) -> Result<Self> {
        let main = Connection::open_with_flags(
            db,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        main.busy_timeout(std::time::Duration::from_secs(5))?;
        main.set_prepared_statement_cache_capacity(64);
        marks.fresh_from(next);
        let (queue, inbox) = mpsc::channel::<ClickJob>();
        let mut thread = Thread {
            log,
            main,
            marks,
            writer,
            next,
            trimmed: 0,
        };
        thread::Builder::new()
            .name("parrain-clicks".into())
            .spawn(move || thread.run(inbox))
            .map_err(|e| StoreError::database(format!("cannot start the click log: {e}")))?;
        Ok(Self { queue })
    }

    /// A share link's click: answered once it is synced to the log, with
    /// where it goes; `None` for an unknown code (nothing logged). The
    /// browser id is chosen here for a browser that brought none.
    pub(crate) async fn click(&self, click: Click, now: Millis) -> Result<Option<Clicked>> {
        let visitor = click.visitor_id.clone().unwrap_or_else(VisitorId::generate);
        let (reply, answer) = oneshot::channel();
        let job = ClickJob {
            click,
            visitor,
            now,
            reply,
        };
        self.queue.send(job).map_err(stopped)?;
        answer.await.map_err(stopped)?
    }
}

fn stopped<E>(_: E) -> StoreError {
    StoreError::database("the click log has stopped")
}

struct Thread {
    log: Connection,
    /// Read-only, on the database: where each link goes.
    main: Connection,
    marks: Arc<Marks>,
    writer: Writer,
    next: i64,
    /// The log holds no row at or below this.
    trimmed: i64,
}

impl Thread {
    fn run(&mut self, inbox: mpsc::Receiver<ClickJob>) {
        while let Ok(first) = inbox.recv() {
            let mut group = vec![first];
            while group.len() < MAX_GROUP {
                match inbox.try_recv() {
                    Ok(job) => group.push(job),
                    Err(_) => break,
                }
            }
            metrics::histogram!("parrain_click_log_group_size").record(group.len() as f64);
            let first_seq = self.next;
            let mut results = Vec::with_capacity(group.len());
            let mut rows = Vec::with_capacity(group.len());
            super::cache::catch_up();
            let committed = run(&self.log, "BEGIN IMMEDIATE")
                .and_then(|()| self.fill(&group, &mut results, &mut rows))
                .and_then(|()| run(&self.log, "COMMIT"));
            if let Err(e) = &committed {
                let _ = self.log.execute_batch("ROLLBACK");
                self.next = first_seq;
                tracing::error!(error = %e, "a group of clicks could not be logged");
                for job in group {
                    let _ = job.reply.send(Err(StoreError::database(e.to_string())));
                }
                continue;
            }
            if self.next > first_seq {
                self.marks.synced_rows(rows, self.next);
                self.marks.synced.store(self.next - 1, Ordering::Release);
                self.writer.clicks_logged();
            }
            for (job, result) in group.into_iter().zip(results) {
                let _ = job.reply.send(result);
            }
        }
    }

    /// Appends the group's known clicks, in the open transaction, and
    /// deletes the rows the writer has recorded since the last group;
    /// `results` gets one answer per click, `rows` each row appended. A
    /// failure of a file gives the group up: every click of it gets the
    /// error.
    fn fill(
        &mut self,
        group: &[ClickJob],
        results: &mut Vec<Result<Option<Clicked>>>,
        rows: &mut Vec<Entry>,
    ) -> Result<()> {
        // One statement for the whole group: taking it from the cache and
        // giving it back for each click was about a tenth of this thread's
        // work (BENCHMARKS.md, "Fifteenth round").
        let mut insert = self.log.prepare_cached(
            "INSERT INTO journal (seq, at, code, visitor_id, new_browser, channel, ip)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for job in group {
            let result = match append(&self.main, &mut insert, self.next, job) {
                Err(e @ StoreError::Database(_)) => return Err(e),
                Ok(Some((clicked, row))) => {
                    rows.push(row);
                    self.next += 1;
                    Ok(Some(clicked))
                }
                other => other.map(|_| None),
            };
            results.push(result);
        }
        drop(insert);
        let recorded = self.marks.recorded.load(Ordering::Acquire);
        if recorded > self.trimmed {
            self.log
                .prepare_cached("DELETE FROM journal WHERE seq <= ?1")?
                .execute([recorded])?;
            self.trimmed = recorded;
        }
        Ok(())
    }
}

/// Follows the click's link on `main` and appends it with `insert` as
/// number `seq`; `None` for an unknown code (nothing appended).
fn append(
    main: &Connection,
    insert: &mut Statement<'_>,
    seq: i64,
    job: &ClickJob,
) -> Result<Option<(Clicked, Entry)>> {
    let Some(clicked) = flows::follow(main, &job.click.code, job.visitor.clone())? else {
        return Ok(None);
    };
    let row = Entry {
        seq,
        at: job.now,
        code: clicked.code.clone(),
        visitor: job.visitor.clone(),
        new_browser: job.click.visitor_id.is_none(),
        channel: job.click.channel.clone(),
        ip: flows::client_ip(job.click.ip),
    };
    insert.execute(params![
        row.seq,
        row.at,
        row.code,
        row.visitor.as_str(),
        row.new_browser,
        row.channel,
        row.ip
    ])?;
    Ok(Some((clicked, row)))
}

fn run(conn: &Connection, sql: &str) -> Result<()> {
    conn.prepare_cached(sql)?.execute([])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(seq: i64) -> Entry {
        Entry {
            seq,
            at: 1_000 + seq,
            code: "ana-42".into(),
            visitor: VisitorId::from_trusted(format!("vis_{seq}")),
            new_browser: true,
            channel: None,
            ip: Some("203.0.113.7".into()),
        }
    }

    fn seqs(rows: Option<Vec<Entry>>) -> Option<Vec<i64>> {
        rows.map(|rows| rows.iter().map(|r| r.seq).collect())
    }

    #[test]
    fn the_writer_takes_from_memory_only_rows_it_holds_every_one_of() {
        let marks = Marks::default();
        // Before the log's thread starts, memory vouches for nothing.
        assert_eq!(seqs(marks.fresh_after(0, 10)), None);

        // Rows 1 to 4 were an earlier process's: only the file has them.
        marks.fresh_from(5);
        assert_eq!(seqs(marks.fresh_after(3, 10)), None);
        assert_eq!(seqs(marks.fresh_after(4, 10)), Some(vec![]));

        marks.synced_rows(vec![row(5), row(6), row(7)], 8);
        assert_eq!(seqs(marks.fresh_after(4, 10)), Some(vec![5, 6, 7]));
        assert_eq!(seqs(marks.fresh_after(5, 1)), Some(vec![6]));
        let seventh = marks.fresh_after(6, 10).unwrap();
        assert_eq!(seventh[0].visitor.as_str(), "vis_7");
        assert_eq!(seventh[0].at, 1_007);

        // Recorded and committed rows are let go; an earlier point is then
        // the file's to answer.
        marks.recorded.store(6, Ordering::Release);
        assert_eq!(seqs(marks.fresh_after(6, 10)), Some(vec![7]));
        assert_eq!(seqs(marks.fresh_after(5, 10)), None);
        assert_eq!(marks.fresh.lock().unwrap().rows.len(), 1);
    }

    #[test]
    fn too_many_rows_waiting_send_the_writer_back_to_the_file() {
        let marks = Marks::default();
        marks.fresh_from(1);
        marks.synced_rows((1..=3).map(row).collect(), 4);
        let many: Vec<_> = (4..4 + MAX_FRESH as i64).map(row).collect();
        let next = 4 + MAX_FRESH as i64;
        marks.synced_rows(many, next);
        assert_eq!(marks.fresh.lock().unwrap().rows.len(), 0);
        // Every row up to `next` is the file's; memory takes over after.
        assert_eq!(seqs(marks.fresh_after(0, 10)), None);
        assert_eq!(seqs(marks.fresh_after(next - 2, 10)), None);
        assert_eq!(seqs(marks.fresh_after(next - 1, 10)), Some(vec![]));
        marks.synced_rows(vec![row(next)], next + 1);
        assert_eq!(seqs(marks.fresh_after(next - 1, 10)), Some(vec![next]));
    }
}
