//! What can go wrong in the store, in terms the HTTP layer can map.

use parrain_core::import::ImportProblem;
use parrain_core::offer::Problem;
use parrain_core::promo::LineProblem;
use postgres::error::SqlState;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such thing (`what` names it: "offer", "participant", …).
    #[error("{what} not found")]
    NotFound { what: &'static str },
    /// The request clashes with the current state.
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// Settings or input break the offer's rules.
    #[error("the request has {} problem(s)", .0.len())]
    Invalid(Vec<Problem>),
    /// A promo-code upload was refused line by line.
    #[error("the upload has {} bad line(s)", .0.len())]
    PromoLines(Vec<LineProblem>),
    /// An import was refused line by line; nothing of it was stored.
    #[error("the import has {} bad line(s)", .0.len())]
    ImportLines(Vec<ImportProblem>),
    /// An existing-customer upload was refused line by line.
    #[error("the upload has {} bad line(s)", .0.len())]
    CustomerLines(Vec<LineProblem>),
    /// A request parameter is malformed (`field` names it).
    #[error("{message}")]
    BadInput {
        field: &'static str,
        message: String,
    },
    /// The API key a request was let in on was revoked before the
    /// request's transaction could confirm it (`trust`): nothing was written.
    #[error("the API key is unknown or revoked")]
    KeyRefused,
    /// The database failed; the cause is logged, never shown.
    #[error("database error: {0}")]
    Database(#[from] DbError),
}

/// A database failure, with its source kept: the engine's own error (and
/// with it PostgreSQL's SQLSTATE and constraint name), so callers match on
/// what failed rather than on how it reads.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Postgres(#[from] postgres::Error),
    #[error(transparent)]
    Sqlite(#[from] r2d2_sqlite::rusqlite::Error),
    #[error(transparent)]
    Pool(#[from] r2d2::Error),
    #[error("stored JSON does not read back: {0}")]
    Json(#[from] serde_json::Error),
    /// Anything else: a task that failed, a file that cannot be made, a
    /// value the store does not know.
    #[error("{0}")]
    Other(String),
    /// What the node keeps in memory changed under a transaction that used
    /// it (PostgreSQL): the transaction is run again with it read afresh.
    #[error("the node's kept offers and endpoints changed during the transaction")]
    Stale,
}

impl DbError {
    /// PostgreSQL's SQLSTATE, when the server refused a statement.
    pub fn sqlstate(&self) -> Option<&SqlState> {
        match self {
            Self::Postgres(e) => e.code(),
            _ => None,
        }
    }

    /// The constraint a statement broke, when the engine names it.
    pub fn constraint(&self) -> Option<&str> {
        match self {
            Self::Postgres(e) => e.as_db_error().and_then(|db| db.constraint()),
            _ => None,
        }
    }
}

impl StoreError {
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }

    pub fn not_found(what: &'static str) -> Self {
        Self::NotFound { what }
    }

    /// A database failure described in words (no engine error behind it).
    pub fn database(message: impl Into<String>) -> Self {
        Self::Database(DbError::Other(message.into()))
    }
}

impl From<parrain_core::lifecycle::Refusal> for StoreError {
    fn from(refusal: parrain_core::lifecycle::Refusal) -> Self {
        Self::conflict(refusal.code(), refusal.message())
    }
}

impl From<r2d2_sqlite::rusqlite::Error> for StoreError {
    fn from(e: r2d2_sqlite::rusqlite::Error) -> Self {
        Self::Database(e.into())
    }
}

impl From<r2d2::Error> for StoreError {
    fn from(e: r2d2::Error) -> Self {
        Self::Database(e.into())
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        Self::Database(e.into())
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        Self::Database(e.into())
    }
}

/// The failures after which a whole transaction is run again: it lost a
/// serialization check, a deadlock, or a race to insert the same unique
/// key (which the flow sees as present on its rerun).
const TRANSIENT: [SqlState; 3] = [
    SqlState::T_R_SERIALIZATION_FAILURE,
    SqlState::T_R_DEADLOCK_DETECTED,
    SqlState::UNIQUE_VIOLATION,
];

impl StoreError {
    /// Whether running the same transaction again may succeed (PostgreSQL only).
    pub(crate) fn is_transient(&self) -> bool {
        match self {
            Self::Database(DbError::Stale) => true,
            Self::Database(e) => e.sqlstate().is_some_and(|code| TRANSIENT.contains(code)),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use postgres::{Client, IsolationLevel, NoTls};
    use r2d2_sqlite::rusqlite::Connection;

    use super::*;
    use crate::postgres::scratch::ScratchDatabase;

    fn client(db: &ScratchDatabase) -> Client {
        Client::connect(db.url(), NoTls).unwrap()
    }

    #[test]
    fn postgres_failures_keep_their_sqlstate_and_constraint_and_only_races_are_retried() {
        let db = ScratchDatabase::create().unwrap();
        let (mut a, mut b) = (client(&db), client(&db));
        a.batch_execute(
            "CREATE TABLE t (id int CONSTRAINT t_key PRIMARY KEY, n int CONSTRAINT t_n CHECK (n >= 0))",
        )
        .unwrap();
        a.execute("INSERT INTO t VALUES (1, 0)", &[]).unwrap();

        let twice = StoreError::from(a.execute("INSERT INTO t VALUES (1, 0)", &[]).unwrap_err());
        let StoreError::Database(e) = &twice else {
            panic!("{twice:?}")
        };
        assert_eq!(e.sqlstate(), Some(&SqlState::UNIQUE_VIOLATION));
        assert_eq!(e.constraint(), Some("t_key"));
        assert!(
            twice.is_transient(),
            "a lost race to a unique key is run again"
        );

        let negative =
            StoreError::from(a.execute("INSERT INTO t VALUES (2, -1)", &[]).unwrap_err());
        let StoreError::Database(e) = &negative else {
            panic!("{negative:?}")
        };
        assert_eq!(e.sqlstate(), Some(&SqlState::CHECK_VIOLATION));
        assert_eq!(e.constraint(), Some("t_n"));
        assert!(!negative.is_transient(), "a broken rule stays broken");

        // Two serializable transactions that each read what the other writes.
        let mut ta = a
            .build_transaction()
            .isolation_level(IsolationLevel::Serializable)
            .start()
            .unwrap();
        let mut tb = b
            .build_transaction()
            .isolation_level(IsolationLevel::Serializable)
            .start()
            .unwrap();
        ta.query("SELECT sum(n) FROM t", &[]).unwrap();
        tb.query("SELECT sum(n) FROM t", &[]).unwrap();
        ta.execute("INSERT INTO t VALUES (10, 1)", &[]).unwrap();
        tb.execute("INSERT INTO t VALUES (20, 1)", &[]).unwrap();
        ta.commit().unwrap();
        let lost = StoreError::from(tb.commit().unwrap_err());
        let StoreError::Database(e) = &lost else {
            panic!("{lost:?}")
        };
        assert_eq!(e.sqlstate(), Some(&SqlState::T_R_SERIALIZATION_FAILURE));
        assert!(lost.is_transient());
    }

    #[test]
    fn what_a_message_says_is_not_what_failed() {
        let worded = StoreError::database("could not serialize access [sqlstate 40001]");
        assert!(!worded.is_transient());
        let sqlite = Connection::open_in_memory().unwrap();
        sqlite
            .execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY)")
            .unwrap();
        sqlite.execute("INSERT INTO t VALUES (1)", []).unwrap();
        let twice = StoreError::from(sqlite.execute("INSERT INTO t VALUES (1)", []).unwrap_err());
        assert!(matches!(&twice, StoreError::Database(DbError::Sqlite(_))));
        assert!(!twice.is_transient(), "SQLite's writes are never run again");
    }
}
