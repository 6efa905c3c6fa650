//! Which store the suite runs on. `tests/api` runs it on SQLite and
//! `tests/api_postgres` runs the very same modules on PostgreSQL, each test
//! on a database of its own; the crate root's `BACKEND` picks.

use std::sync::Arc;

use parrain_store::postgres::scratch::ScratchDatabase;
use parrain_store::postgres::PgStore;
use parrain_store::sqlite::SqliteStore;
use parrain_store::Store;

#[allow(dead_code)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// What keeps a test's database alive; dropping it removes the database.
#[allow(dead_code)]
pub enum Keep {
    Dir(tempfile::TempDir),
    Database(ScratchDatabase),
    /// Another server keeps it.
    Elsewhere,
}

/// A fresh, empty store of the suite's backend.
pub async fn fresh_store() -> (Arc<dyn Store>, Keep) {
    match crate::BACKEND {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let store = SqliteStore::open(dir.path()).unwrap();
            (Arc::new(store), Keep::Dir(dir))
        }
        Backend::Postgres => {
            let db = tokio::task::spawn_blocking(ScratchDatabase::create)
                .await
                .unwrap()
                .expect("the test PostgreSQL server is reachable");
            let store = PgStore::connect(db.url(), 8).await.unwrap();
            (Arc::new(store), Keep::Database(db))
        }
    }
}
