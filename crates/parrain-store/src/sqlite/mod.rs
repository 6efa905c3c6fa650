//! The embedded store: one SQLite file in WAL mode.
//!
//! Writes go through the group-committing [`writer::Writer`] with
//! `synchronous=FULL`, so an acknowledged write survives a crash or a power
//! cut. A share link's click goes to the click log, a file of its own with
//! a thread of its own ([`clicks::ClickLog`]), which the writer records.
//! Reads use a small pool of read-only connections, which WAL lets run
//! beside the writer.

mod cache;
mod clicks;
mod db;
mod files;
mod journal;
mod ledger;
mod maintenance;
mod participants;
mod tally;
mod tracking;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;

use r2d2_sqlite::rusqlite::{Connection, OpenFlags};
use r2d2_sqlite::SqliteConnectionManager;

use crate::{Result, StoreError};
use clicks::{ClickLog, Marks};
use writer::Writer;

const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/sqlite/0001_init.sql"),
    include_str!("../../migrations/sqlite/0002_outbound.sql"),
    include_str!("../../migrations/sqlite/0003_idempotency.sql"),
    include_str!("../../migrations/sqlite/0004_privacy.sql"),
    include_str!("../../migrations/sqlite/0005_reviews.sql"),
    include_str!("../../migrations/sqlite/0006_operators.sql"),
    include_str!("../../migrations/sqlite/0007_invitations.sql"),
    include_str!("../../migrations/sqlite/0008_client_ips.sql"),
    include_str!("../../migrations/sqlite/0009_report_aggregates.sql"),
    include_str!("../../migrations/sqlite/0010_participant_tokens.sql"),
    include_str!("../../migrations/sqlite/0011_rewards.sql"),
    include_str!("../../migrations/sqlite/0012_retention_indexes.sql"),
    include_str!("../../migrations/sqlite/0013_attribution_methods.sql"),
    include_str!("../../migrations/sqlite/0014_social_logins.sql"),
    include_str!("../../migrations/sqlite/0015_reversals.sql"),
    include_str!("../../migrations/sqlite/0016_eligibility_limits.sql"),
    include_str!("../../migrations/sqlite/0017_operator_roles.sql"),
    include_str!("../../migrations/sqlite/0018_report_keys.sql"),
    include_str!("../../migrations/sqlite/0019_promo_low_stock.sql"),
    include_str!("../../migrations/sqlite/0020_pending_codes.sql"),
    include_str!("../../migrations/sqlite/0021_click_journal.sql"),
    include_str!("../../migrations/sqlite/0022_lean_clicks.sql"),
    include_str!("../../migrations/sqlite/0023_click_log.sql"),
    include_str!("../../migrations/sqlite/0024_activity_ids.sql"),
    include_str!("../../migrations/sqlite/0025_participant_indexes.sql"),
];

/// The SQLite store. Cheap to clone.
#[derive(Clone)]
pub struct SqliteStore {
    writer: Writer,
    clicks: ClickLog,
    bell: crate::JobBell,
    readers: r2d2::Pool<SqliteConnectionManager>,
    path: PathBuf,
}

impl SqliteStore {
    /// Opens (creating if needed) `parrain.db` in `data_dir` and migrates it.
    pub fn open(data_dir: &Path) -> Result<Self> {
        Self::create_data_dir(data_dir)?;
        Self::open_file(&data_dir.join("parrain.db"))
    }

    /// Creates the data directory, readable by its owner only (see `files`).
    pub fn create_data_dir(data_dir: &Path) -> Result<()> {
        files::private_dir(data_dir)
            .map_err(|e| StoreError::database(format!("cannot create {}: {e}", data_dir.display())))
    }

    pub fn open_file(path: &Path) -> Result<Self> {
        let conn = open_private(path)?;
        configure(&conn)?;
        migrate(&conn)?;
        let log_path = clicks::path_of(path);
        let log = clicks::open_log(&log_path)?;
        clicks::attach(&conn, &log_path)?;
        let next = clicks::last_seq(&log)?.max(journal::applied(&conn)?) + 1;
        let marks = Arc::new(Marks::default());
        marks.synced.store(next - 1, Ordering::Release);
        let manager = SqliteConnectionManager::file(path)
            .with_flags(OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .with_init(|c| c.busy_timeout(std::time::Duration::from_secs(5)));
        let readers = r2d2::Pool::builder().max_size(8).build(manager)?;
        let bell = crate::JobBell::default();
        let writer = Writer::start(conn, bell.clone(), marks.clone())?;
        let clicks = ClickLog::start(log, path, next, marks, writer.clone())?;
        Ok(Self {
            writer,
            clicks,
            bell,
            readers,
            path: path.to_owned(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Applies any migration the file does not have yet, and records the
    /// clicks its click log holds (answered before a crash); returns how
    /// many migrations ran.
    pub fn migrate_file(path: &Path) -> Result<usize> {
        let conn = open_private(path)?;
        configure(&conn)?;
        let ran = migrate(&conn)?;
        let log_path = clicks::path_of(path);
        let log = log_path.exists();
        if log {
            drop(clicks::open_log(&log_path)?);
            clicks::attach(&conn, &log_path)?;
        }
        journal::record_pending(&conn, log)?;
        Ok(ran)
    }

    pub(crate) async fn write<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        self.writer.write(work).await
    }

    pub(crate) async fn read<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let pool = self.readers.clone();
        tokio::task::spawn_blocking(move || {
            let conn = pool.get()?;
            work(&conn)
        })
        .await
        .map_err(|e| StoreError::database(format!("read task failed: {e}")))?
    }
}

/// Opens a database file (or the click log) for writing, in WAL mode,
/// private to its owner, as are the log and shared-memory files SQLite
/// makes beside it.
fn open_private(path: &Path) -> Result<Connection> {
    let private = |e: std::io::Error| {
        StoreError::database(format!("cannot make {} private: {e}", path.display()))
    };
    files::private_database(path).map_err(private)?;
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    files::private_database(path).map_err(private)?;
    Ok(conn)
}

fn configure(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Each write of a batch runs in its own savepoint, whose undo copies of
    // the pages it changes are only needed until its batch commits: kept in
    // memory rather than in a temporary file the writer writes every page to.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // The writer's page cache: the indexes every click adds to stay in it.
    conn.pragma_update(None, "cache_size", -16_384)?;
    // Every statement a sign-up or a visit runs stays prepared: past the
    // driver's default of 16, each was parsed and planned again every time.
    conn.set_prepared_statement_cache_capacity(256);
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(())
}

fn migrate(conn: &Connection) -> Result<usize> {
    let applied: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let pending = MIGRATIONS.iter().enumerate().skip(applied as usize);
    let mut ran = 0;
    for (index, sql) in pending {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
        ran += 1;
    }
    Ok(ran)
}

#[cfg(test)]
mod tests {
    use parrain_core::activity::ActivityType;
    use parrain_core::ids::{OfferId, VisitorId};

    use super::*;
    use crate::flows::{LedgerTx, Who};
    use crate::{Activities, ActivityFilter, PageRequest};

    /// A file made before `0022_lean_clicks` keeps its browsers,
    /// attributions and activity log, and the log goes on from its last
    /// `seq`: newest first, after every earlier row, pages unchanged.
    /// `0022` and `0024_activity_ids` both rebuild the log on the way.
    #[tokio::test]
    async fn an_upgraded_file_keeps_its_clicks_and_its_activity_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("parrain.db");
        {
            let conn = open_private(&path).unwrap();
            configure(&conn).unwrap();
            for sql in &MIGRATIONS[..21] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", 21).unwrap();
            conn.execute_batch(
                "INSERT INTO people (id, email, created_at) VALUES ('per_1', 'ana@example.com', 1);
                 INSERT INTO visitors (id, person_id, created_at, ip, ip_seen_at)
                     VALUES ('vis_a', 'per_1', 1, '192.0.2.1', 1), ('vis_b', NULL, 2, NULL, NULL);
                 INSERT INTO attributions (offer_id, visitor_id, participant_id, touched_at, channel)
                     VALUES ('off_1', 'vis_b', 'par_1', 2, 'link');
                 INSERT INTO activities (id, type, offer_id, participant_id, visitor_id, occurred_at)
                     VALUES ('act_1', 'clicks_shared_link', 'off_1', 'par_1', 'vis_a', 1),
                            ('act_2', 'clicks_shared_link', 'off_1', 'par_1', 'vis_b', 2),
                            ('act_3', 'clicks_shared_link', 'off_1', 'par_1', 'vis_b', 3);",
            )
            .unwrap();
        }
        let store = SqliteStore::open_file(&path).unwrap();
        store
            .write(|conn| {
                let who = Who {
                    offer: Some(&OfferId::from_trusted("off_1".into())),
                    participant: None,
                    person: None,
                    visitor: Some(&VisitorId::from_trusted("vis_b".into())),
                };
                conn.record(
                    ActivityType::ClicksSharedLink,
                    who,
                    serde_json::json!({}),
                    4,
                )
            })
            .await
            .unwrap();
        let kept = store
            .read(|conn| {
                let visitors: Vec<(String, Option<String>)> = conn
                    .prepare("SELECT id, person_id FROM visitors ORDER BY id")?
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<std::result::Result<_, _>>()?;
                let attributed: String = conn.query_row(
                    "SELECT participant_id FROM attributions WHERE offer_id = 'off_1' AND visitor_id = 'vis_b'",
                    [],
                    |r| r.get(0),
                )?;
                Ok((visitors, attributed))
            })
            .await
            .unwrap();
        assert_eq!(
            kept,
            (
                vec![
                    ("vis_a".into(), Some("per_1".into())),
                    ("vis_b".into(), None)
                ],
                "par_1".into()
            )
        );
        let page = |cursor| {
            store.list_activities(ActivityFilter::default(), PageRequest { cursor, limit: 2 })
        };
        let first = page(None).await.unwrap();
        let second = page(first.next_cursor.clone()).await.unwrap();
        let occurred: Vec<_> = first
            .items
            .iter()
            .chain(&second.items)
            .map(|a| a.occurred_at)
            .collect();
        assert_eq!(occurred, [4, 3, 2, 1]);
    }

    /// The reads by participant that migration 0025 changed still find their
    /// rows through the indexes meant for them, not by reading every
    /// activity, or every attribution of an offer: each names, for SQLite,
    /// the part its partial index covers.
    #[test]
    fn reads_by_participant_use_their_indexes() {
        let conn = Connection::open_in_memory().unwrap();
        for sql in MIGRATIONS {
            conn.execute_batch(sql).unwrap();
        }
        let export = format!(
            "SELECT id FROM activities WHERE {}",
            crate::privacy::THEIR_ACTIVITIES
        );
        let sweep = crate::retention::statements(crate::retention::Swept::PendingCodes)[0];
        let reads: [(&str, &[&str]); 5] = [
            (crate::participants::SHARES, &["activities_participant"]),
            (
                crate::flows::pending::PENDING_BROWSERS,
                &["attributions_pending"],
            ),
            (
                crate::flows::pending::MOVE_PENDING,
                &["attributions_pending"],
            ),
            (sweep, &["attributions_pending"]),
            (
                &export,
                &[
                    "activities_person",
                    "activities_participant",
                    "activities_offer",
                ],
            ),
        ];
        for (sql, indexes) in reads {
            let mut explain = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let unbound = vec![r2d2_sqlite::rusqlite::types::Null; explain.parameter_count()];
            let plan: Vec<String> = explain
                .query_map(r2d2_sqlite::rusqlite::params_from_iter(unbound), |r| {
                    r.get::<_, String>(3)
                })
                .unwrap()
                .collect::<std::result::Result<_, _>>()
                .unwrap();
            for index in indexes {
                assert!(
                    plan.iter()
                        .any(|step| step.contains(&format!("INDEX {index} "))),
                    "{sql}\n{plan:#?}"
                );
            }
            assert!(
                plan.iter().all(|step| !step.starts_with("SCAN activities")
                    && !step.starts_with("SCAN attributions")),
                "{sql}\n{plan:#?}"
            );
        }
    }
}
