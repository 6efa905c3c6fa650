//! The single writer, with group commit.
//!
//! SQLite allows one writer at a time, and a durable commit costs an fsync.
//! So one thread owns the write connection: it takes every write waiting in
//! its queue, runs each inside its own savepoint of one transaction, commits
//! once, and only then answers each caller. A write that fails rolls back to
//! its savepoint and leaves the others of the batch untouched. Callers are
//! answered after the commit, so an acknowledged write is on disk.
//!
//! A share link's click is the exception: it is appended to the click
//! journal (one statement, no savepoint), which the writer records later
//! (`journal.rs` says when).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;

use parrain_core::ids::VisitorId;
use parrain_core::Millis;
use r2d2_sqlite::rusqlite::Connection;
use tokio::sync::oneshot;

use super::journal::{self, Backlog, ClickJob};
use crate::{Click, Clicked, JobBell, Result, StoreError};

/// The most writes committed together.
const MAX_BATCH: usize = 512;

type Reply = Box<dyn FnOnce(Result<()>) + Send>;
type Work = Box<dyn FnOnce(&Connection) -> (bool, Reply) + Send>;

enum Job {
    Write(Work),
    Click(Box<ClickJob>),
}

#[derive(Clone)]
pub(crate) struct Writer {
    queue: mpsc::Sender<Job>,
}

impl Writer {
    /// Records what the click journal holds (clicks answered before a
    /// crash), then starts the writer's thread; `bell` rings after each
    /// commit for the kinds of jobs it queued.
    pub(crate) fn start(conn: Connection, bell: JobBell) -> Result<Self> {
        let mut backlog = Backlog::of(&conn)?;
        if backlog.waiting > 0 {
            record_journal(&conn, &bell, &mut backlog)?;
            // Read on this thread, not the writer's.
            super::cache::forget_all();
        }
        let (queue, inbox) = mpsc::channel::<Job>();
        thread::Builder::new()
            .name("parrain-writer".into())
            .spawn(move || run(conn, inbox, bell, backlog))
            .expect("the writer thread starts");
        Ok(Self { queue })
    }

    /// A share link's click: answered once it is in the click journal (or
    /// recorded in full, in a batch with other writes); the browser id is
    /// chosen here for a browser that brought none.
    pub(crate) async fn click(&self, click: Click, now: Millis) -> Result<Option<Clicked>> {
        let visitor = click.visitor_id.clone().unwrap_or_else(VisitorId::generate);
        let (reply, answer) = oneshot::channel();
        let job = ClickJob {
            click,
            visitor,
            now,
            reply,
        };
        self.queue
            .send(Job::Click(Box::new(job)))
            .map_err(|_| StoreError::database("the writer has stopped"))?;
        answer
            .await
            .map_err(|_| StoreError::database("the writer has stopped"))?
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

fn run(conn: Connection, inbox: mpsc::Receiver<Job>, bell: JobBell, mut backlog: Backlog) {
    loop {
        let first = match backlog.wait() {
            None => match inbox.recv() {
                Ok(job) => job,
                Err(_) => return,
            },
            Some(wait) => match inbox.recv_timeout(wait) {
                Ok(job) => job,
                Err(RecvTimeoutError::Timeout) => {
                    let _ = record_journal(&conn, &bell, &mut backlog);
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return,
            },
        };
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match inbox.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let clicks_only = batch.iter().all(|job| matches!(job, Job::Click(_)));
        if clicks_only && backlog.due() {
            let _ = record_journal(&conn, &bell, &mut backlog);
        }
        metrics::histogram!("parrain_store_commit_batch_size").record(batch.len() as f64);
        let started = std::time::Instant::now();
        let replies = commit_batch(&conn, batch, clicks_only, backlog.waiting > 0);
        metrics::histogram!("parrain_store_commit_seconds").record(started.elapsed());
        match &replies {
            Ok((_, appended)) => {
                super::tally::commit(&bell);
                if !clicks_only {
                    backlog.cleared();
                }
                backlog.appended(*appended);
            }
            Err(_) => {
                super::tally::discard();
                super::cache::forget_all();
            }
        }
        let (committed, replies) = match replies {
            Ok((replies, _)) => (Ok(()), replies),
            Err((e, replies)) => (Err(e), replies),
        };
        for reply in replies {
            reply(match &committed {
                Ok(()) => Ok(()),
                Err(e) => Err(StoreError::database(e.to_string())),
            });
        }
    }
}

/// Records the click journal in a transaction of its own.
fn record_journal(conn: &Connection, bell: &JobBell, backlog: &mut Backlog) -> Result<()> {
    super::tally::discard();
    let result = run_cached(conn, "BEGIN IMMEDIATE")
        .map_err(StoreError::from)
        .and_then(|()| journal::record_all(conn))
        .and_then(|_| run_cached(conn, "COMMIT").map_err(StoreError::from));
    match result {
        Ok(()) => {
            super::tally::commit(bell);
            backlog.cleared();
            Ok(())
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            super::tally::discard();
            super::cache::forget_all();
            tracing::error!(error = %e, "the click journal could not be recorded; trying again");
            backlog.retry_later();
            Err(e)
        }
    }
}

type Failed = (StoreError, Vec<Reply>);

/// Runs a batch in one transaction; answers the replies and how many clicks
/// it appended to the journal. A batch holding anything but clicks records
/// the journal first (`record_first`): every click answered before the
/// batch began. Its own clicks are appended like any other: they were sent
/// while its other writes were (neither waited for the other's answer), so
/// none of those writes can depend on them. On failure every reply gets the
/// error; jobs that never ran are dropped, which their callers also see as
/// an error.
fn commit_batch(
    conn: &Connection,
    batch: Vec<Job>,
    clicks_only: bool,
    record_first: bool,
) -> std::result::Result<(Vec<Reply>, usize), Failed> {
    let mut replies = Vec::with_capacity(batch.len());
    let mut appended = 0;
    super::tally::discard();
    if let Err(e) = run_cached(conn, "BEGIN IMMEDIATE") {
        return Err((e.into(), replies));
    }
    if !clicks_only && record_first {
        if let Err(e) = journal::record_all(conn) {
            let _ = conn.execute_batch("ROLLBACK");
            return Err((e, replies));
        }
    }
    for job in batch {
        let job = match job {
            Job::Click(click) => {
                // One statement: if it fails, it leaves nothing behind.
                let result = click.append(conn);
                super::cache::end_write();
                appended += matches!(result, Ok(Some(_))) as usize;
                replies.push(click_reply(*click, result));
                continue;
            }
            Job::Write(work) => work,
        };
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
        Ok(()) => Ok((replies, appended)),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err((e.into(), replies))
        }
    }
}

fn click_reply(click: ClickJob, result: Result<Option<Clicked>>) -> Reply {
    Box::new(move |committed| {
        let _ = click.reply.send(committed.and(result));
    })
}

/// Runs a statement the writer runs for every write, prepared once.
fn run_cached(conn: &Connection, sql: &str) -> r2d2_sqlite::rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(drop)
}
