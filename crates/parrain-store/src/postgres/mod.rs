//! The scale-out store: any number of parrain processes on one PostgreSQL.
//!
//! The write flows are the ones SQLite runs (`crate::flows`), over
//! [`tx::PgTx`]. SQLite gets serial execution from its single writer; here
//! every write runs in a SERIALIZABLE transaction, which PostgreSQL
//! guarantees to behave like some serial order, and a transaction that loses
//! a conflict is run again from the start (see [`tx`]). So two nodes never
//! double-count a credit, fulfil twice or hand out a promo code twice.
//!
//! The request flows (clicks, visits, events, sign-ups, credits) run at READ
//! COMMITTED instead: no row is updated by every request (counters are
//! appended as deltas and folded later, see [`fold`]), and what must happen
//! once is held by unique keys and by locking the one row it changes (the
//! referrer's, before its credit; a promo code with `SKIP LOCKED`).
//!
//! What every click and call reads (share codes, offers, the smart-list
//! offers, the enabled webhook endpoints, the API keys) is kept in each
//! node's memory ([`cache`]), under a generation each request checks, so an
//! approve, an unapprove or a key's revocation on one node is seen by the
//! next request on every node.

mod appends;
mod batch;
mod cache;
mod db;
mod fold;
mod group;
mod keys;
mod ledger;
mod log;
mod notify;
mod offers;
mod participants;
pub mod scratch;
mod tracking;
mod tx;

use std::sync::Arc;

use postgres::{Client, NoTls};

use crate::{Result, StoreError};
pub(crate) use tx::{PgTx, Sql};

const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/postgres/0001_init.sql"),
    include_str!("../../migrations/postgres/0002_outbound.sql"),
    include_str!("../../migrations/postgres/0003_idempotency.sql"),
    include_str!("../../migrations/postgres/0004_privacy.sql"),
    include_str!("../../migrations/postgres/0005_reviews.sql"),
    include_str!("../../migrations/postgres/0006_operators.sql"),
    include_str!("../../migrations/postgres/0007_invitations.sql"),
    include_str!("../../migrations/postgres/0008_client_ips.sql"),
    include_str!("../../migrations/postgres/0009_report_aggregates.sql"),
    include_str!("../../migrations/postgres/0010_participant_tokens.sql"),
    include_str!("../../migrations/postgres/0011_deltas.sql"),
    include_str!("../../migrations/postgres/0012_rewards.sql"),
    include_str!("../../migrations/postgres/0013_retention_indexes.sql"),
    include_str!("../../migrations/postgres/0014_attribution_methods.sql"),
    include_str!("../../migrations/postgres/0015_social_logins.sql"),
    include_str!("../../migrations/postgres/0016_reversals.sql"),
    include_str!("../../migrations/postgres/0017_eligibility_limits.sql"),
    include_str!("../../migrations/postgres/0018_operator_roles.sql"),
    include_str!("../../migrations/postgres/0019_cache_generation.sql"),
    include_str!("../../migrations/postgres/0020_key_generation.sql"),
    include_str!("../../migrations/postgres/0021_report_keys.sql"),
    include_str!("../../migrations/postgres/0022_promo_low_stock.sql"),
    include_str!("../../migrations/postgres/0023_pending_codes.sql"),
    include_str!("../../migrations/postgres/0024_owner_cache.sql"),
];

/// Any constant: the advisory lock nodes take while migrating, so two
/// processes starting at once do not both run a migration.
const MIGRATION_LOCK: i64 = 0x0070_6172_7261_696e;

pub(crate) type Pool = r2d2::Pool<Manager>;

/// A pooled connection and the statements prepared on it.
pub(crate) struct Conn {
    pub(crate) client: Client,
    statements: tx::Statements,
    /// When it was last given back to the pool (see [`Manager::is_valid`]).
    returned: std::time::Instant,
}

/// A connection given back to the pool less than this long ago is handed
/// out again without a round trip to test it.
const TESTED_IF_IDLE: std::time::Duration = std::time::Duration::from_secs(1);

impl Conn {
    /// `sql` prepared on this connection, once.
    pub(crate) fn prepared(
        &mut self,
        sql: &str,
    ) -> std::result::Result<postgres::Statement, postgres::Error> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql)?;
        self.statements.insert(sql.to_owned(), s.clone());
        Ok(s)
    }
}

/// Opens the pool's connections.
pub(crate) struct Manager(postgres::Config);

impl r2d2::ManageConnection for Manager {
    type Connection = Conn;
    type Error = postgres::Error;

    fn connect(&self) -> std::result::Result<Conn, postgres::Error> {
        Ok(Conn {
            client: self.0.connect(NoTls)?,
            statements: tx::Statements::new(),
            returned: std::time::Instant::now(),
        })
    }

    /// Run on every checkout. An empty query (a round trip) only for a
    /// connection idle for [`TESTED_IF_IDLE`] or more: under load every
    /// request checks a connection out, and testing each cost a round trip
    /// as dear as a statement of the request's own. One just given back
    /// worked a moment ago; one idle longer (a restarted server, say) is
    /// tested and replaced as before.
    fn is_valid(&self, conn: &mut Conn) -> std::result::Result<(), postgres::Error> {
        if conn.client.is_closed() || conn.returned.elapsed() >= TESTED_IF_IDLE {
            conn.client.simple_query("")?;
        }
        Ok(())
    }

    /// Run on every return to the pool (which is when `returned` is noted).
    fn has_broken(&self, conn: &mut Conn) -> bool {
        conn.returned = std::time::Instant::now();
        conn.client.is_closed()
    }
}

/// The PostgreSQL store. Cheap to clone.
///
/// The driver's connections must not be dropped on an async thread (each
/// would start a runtime there and panic). The folder's thread holds the
/// last clone of the pool: `pool` is dropped before `_folder`, whose drop
/// stops that thread, which then closes the connections itself.
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
    groups: Arc<group::Groups>,
    _folder: Arc<fold::Folder>,
    announcer: Arc<notify::Announcer>,
    cache: Arc<cache::NodeCache>,
}

impl PgStore {
    /// Connects to `url` (`postgres://…`), migrates the database and keeps a
    /// pool of up to `max_connections` connections.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self> {
        let url = url.to_owned();
        // The synchronous driver runs its own event loop: keep it off the async threads.
        blocking(move || {
            migrate_url(&url)?;
            let config: postgres::Config = url
                .parse()
                .map_err(|e| StoreError::database(format!("invalid database URL: {e}")))?;
            let pool = r2d2::Pool::builder()
                .max_size(max_connections.max(1))
                .min_idle(Some(1))
                .connection_timeout(std::time::Duration::from_secs(10))
                .build(Manager(config.clone()))?;
            let runners = group::runners_pool(&config)?;
            let folder = Arc::new(fold::Folder::start(pool.clone(), runners.clone()));
            let announcer = Arc::new(notify::Announcer::new(config.clone()));
            let cache = Arc::new(cache::NodeCache::new(config));
            let groups =
                group::Groups::new(pool.clone(), runners, cache.clone(), announcer.clone());
            Ok(Self {
                pool,
                groups: Arc::new(groups),
                _folder: folder,
                announcer,
                cache,
            })
        })
        .await
    }

    /// For tests: this node stops listening for the announcements that the
    /// kept offers, codes and endpoints changed, so only the generation each
    /// request checks keeps them right.
    #[doc(hidden)]
    pub fn deaf_to_cache_announcements(&self) {
        self.cache.deaf();
    }

    /// Applies the migrations the database at `url` does not have yet;
    /// returns how many ran.
    pub async fn migrate(url: &str) -> Result<usize> {
        let url = url.to_owned();
        blocking(move || migrate_url(&url)).await
    }

    /// How many migrations the database at `url` still needs; changes
    /// nothing (`parrain doctor`'s check).
    pub async fn pending_migrations(url: &str) -> Result<usize> {
        let url = url.to_owned();
        blocking(move || {
            let mut client = Client::connect(&url, NoTls)?;
            let exists: bool = client
                .query_one("SELECT to_regclass('parrain_migrations') IS NOT NULL", &[])?
                .get(0);
            let applied: i32 = match exists {
                true => client
                    .query_one(
                        "SELECT COALESCE(MAX(version), 0) FROM parrain_migrations",
                        &[],
                    )?
                    .get(0),
                false => 0,
            };
            Ok(MIGRATIONS.len().saturating_sub(applied.max(0) as usize))
        })
        .await
    }

    /// Runs `work` in a SERIALIZABLE transaction, again from the start when
    /// it loses a conflict with another transaction; returns once committed.
    pub(crate) async fn write<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: Fn(&PgTx<'_>) -> Result<T> + Send + 'static,
    {
        self.run(tx::Isolation::Serializable, false, work).await
    }

    /// Runs a request flow at READ COMMITTED (see the module's comment),
    /// again from the start after a deadlock, a race on a unique key or a
    /// change to what the node keeps; it reads offers, codes and endpoints
    /// through the node's cache.
    pub(crate) async fn write_flow<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: Fn(&PgTx<'_>) -> Result<T> + Send + 'static,
    {
        self.run(tx::Isolation::ReadCommitted, true, work).await
    }

    /// Runs a request flow like [`Self::write_flow`], in one transaction
    /// with the other flows waiting on this node (see [`group`]).
    pub(crate) async fn write_grouped<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: Fn(&PgTx<'_>) -> Result<T> + Send + 'static,
    {
        self.groups.run(work).await
    }

    /// Runs a request flow that may credit the referrer of a browser in an
    /// offer in a group that holds that referrer's lock (see [`group`]).
    pub(crate) async fn write_crediting<T, F>(&self, credits: group::Credits, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: Fn(&PgTx<'_>) -> Result<T> + Send + 'static,
    {
        self.groups.run_crediting(Some(credits), work).await
    }

    async fn run<T, F>(&self, isolation: tx::Isolation, cached: bool, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: Fn(&PgTx<'_>) -> Result<T> + Send + 'static,
    {
        let pool = self.pool.clone();
        let cache = self.cache.clone();
        // The key the request was let in on: a flow's own transaction
        // confirms it; another write confirms it first (`crate::trust`).
        let waiting = keys::waiting();
        let (in_flow, first) = match (&waiting, cached) {
            (Some((_, hash)), true) => (Some(hash.clone()), None),
            (other, _) => (None, other.clone()),
        };
        let (value, queued) = blocking(move || {
            let mut conn = pool.get()?;
            if let Some(first) = &first {
                keys::confirm(&mut conn, &cache, first)?;
            }
            let Conn {
                client, statements, ..
            } = &mut *conn;
            let work = |tx: &PgTx<'_>| {
                if let Some(hash) = &in_flow {
                    tx.trusts_key(hash)?;
                }
                work(tx)
            };
            let cache = cached.then_some(&*cache);
            let done = tx::run(client, statements, isolation, cache, &work);
            // What the committed attempt queued (nothing if none committed).
            let queued = log::take_queued();
            done.map(|value| (value, queued))
        })
        .await?;
        if let Some((trust, hash)) = waiting {
            trust.confirmed(&hash);
        }
        self.announcer.queued(queued);
        Ok(value)
    }

    /// Like [`Self::write`] in READ COMMITTED, for statements that lock the
    /// rows they change themselves (the job queue's `FOR UPDATE SKIP LOCKED`).
    pub(crate) async fn write_locked<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: Fn(&PgTx<'_>) -> Result<T> + Send + 'static,
    {
        self.run(tx::Isolation::ReadCommitted, false, work).await
    }

    /// Runs `work` on a pooled connection and its prepared statements,
    /// with the node's cache.
    pub(crate) async fn read_kept<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Conn, &cache::NodeCache) -> Result<T> + Send + 'static,
    {
        let pool = self.pool.clone();
        let cache = self.cache.clone();
        let waiting = keys::waiting();
        blocking(move || {
            let mut conn = pool.get()?;
            if let Some(waiting) = &waiting {
                keys::confirm(&mut conn, &cache, waiting)?;
            }
            work(&mut conn, &cache)
        })
        .await
    }

    /// Runs `work` on a pooled connection, each statement on its own.
    pub(crate) async fn read<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Client) -> Result<T> + Send + 'static,
    {
        self.read_kept(move |conn, _| work(&mut conn.client)).await
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| StoreError::database(format!("database task failed: {e}")))?
}

/// Applies the migrations the database does not have yet; returns how many ran.
/// Blocking: not for async threads.
pub(crate) fn migrate_url(url: &str) -> Result<usize> {
    let mut client = Client::connect(url, NoTls)?;
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS parrain_migrations (
             version     INTEGER PRIMARY KEY,
             applied_at  TIMESTAMPTZ NOT NULL DEFAULT now())",
    )?;
    let applied: i32 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM parrain_migrations",
            &[],
        )?
        .get(0);
    let mut ran = 0;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(applied as usize) {
        tx.batch_execute(sql)?;
        tx.execute(
            "INSERT INTO parrain_migrations (version) VALUES ($1)",
            &[&(index as i32 + 1)],
        )?;
        ran += 1;
    }
    tx.commit()?;
    Ok(ran)
}
