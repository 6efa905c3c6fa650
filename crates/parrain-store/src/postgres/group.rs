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
//! pool, with PostgreSQL's usual lock waits.
//!
//! A lock a group holds is held for all its flows, so a flow that credits a
//! referrer (`track/event`) joins a group with the browser it names
//! ([`Credits`]), and the group's first statement locks the referrers those
//! browsers are attributed to, skipping any row another transaction holds
//! ([`take_referrers`]). A flow whose referrer was held elsewhere waits for
//! a later group ([`MAX_DEFERRALS`] times at most, then runs alone); the
//! others run with their referrers locked already, so groups that credit
//! never wait for each other, on one node or several. A group takes
//! [`MAX_CREDITING`] such flows at most: 16 ran more credits a second, with
//! a lower p99, than 8 or 32 (BENCHMARKS.md, "Ninth round"). Give-credit (its
//! friend may be an email or a person, found only by the flow) and the
//! event batches, already a transaction of many, run alone
//! (`super::tracking`).

use std::any::Any;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use parrain_core::ids::{OfferId, VisitorId};
use postgres::IsolationLevel::ReadCommitted;
use tokio::sync::oneshot;

use super::cache::NodeCache;
use super::notify::Announcer;
use super::tx::{self, Isolation};
use super::{log, Conn, PgTx, Pool, Sql as _};
use crate::{Result, StoreError};

/// Groups run at once on one node: two made larger groups, and ran more
/// requests a second on one node and on two, than four or eight
/// (BENCHMARKS.md, "Eighth round").
const RUNNERS: usize = 2;
/// Flows in one group at most.
const MAX_GROUP: usize = 32;
/// Crediting flows in one group at most: each holds its referrer's lock
/// until the group commits.
const MAX_CREDITING: usize = 16;
/// How long a group waits for any one lock before it gives up.
const LOCK_TIMEOUT: &str = "100ms";
/// Groups a crediting flow waits for at most, its referrer held by
/// another transaction each time, before it runs alone.
const MAX_DEFERRALS: u8 = 2;

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
    credits: Option<Credits>,
    /// Groups that left it for later, its referrer held elsewhere.
    deferred: u8,
}

/// The browser a flow that may credit names in an offer: the referrers it
/// is attributed to there, or recorded for it or its person, are the rows
/// the flow will lock, as far as can be told before it runs. A flow that
/// then locks another still does, waiting at most [`LOCK_TIMEOUT`].
pub(crate) struct Credits {
    pub(crate) offer: OfferId,
    pub(crate) visitor: VisitorId,
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
        self.run_crediting(None, work).await
    }

    /// Runs `work`, which may credit the referrers of `credits`, in the
    /// next group that could lock them.
    pub(crate) async fn run_crediting<T, F>(
        self: &Arc<Self>,
        credits: Option<Credits>,
        work: F,
    ) -> Result<T>
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
            queue.waiting.push_back(Member {
                work,
                reply,
                credits,
                deferred: 0,
            });
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
                // Up to MAX_GROUP flows, MAX_CREDITING of them crediting.
                let mut crediting = 0;
                let n = queue
                    .waiting
                    .iter()
                    .take(MAX_GROUP)
                    .take_while(|m| {
                        crediting += usize::from(m.credits.is_some());
                        crediting <= MAX_CREDITING
                    })
                    .count();
                queue.waiting.drain(..n).collect()
            };
            // A flow that panics drops its group's answers (each then fails)
            // rather than the runner.
            let _ = catch_unwind(AssertUnwindSafe(|| self.run_group(group)));
        }
    }

    fn run_group(&self, group: Vec<Member>) {
        let cache = Some(&*self.cache);
        let mut alone = group;
        if alone.len() > 1 {
            let group = std::mem::take(&mut alone);
            // Which of the group's flows ran in it: the others' referrers
            // were held elsewhere.
            let ran = RefCell::new(Vec::new());
            let together = self
                .runners
                .get()
                .map_err(StoreError::from)
                .and_then(|mut conn| {
                    let Conn {
                        client, statements, ..
                    } = &mut *conn;
                    tx::once(client, statements, ReadCommitted, cache, &|tx| {
                        let runs = take_referrers(tx, &group)?;
                        let values = group
                            .iter()
                            .zip(&runs)
                            .filter(|(_, runs)| **runs)
                            .map(|(m, _)| {
                                tx.memo.next_flow();
                                (m.work)(tx)
                            })
                            .collect::<Result<Vec<_>>>()?;
                        *ran.borrow_mut() = runs;
                        Ok(values)
                    })
                });
            match together {
                Ok(values) => {
                    self.announcer.queued(log::take_queued());
                    let mut values = values.into_iter();
                    let mut later = Vec::new();
                    for (mut m, runs) in group.into_iter().zip(ran.into_inner()) {
                        if runs {
                            let _ = m.reply.send(values.next().ok_or_else(|| {
                                StoreError::database("a group answered too few flows")
                            }));
                        } else if m.deferred < MAX_DEFERRALS {
                            m.deferred += 1;
                            later.push(m);
                        } else {
                            alone.push(m);
                        }
                    }
                    // Behind the flows waiting now: the group that holds
                    // their referrers has time to commit. This runner is
                    // still counted, and takes them.
                    if !later.is_empty() {
                        let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
                        queue.waiting.extend(later);
                    }
                }
                Err(e) => {
                    tracing::debug!(flows = group.len(), error = %e, "group failed; each flow runs alone");
                    alone = group;
                }
            }
        }
        if alone.is_empty() {
            return;
        }
        let mut conn = match self.pool.get() {
            Ok(conn) => conn,
            Err(e) => {
                for m in alone {
                    let _ = m.reply.send(Err(StoreError::database(e.to_string())));
                }
                return;
            }
        };
        let Conn {
            client, statements, ..
        } = &mut *conn;
        for m in alone {
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

/// Locks the rows of the referrers the group's crediting flows name, in one
/// statement that waits for none: a row another transaction holds is
/// skipped, and the flows that name it are left for a later group. Which
/// flows run in this group, in the group's order.
fn take_referrers(tx: &PgTx<'_>, group: &[Member]) -> Result<Vec<bool>> {
    let mut members = Vec::new();
    let mut offers = Vec::new();
    let mut visitors = Vec::new();
    for (n, m) in group.iter().enumerate() {
        if let Some(c) = &m.credits {
            members.push(n as i32);
            offers.push(c.offer.as_str());
            visitors.push(c.visitor.as_str());
        }
    }
    let mut runs = vec![true; group.len()];
    if members.is_empty() {
        return Ok(runs);
    }
    let params: [&(dyn postgres::types::ToSql + Sync); 3] = [&members, &offers, &visitors];
    let rows = tx.prep(|t| Ok(t.query(TAKE_REFERRERS, &params)?))?;
    for row in rows {
        let (member, id, taken): (i32, String, bool) = (row.get(0), row.get(1), row.get(2));
        if taken {
            tx.memo.credit.holds(id);
        } else if let Some(runs) = runs.get_mut(member as usize) {
            *runs = false;
        }
    }
    Ok(runs)
}

/// For each crediting flow (`$1`, its offer `$2` and browser `$3`), each
/// existing participant its browser is attributed to or recorded for, or
/// its person is recorded for, and whether this statement locked its row.
const TAKE_REFERRERS: &str = "
    WITH h AS (SELECT * FROM unnest($1::INT[], $2::TEXT[], $3::TEXT[]) AS h(m, offer_id, visitor_id)),
    w AS (
        SELECT h.m, a.participant_id AS id
        FROM h JOIN attributions a ON a.offer_id = h.offer_id AND a.visitor_id = h.visitor_id
        UNION
        SELECT h.m, r.participant_id
        FROM h JOIN friend_referrers r ON r.offer_id = h.offer_id AND r.friend = h.visitor_id
        UNION
        SELECT h.m, r.participant_id
        FROM h JOIN visitors v ON v.id = h.visitor_id
             JOIN friend_referrers r ON r.offer_id = h.offer_id AND r.friend = v.person_id),
    l AS MATERIALIZED (
        SELECT id FROM participants WHERE id IN (SELECT id FROM w)
        ORDER BY id FOR UPDATE SKIP LOCKED)
    SELECT w.m, w.id, l.id IS NOT NULL
    FROM w LEFT JOIN l ON l.id = w.id
    WHERE EXISTS (SELECT 1 FROM participants p WHERE p.id = w.id)";
