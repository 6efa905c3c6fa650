//! A people export as one query read from start to end (a PostgreSQL
//! portal, a SQLite statement), handed to the HTTP layer a batch at a time.
//!
//! The query runs on a blocking thread holding its own connection; each
//! batch waits in a channel of [`AHEAD`] batches until the answer has taken
//! the previous ones, so the memory an export needs does not depend on how
//! many people it has, and the database reads each row once (a query per
//! page would plan and filter again from the start each time).

use std::time::Duration;

use tokio::sync::mpsc;

use crate::{Person, Result, StoreError};

/// People per batch: one read from the portal, one write to the connection.
const EXPORT_BATCH: usize = 500;

/// Batches read ahead of the answer.
const AHEAD: usize = 2;

/// How long a batch waits for the client to take the previous ones before
/// the export stops: a client that stopped reading must not keep a
/// connection (and, on PostgreSQL, a snapshot) for ever.
const STALLED: Duration = Duration::from_secs(120);

enum Batch {
    Rows(Vec<Person>),
    End,
    Failed(StoreError),
}

/// The batches of an export, newest person first.
pub struct PeopleExport {
    batches: mpsc::Receiver<Batch>,
}

impl PeopleExport {
    /// The next batch, `None` once every person was given. An error is the
    /// database's, or says the reading stopped before the end: a caller
    /// never takes an export cut short for a whole one.
    pub async fn next(&mut self) -> Result<Option<Vec<Person>>> {
        match self.batches.recv().await {
            Some(Batch::Rows(rows)) => Ok(Some(rows)),
            Some(Batch::End) => Ok(None),
            Some(Batch::Failed(e)) => Err(e),
            None => Err(StoreError::database("the export stopped before its end")),
        }
    }

    /// Starts `read` on a blocking thread; it hands rows to the
    /// [`ExportSender`] and returns once the query is read (or the sender
    /// says the answer is gone).
    pub(crate) fn start<F>(read: F) -> Self
    where
        F: FnOnce(&mut ExportSender) -> Result<()> + Send + 'static,
    {
        let (tx, batches) = mpsc::channel(AHEAD);
        let runtime = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || {
            let mut sender = ExportSender {
                tx,
                runtime,
                batch: Vec::with_capacity(EXPORT_BATCH),
                gone: false,
            };
            let done = read(&mut sender);
            sender.finish(done);
        });
        Self { batches }
    }
}

/// Where the reading thread puts rows.
pub(crate) struct ExportSender {
    tx: mpsc::Sender<Batch>,
    runtime: tokio::runtime::Handle,
    batch: Vec<Person>,
    gone: bool,
}

impl ExportSender {
    /// Adds a person; `false` once nobody takes the batches any more (the
    /// client went away or stalled), when the reading should stop.
    pub(crate) fn push(&mut self, person: Person) -> bool {
        self.batch.push(person);
        if self.batch.len() >= EXPORT_BATCH {
            let rows = std::mem::replace(&mut self.batch, Vec::with_capacity(EXPORT_BATCH));
            self.send(Batch::Rows(rows));
        }
        !self.gone
    }

    fn send(&mut self, batch: Batch) {
        if self.gone {
            return;
        }
        let sent = self
            .runtime
            .block_on(tokio::time::timeout(STALLED, self.tx.send(batch)));
        if !matches!(sent, Ok(Ok(()))) {
            self.gone = true;
        }
    }

    fn finish(mut self, done: Result<()>) {
        match done {
            Ok(()) => {
                if !self.batch.is_empty() {
                    let rows = std::mem::take(&mut self.batch);
                    self.send(Batch::Rows(rows));
                }
                self.send(Batch::End);
            }
            Err(e) => self.send(Batch::Failed(e)),
        }
    }
}
