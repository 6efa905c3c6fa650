//! The single writer, with group commit.
//!
//! SQLite allows one writer at a time, and a durable commit costs an fsync.
//! So one thread owns the write connection: it takes every write waiting in
//! its queue, runs each inside its own savepoint of one transaction, commits
//! once, and only then answers each caller. A write that fails rolls back to
//! its savepoint and leaves the others of the batch untouched. Callers are
//! answered after the commit, so an acknowledged write is on disk.
//!
//! A share link's click never comes here: the click log's thread answers it
//! (`clicks.rs`), tells the writer, and the writer records the log later
//! (`journal.rs` says when).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::thread;

use r2d2_sqlite::rusqlite::Connection;
use tokio::sync::oneshot;

use super::clicks::Marks;
use super::journal::{self, Backlog, Source};
use crate::{JobBell, Result, StoreError};

/// The most writes committed together.
const MAX_BATCH: usize = 512;

type Reply = Box<dyn FnOnce(Result<()>) + Send>;
type Work = Box<dyn FnOnce(&Connection) -> (bool, Reply) + Send>;

enum Job {
    Write(Work),
    /// The click log synced clicks.
    Logged,
}

#[derive(Clone)]
pub(crate) struct Writer {
    queue: mpsc::Sender<Job>,
}

impl Writer {
    /// Records what the click log (attached to `conn`) and `click_journal`
    /// hold (clicks answered before a crash), then starts the writer's
    /// thread; `bell` rings after each commit for the kinds of jobs it
    /// queued.
    pub(crate) fn start(conn: Connection, bell: JobBell, marks: Arc<Marks>) -> Result<Self> {
        let mut backlog = Backlog::default();
        marks
            .recorded
            .store(journal::applied(&conn)?, Ordering::Release);
        record_log(&conn, &bell, &marks, &mut backlog, Source::Table)?;
        record_log(&conn, &bell, &marks, &mut backlog, Source::Log)?;
        // Read on this thread, not the writer's.
        super::cache::forget_all();
        let (queue, inbox) = mpsc::channel::<Job>();
        thread::Builder::new()
            .name("parrain-writer".into())
            .spawn(move || run(conn, inbox, bell, marks, backlog))
            .map_err(|e| StoreError::database(format!("cannot start the writer: {e}")))?;
        Ok(Self { queue })
    }

    /// The click log synced clicks: the writer records them in time.
    pub(crate) fn clicks_logged(&self) {
        let _ = self.queue.send(Job::Logged);
    }

    /// Runs `work` in a transaction; returns once it is committed.
    pub(crate) async fn write<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: Work = Box::new(move |conn| {
            let result = catch_unwind(AssertUnwindSafe(|| work(conn)))
                .unwrap_or_else(|_| Err(StoreError::database("a write panicked")));
            let ok = result.is_ok();
            let reply: Reply = Box::new(move |committed| {
                let _ = tx.send(committed.and(result));
            });
            (ok, reply)
        });
        self.queue
            .send(Job::Write(job))
            .map_err(|_| StoreError::database("the writer has stopped"))?;
        rx.await
            .map_err(|_| StoreError::database("the writer has stopped"))?
    }
}

fn run(
    conn: Connection,
    inbox: mpsc::Receiver<Job>,
    bell: JobBell,
    marks: Arc<Marks>,
    mut backlog: Backlog,
) {
    loop {
        let first = match backlog.wait() {
            None => match inbox.recv() {
                Ok(job) => job,
                Err(_) => return,
            },
            Some(wait) => match inbox.recv_timeout(wait) {
                Ok(job) => job,
                Err(RecvTimeoutError::Timeout) => {
                    let _ = record_log(&conn, &bell, &marks, &mut backlog, Source::Log);
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return,
            },
        };
        let mut batch = Vec::new();
        let mut logged = false;
        let mut next = Some(first);
        while let Some(job) = next {
            match job {
                Job::Write(work) => batch.push(work),
                Job::Logged => logged = true,
            }
            next = (batch.len() < MAX_BATCH)
                .then(|| inbox.try_recv().ok())
                .flatten();
        }
        if logged {
            backlog.logged(&marks);
        }
        if batch.is_empty() {
            if backlog.due(&marks) {
                let _ = record_log(&conn, &bell, &marks, &mut backlog, Source::Log);
            }
            continue;
        }
        metrics::histogram!("parrain_store_commit_batch_size").record(batch.len() as f64);
        let started = std::time::Instant::now();
        let replies = commit_batch(&conn, batch, &marks, marks.waiting() > 0);
        metrics::histogram!("parrain_store_commit_seconds").record(started.elapsed());
        super::cache::published();
        let (committed, replies) = match replies {
            Ok((replies, recorded)) => {
                super::tally::commit(&bell);
                if recorded.last > 0 {
                    marks.recorded.store(recorded.last, Ordering::Release);
                    backlog.recorded(&marks);
                }
                (Ok(()), replies)
            }
            Err((e, replies)) => {
                super::tally::discard();
                super::cache::forget_all();
                (Err(e), replies)
            }
        };
        for reply in replies {
            reply(match &committed {
                Ok(()) => Ok(()),
                Err(e) => Err(StoreError::database(e.to_string())),
            });
        }
    }
}

/// Records what `source` holds in a transaction of its own.
fn record_log(
    conn: &Connection,
    bell: &JobBell,
    marks: &Marks,
    backlog: &mut Backlog,
    source: Source,
) -> Result<()> {
    super::tally::discard();
    let result = run_cached(conn, "BEGIN IMMEDIATE")
        .map_err(StoreError::from)
        .and_then(|()| journal::record_all(conn, source, Some(marks)))
        .and_then(|recorded| {
            run_cached(conn, "COMMIT")?;
            Ok(recorded)
        });
    match result {
        Ok(recorded) => {
            super::tally::commit(bell);
            if source == Source::Log && recorded.last > 0 {
                marks.recorded.store(recorded.last, Ordering::Release);
            }
            backlog.recorded(marks);
            Ok(())
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            super::tally::discard();
            super::cache::forget_all();
            tracing::error!(error = %e, "the click log could not be recorded; trying again");
            backlog.retry_later();
            Err(e)
        }
    }
}

type Failed = (StoreError, Vec<Reply>);

/// Runs a batch of writes in one transaction; answers the replies and what
/// it recorded of the click log. With `record_first`, the batch records
/// the log first: every click answered before the batch began. On failure
/// every reply gets the error; jobs that never ran are dropped, which their
/// callers also see as an error.
fn commit_batch(
    conn: &Connection,
    batch: Vec<Work>,
    marks: &Marks,
    record_first: bool,
) -> std::result::Result<(Vec<Reply>, journal::Recorded), Failed> {
    let mut replies = Vec::with_capacity(batch.len());
    let mut recorded = journal::Recorded::default();
    super::tally::discard();
    if let Err(e) = run_cached(conn, "BEGIN IMMEDIATE") {
        return Err((e.into(), replies));
    }
    if record_first {
        match journal::record_all(conn, Source::Log, Some(marks)) {
            Ok(done) => recorded = done,
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err((e, replies));
            }
        }
    }
    for job in batch {
        if let Err(e) = run_cached(conn, "SAVEPOINT w") {
            let _ = conn.execute_batch("ROLLBACK");
            return Err((e.into(), replies));
        }
        let mark = super::tally::mark();
        let (ok, reply) = job(conn);
        super::cache::end_write();
        if !ok {
            super::tally::rollback_to(mark);
            super::cache::forget_all();
        }
        replies.push(reply);
        let end = if ok {
            run_cached(conn, "RELEASE w")
        } else {
            conn.execute_batch("ROLLBACK TO w; RELEASE w")
        };
        if let Err(e) = end {
            let _ = conn.execute_batch("ROLLBACK");
            return Err((e.into(), replies));
        }
    }
    match run_cached(conn, "COMMIT") {
        Ok(()) => Ok((replies, recorded)),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err((e.into(), replies))
        }
    }
}

/// Runs a statement the writer runs for every write, prepared once.
fn run_cached(conn: &Connection, sql: &str) -> r2d2_sqlite::rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(drop)
}
