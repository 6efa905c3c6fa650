//! The single writer, with group commit.
//!
//! SQLite allows one writer at a time, and a durable commit costs an fsync.
//! So one thread owns the write connection: it takes every write waiting in
//! its queue, runs each inside its own savepoint of one transaction, commits
//! once, and only then answers each caller. A write that fails rolls back to
//! its savepoint and leaves the others of the batch untouched. Callers are
//! answered after the commit, so an acknowledged write is on disk.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::thread;

use r2d2_sqlite::rusqlite::Connection;
use tokio::sync::oneshot;

use crate::{JobBell, Result, StoreError};

/// The most writes committed together.
const MAX_BATCH: usize = 512;

type Reply = Box<dyn FnOnce(Result<()>) + Send>;
type Work = Box<dyn FnOnce(&Connection) -> (bool, Reply) + Send>;

#[derive(Clone)]
pub(crate) struct Writer {
    queue: mpsc::Sender<Work>,
}

impl Writer {
    /// Starts the writer's thread; `bell` rings after each commit for the
    /// kinds of jobs it queued.
    pub(crate) fn start(conn: Connection, bell: JobBell) -> Self {
        let (queue, inbox) = mpsc::channel::<Work>();
        thread::Builder::new()
            .name("parrain-writer".into())
            .spawn(move || run(conn, inbox, bell))
            .expect("the writer thread starts");
        Self { queue }
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
            .send(job)
            .map_err(|_| StoreError::database("the writer has stopped"))?;
        rx.await
            .map_err(|_| StoreError::database("the writer has stopped"))?
    }
}

fn run(conn: Connection, inbox: mpsc::Receiver<Work>, bell: JobBell) {
    while let Ok(first) = inbox.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match inbox.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        metrics::histogram!("parrain_store_commit_batch_size").record(batch.len() as f64);
        let started = std::time::Instant::now();
        let replies = commit_batch(&conn, batch);
        metrics::histogram!("parrain_store_commit_seconds").record(started.elapsed());
        match &replies {
            Ok(_) => super::tally::commit(&bell),
            Err(_) => {
                super::tally::discard();
                super::cache::forget_all();
            }
        }
        let (committed, replies) = match replies {
            Ok(replies) => (Ok(()), replies),
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

type Failed = (StoreError, Vec<Reply>);

/// Runs a batch in one transaction. On failure every reply gets the error;
/// jobs that never ran are dropped, which their callers also see as an error.
fn commit_batch(conn: &Connection, batch: Vec<Work>) -> std::result::Result<Vec<Reply>, Failed> {
    let mut replies = Vec::with_capacity(batch.len());
    super::tally::discard();
    if let Err(e) = run_cached(conn, "BEGIN IMMEDIATE") {
        return Err((e.into(), replies));
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
        Ok(()) => Ok(replies),
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
