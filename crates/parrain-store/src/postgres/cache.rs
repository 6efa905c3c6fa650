//! What every click and call reads, kept in each node's memory: share code
//! → (participant, offer), participant → its owner (person and browser),
//! the offers, the smart-list offers, the enabled webhook endpoints and the
//! valid API keys.
//!
//! Everything kept belongs to one *generation*: the single row of
//! `cache_generation`, which triggers move on in the same transaction as
//! any change to what is kept (an offer's settings or status, a webhook, a
//! deleted participant, an erased browser; migrations 0019, 0024), and announce with `NOTIFY
//! parrain_cache` when that transaction commits.
//!
//! - A request flow that uses something kept notes its generation. Before
//!   it commits, the generation is read again inside its own transaction,
//!   mostly for free: the statement that appends its activity returns it
//!   (`ledger.rs`'s `record`), and a flow that records nothing runs one small
//!   `SELECT`; a flow that fails reads it once rolled back, since a refusal
//!   (an offer not live) must be as fresh as a success. A different
//!   generation means something kept changed: the
//!   transaction is rolled back and run again on what the database holds
//!   now ([`crate::DbError::Stale`]). Since that read happens after the
//!   request started, an approve or unapprove acknowledged on any node is
//!   seen by the very next request on every node, whenever its
//!   notification arrives.
//! - The notification only saves that second run: each node listens on its
//!   own connection and forgets everything at once when the generation
//!   moves, so the next request reads afresh instead of finding out late.
//! - What a transaction reads into the cache is kept only once it commits
//!   (it may have read its own uncommitted rows), and only if the cache is
//!   still at the generation it was read under.
//!
//! Only the request flows (READ COMMITTED) and the key check use it; the
//! rarer writes read the database, as they change what is kept.
//!
//! - A key is checked before the request's own transaction. So a kept key
//!   is trusted only once a read of the generation that *started after the
//!   request arrived* finds the generation it was kept under. A request
//!   flow's transaction makes that read anyway: within the server's
//!   `crate::trust::scope`, a kept key lets the request in at once and its
//!   flow uses the key like an offer it took from the cache
//!   ([`super::PgTx::trusts_key`]), at no extra statement. Other requests
//!   (and calls outside that scope) make the read first
//!   ([`NodeCache::current`]); concurrent ones share it: a request waits
//!   for the next read to start rather than starting one of its own. Either
//!   way a key revoked anywhere is refused by the next request on every node.

use std::collections::HashMap;
use std::sync::mpsc::{self, RecvTimeoutError, TryRecvError};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::Duration;

use parrain_core::ids::{OfferId, ParticipantId, PersonId, VisitorId};
use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, NoTls};

use crate::{ApiKey, Offer};

/// The channel the generation is announced on.
pub(crate) const CHANNEL: &str = "parrain_cache";

/// Share codes kept at most; past that the list starts over.
const MAX_CODES: usize = 65_536;
/// Participants' owners kept at most; past that the list starts over.
const MAX_OWNERS: usize = 65_536;
/// Offers kept at most; past that the list starts over.
const MAX_OFFERS: usize = 1_024;
/// API keys kept at most; past that the list starts over.
const MAX_KEYS: usize = 1_024;

/// How long the listener waits between checks that its store still exists.
const LISTEN_TICK: Duration = Duration::from_millis(500);
/// How long the listener waits before connecting again after a failure.
const RECONNECT: Duration = Duration::from_secs(1);

pub(crate) use crate::flows::Endpoint;

/// A participant's person and the browser it signed up from.
pub(crate) type Owner = (PersonId, Option<VisitorId>);

/// Something read from the database for the cache, with the generation it
/// was read under.
pub(crate) enum Fill {
    Code(String, (ParticipantId, OfferId)),
    Owner(ParticipantId, Owner),
    Offer(Arc<Offer>),
    SmartList(Arc<Vec<OfferId>>),
    Webhooks(Arc<Vec<Endpoint>>),
}

#[derive(Default)]
struct Kept {
    /// 0 until something is kept.
    generation: i64,
    codes: HashMap<String, (ParticipantId, OfferId)>,
    owners: HashMap<String, Owner>,
    offers: HashMap<String, Arc<Offer>>,
    smart_list: Option<Arc<Vec<OfferId>>>,
    webhooks: Option<Arc<Vec<Endpoint>>>,
    /// Valid keys by the hash of the key.
    keys: HashMap<String, ApiKey>,
}

/// The node's reads of the generation for the key check, one at a time.
#[derive(Default)]
struct Reads {
    /// Reads started so far; the running one, if any, is the last.
    started: u64,
    /// The latest read that finished, and what it found.
    finished: u64,
    generation: i64,
    running: bool,
}

impl Kept {
    /// Moves to `generation` if it is newer, forgetting everything.
    fn advance(&mut self, generation: i64) {
        if generation > self.generation {
            *self = Kept {
                generation,
                ..Kept::default()
            };
        }
    }
}

/// One node's cache. Dropped with the last clone of its store, which stops
/// the listener.
pub(crate) struct NodeCache {
    config: postgres::Config,
    kept: Arc<Mutex<Kept>>,
    listener: OnceLock<mpsc::Sender<()>>,
    reads: Mutex<Reads>,
    read_done: Condvar,
}

impl NodeCache {
    pub(crate) fn new(config: postgres::Config) -> Self {
        Self {
            config,
            kept: Arc::default(),
            listener: OnceLock::new(),
            reads: Mutex::default(),
            read_done: Condvar::new(),
        }
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Looks something up; with the generation it belongs to.
    fn get<T>(&self, f: impl FnOnce(&Kept) -> Option<T>) -> Option<(T, i64)> {
        let kept = self.kept();
        f(&kept).map(|value| (value, kept.generation))
    }

    pub(crate) fn code(&self, code: &str) -> Option<((ParticipantId, OfferId), i64)> {
        self.get(|k| k.codes.get(code).cloned())
    }

    pub(crate) fn owner(&self, participant: &str) -> Option<(Owner, i64)> {
        self.get(|k| k.owners.get(participant).cloned())
    }

    pub(crate) fn offer(&self, id: &str) -> Option<(Arc<Offer>, i64)> {
        self.get(|k| k.offers.get(id).cloned())
    }

    pub(crate) fn smart_list(&self) -> Option<(Arc<Vec<OfferId>>, i64)> {
        self.get(|k| k.smart_list.clone())
    }

    pub(crate) fn webhooks(&self) -> Option<(Arc<Vec<Endpoint>>, i64)> {
        self.get(|k| k.webhooks.clone())
    }

    /// The valid key with this hash, if kept; with its generation.
    pub(crate) fn key(&self, hash: &str) -> Option<(ApiKey, i64)> {
        self.get(|k| k.keys.get(hash).cloned())
    }

    /// Keeps a valid key read (committed) under `generation`, unless the
    /// cache has moved past it.
    pub(crate) fn keep_key(&self, generation: i64, hash: String, key: ApiKey) {
        self.listen();
        let mut kept = self.kept();
        kept.advance(generation);
        if kept.generation != generation {
            return;
        }
        if kept.keys.len() >= MAX_KEYS {
            kept.keys.clear();
        }
        kept.keys.insert(hash, key);
    }

    /// The generation as read by a read that started after this call: the
    /// running read, if any, started earlier, so the caller waits for the
    /// next one, which all callers waiting by then share. Blocking, on the
    /// caller's connection when it is the one that reads.
    pub(crate) fn current(&self, client: &mut Client) -> crate::Result<i64> {
        let lock = || self.reads.lock().unwrap_or_else(|e| e.into_inner());
        let mut reads = lock();
        let wanted = reads.started + 1;
        loop {
            if reads.finished >= wanted {
                return Ok(reads.generation);
            }
            if !reads.running {
                reads.started += 1;
                reads.running = true;
                let mine = reads.started;
                drop(reads);
                // The simple protocol: one round trip, nothing to prepare.
                let read = read_generation(client);
                let mut reads = lock();
                reads.running = false;
                if let Ok(generation) = read {
                    reads.finished = mine;
                    reads.generation = generation;
                }
                drop(reads);
                self.read_done.notify_all();
                let generation = read?;
                self.saw(generation);
                return Ok(generation);
            }
            reads = self
                .read_done
                .wait(reads)
                .unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Keeps what a committed transaction read under `generation`, unless
    /// the cache has moved past it.
    pub(crate) fn keep(&self, generation: i64, fills: Vec<Fill>) {
        if fills.is_empty() {
            return;
        }
        self.listen();
        let mut kept = self.kept();
        kept.advance(generation);
        if kept.generation != generation {
            return;
        }
        for fill in fills {
            match fill {
                Fill::Code(code, owner) => {
                    if kept.codes.len() >= MAX_CODES {
                        kept.codes.clear();
                    }
                    kept.codes.insert(code, owner);
                }
                Fill::Owner(participant, owner) => {
                    if kept.owners.len() >= MAX_OWNERS {
                        kept.owners.clear();
                    }
                    kept.owners.insert(participant.as_str().to_owned(), owner);
                }
                Fill::Offer(offer) => {
                    if kept.offers.len() >= MAX_OFFERS {
                        kept.offers.clear();
                    }
                    kept.offers.insert(offer.id.as_str().to_owned(), offer);
                }
                Fill::SmartList(ids) => kept.smart_list = Some(ids),
                Fill::Webhooks(endpoints) => kept.webhooks = Some(endpoints),
            }
        }
    }

    /// A transaction found the generation moved: forget what is kept.
    pub(crate) fn saw(&self, generation: i64) {
        self.kept().advance(generation);
    }

    /// Never starts the listener (tests).
    pub(crate) fn deaf(&self) {
        let _ = self.listener.set(mpsc::channel().0);
    }

    /// Starts the listener the first time something is kept.
    fn listen(&self) {
        self.listener.get_or_init(|| {
            let (stop, stopped) = mpsc::channel::<()>();
            let config = self.config.clone();
            let kept = self.kept.clone();
            let spawned = std::thread::Builder::new()
                .name("parrain-cache".into())
                .spawn(move || listen(&config, &kept, &stopped));
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start the cache listener; requests check the generation anyway");
            }
            stop
        });
    }
}

fn read_generation(client: &mut Client) -> crate::Result<i64> {
    let messages = client.simple_query("SELECT generation FROM cache_generation")?;
    messages
        .iter()
        .find_map(|m| match m {
            postgres::SimpleQueryMessage::Row(row) => row.get(0),
            _ => None,
        })
        .and_then(|text| text.parse().ok())
        .ok_or_else(|| crate::StoreError::database("the cache generation is missing"))
}

/// Forgets what is kept at every announced generation until the store is gone.
fn listen(config: &postgres::Config, kept: &Mutex<Kept>, stopped: &mpsc::Receiver<()>) {
    let gone = || matches!(stopped.try_recv(), Err(TryRecvError::Disconnected));
    let advance = |generation: i64| {
        kept.lock()
            .unwrap_or_else(|e| e.into_inner())
            .advance(generation);
    };
    let forget = || {
        let mut kept = kept.lock().unwrap_or_else(|e| e.into_inner());
        let generation = kept.generation;
        *kept = Kept::default();
        kept.generation = generation;
    };
    let mut failing = false;
    while !gone() {
        let connected = config.connect(NoTls).and_then(|mut c| {
            c.batch_execute(&format!("LISTEN {CHANNEL}"))?;
            // Announcements missed while not listening: catch up.
            let generation: i64 = c
                .query_one("SELECT generation FROM cache_generation", &[])?
                .get(0);
            Ok((c, generation))
        });
        let mut client: Client = match connected {
            Ok((client, generation)) => {
                advance(generation);
                client
            }
            Err(e) => {
                if !failing {
                    tracing::warn!(error = %e, "cannot listen for changes to kept offers; requests check the generation anyway");
                }
                failing = true;
                match stopped.recv_timeout(RECONNECT) {
                    Err(RecvTimeoutError::Timeout) => continue,
                    _ => return,
                }
            }
        };
        failing = false;
        while !gone() {
            let mut notifications = client.notifications();
            let mut arrived = notifications.timeout_iter(LISTEN_TICK);
            match arrived.next() {
                Ok(Some(n)) => match n.payload().parse() {
                    Ok(generation) => advance(generation),
                    Err(_) => forget(),
                },
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "listening for changes to kept offers failed; connecting again");
                    break;
                }
            }
        }
    }
}
