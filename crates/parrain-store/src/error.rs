//! What can go wrong in the store, in terms the HTTP layer can map.

use parrain_core::offer::Problem;
use parrain_core::promo::LineProblem;

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
    /// A request parameter is malformed (`field` names it).
    #[error("{message}")]
    BadInput {
        field: &'static str,
        message: String,
    },
    /// The database failed; the cause is logged, never shown.
    #[error("database error: {0}")]
    Database(String),
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
}

impl From<r2d2_sqlite::rusqlite::Error> for StoreError {
    fn from(e: r2d2_sqlite::rusqlite::Error) -> Self {
        Self::Database(e.to_string())
    }
}

impl From<r2d2::Error> for StoreError {
    fn from(e: r2d2::Error) -> Self {
        Self::Database(e.to_string())
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        Self::Database(format!("stored JSON does not read back: {e}"))
    }
}

/// The SQLSTATE codes after which a whole transaction is run again: it lost
/// a serialization check (40001), a deadlock (40P01), or a race to insert
/// the same unique key (23505), which the flow sees as present on its rerun.
const TRANSIENT: [&str; 3] = ["40001", "40P01", "23505"];

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        match e.code() {
            // The code goes in the message so that the retry loop can read it back.
            Some(code) => Self::Database(format!("{e} [sqlstate {}]", code.code())),
            None => Self::Database(e.to_string()),
        }
    }
}

impl StoreError {
    /// Whether running the same transaction again may succeed (PostgreSQL only).
    pub(crate) fn is_transient(&self) -> bool {
        match self {
            Self::Database(message) => TRANSIENT
                .iter()
                .any(|code| message.ends_with(&format!("[sqlstate {code}]"))),
            _ => false,
        }
    }
}
