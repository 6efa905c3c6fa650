//! A node's concurrent request flows in one transaction, as SQLite's writer
//! runs them.
//!
//! A flow alone is a transaction of its own: `BEGIN`, its statements and a
//! `COMMIT` (a WAL flush), each a round trip to a backend. Here the flows
//! waiting on this node are taken together (up to [`MAX_GROUP`]) by one of
//! at most [`RUNNERS`] runners, run one after another in one READ COMMITTED
//! transaction that commits once, and each is answered after that commit.
//!
//! A group that fails in any way (a flow's own error, a lost race for a
//! unique key, a stale cache, a lock waited for too long) is rolled back
//! and each of its flows runs again alone, with the usual retries
//! ([`super::tx::run`]): the answer is the one it would have had without
//! groups. No savepoints: one per flow would cost two round trips, which is
//! what the group saves.
//!
//! A group holds the row locks of all its flows (a referrer's, before a
//! credit) until it commits, so two groups, on one node or two, can each
//! wait for a lock the other holds. PostgreSQL would break that deadlock
//! only after `deadlock_timeout` (1 s); a group instead gives up any lock
//! wait after [`LOCK_TIMEOUT`] and its flows run alone. That timeout is
//! set once per connection: the runners have connections of their own,
//! opened with it ([`runners_pool`]), where a `SET LOCAL` was a round trip
//! per group. A flow that runs alone takes a connection of the store's
//! pool, with PostgreSQL's usual lock waits. And a lock a group
//! holds is held for all its flows: the flows that lock a referrer to
//! credit it (`track/event`, give-credit) and the event batches, already a
//! transaction of many, run alone (`super::tracking`).

use std::any::Any;
use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use postgres::IsolationLevel::ReadCommitted;
use tokio::sync::oneshot;

use super::cache::NodeCache;
use super::notify::Announcer;
use super::tx::{self, Isolation};
use super::{log, Conn, PgTx, Pool};
use crate::{Result, StoreError};

/// Groups run at once on one node: two made larger groups, and ran more
/// requests a second on one node and on two, than four or eight
/// (BENCHMARKS.md, "Eighth round").
const RUNNERS: usize = 2;
/// Flows in one group at most.
const MAX_GROUP: usize = 32;
/// How long a group waits for any one lock before it gives up.
const LOCK_TIMEOUT: &str = "100ms";

/// The runners' connections: as the store's, with [`LOCK_TIMEOUT`] for
/// every lock wait; opened when first needed.
pub(crate) fn runners_pool(config: &postgres::Config) -> Result<Pool> {
    let mut config = config.clone();
    let timeout = format!("-c lock_timeout={LOCK_TIMEOUT}");
    let options = match config.get_options() {
        Some(options) => format!("{options} {timeout}"),
        None => timeout,
    };
    config.options(&options);
    Ok(r2d2::Pool::builder()
        .max_size(RUNNERS as u32)
        .min_idle(Some(0))
        .connection_timeout(std::time::Duration::from_secs(10))
        .build(super::Manager(config))?)
}

type Value = Box<dyn Any + Send>;
type Work = Box<dyn Fn(&PgTx<'_>) -> Result<Value> + Send>;

struct Member {
    work: Work,
    reply: oneshot::Sender<Result<Value>>,
}

#[derive(Default)]
struct Queue {
    waiting: VecDeque<Member>,
    runners: usize,
}

/// The flows waiting on this node and the runners taking them.
pub(crate) struct Groups {
    queue: Mutex<Queue>,
    /// For the flows that run alone.
    pool: Pool,
    /// For the groups ([`runners_pool`]).
    runners: Pool,
    cache: Arc<NodeCache>,
    announcer: Arc<Announcer>,
}

impl Groups {
    pub(crate) fn new(
        pool: Pool,
        runners: Pool,
        cache: Arc<NodeCache>,
        announcer: Arc<Announcer>,
    ) -> Self {
        Self {
            queue: Mutex::default(),
            pool,
            runners,
            cache,
            announcer,
        }
    }

    /// Runs `work` in the next group; returns once that group (or `work`
    /// alone) has committed.
    pub(crate) async fn run<T, F>(self: &Arc<Self>, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: Fn(&PgTx<'_>) -> Result<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        // The key the request was let in on is confirmed by the group's
        // transaction, or by the flow's own if the group fails (`crate::trust`).
        let waiting = super::keys::waiting();
        let hash = waiting.as_ref().map(|(_, hash)| hash.clone());
        let work: Work = Box::new(move |tx| {
            if let Some(hash) = &hash {
                tx.trusts_key(hash)?;
            }
            work(tx).map(|v| Box::new(v) as Value)
        });
        let start = {
            let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
            queue.waiting.push_back(Member { work, reply });
            let start = queue.runners < RUNNERS;
            queue.runners += usize::from(start);
            start
        };
        if start {
            let groups = self.clone();
            tokio::task::spawn_blocking(move || groups.runner());
        }
        let value = answer
            .await
            .map_err(|_| StoreError::database("database task failed"))??;
        if let Some((trust, hash)) = waiting {
            trust.confirmed(&hash);
        }
        value
            .downcast::<T>()
            .map(|v| *v)
            .map_err(|_| StoreError::database("a group answered with the wrong type"))
    }

    /// Takes groups until none is waiting.
    fn runner(&self) {
        loop {
            let group: Vec<Member> = {
                let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
                if queue.waiting.is_empty() {
                    queue.runners -= 1;
                    return;
                }
                let n = queue.waiting.len().min(MAX_GROUP);
                queue.waiting.drain(..n).collect()
            };
            // A flow that panics drops its group's answers (each then fails)
            // rather than the runner.
            let _ = catch_unwind(AssertUnwindSafe(|| self.run_group(group)));
        }
    }

    fn run_group(&self, group: Vec<Member>) {
        let cache = Some(&*self.cache);
        if group.len() > 1 {
            let together = self
                .runners
                .get()
                .map_err(StoreError::from)
                .and_then(|mut conn| {
                    let Conn {
                        client, statements, ..
                    } = &mut *conn;
                    tx::once(client, statements, ReadCommitted, cache, &|tx| {
                        group
                            .iter()
                            .map(|m| {
                                tx.memo.next_flow();
                                (m.work)(tx)
                            })
                            .collect::<Result<Vec<_>>>()
                    })
                });
            match together {
                Ok(values) => {
                    self.announcer.queued(log::take_queued());
                    for (m, value) in group.into_iter().zip(values) {
                        let _ = m.reply.send(Ok(value));
                    }
                    return;
                }
                Err(e) => {
                    tracing::debug!(flows = group.len(), error = %e, "group failed; each flow runs alone");
                }
            }
        }
        let mut conn = match self.pool.get() {
            Ok(conn) => conn,
            Err(e) => {
                for m in group {
                    let _ = m.reply.send(Err(StoreError::database(e.to_string())));
                }
                return;
            }
        };
        let Conn {
            client, statements, ..
        } = &mut *conn;
        for m in group {
            let done = tx::run(client, statements, Isolation::ReadCommitted, cache, &m.work);
            // What the committed attempt queued (nothing if none committed).
            let queued = log::take_queued();
            if done.is_ok() {
                self.announcer.queued(queued);
            }
            let _ = m.reply.send(done);
        }
    }
}
