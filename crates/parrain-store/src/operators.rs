//! Operators of the `/admin` pages and their login sessions.
//!
//! The store keeps only what cannot be used if read: an argon2 hash of each
//! password (hashed by the caller) and the SHA-256 of each session cookie.
//! Setting a password again replaces it and ends every session of that
//! operator, so a reset locks out whoever held the old one.

use async_trait::async_trait;
use parrain_core::email::Email;
use parrain_core::Millis;

use crate::Result;

/// An operator account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    pub email: String,
    /// A PHC string (`$argon2id$…`).
    pub password_hash: String,
    pub created_at: Millis,
}

/// A live login session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorSession {
    /// The SHA-256 (hex) of the cookie's token.
    pub token_hash: String,
    pub email: String,
    /// The token every form of this session must carry.
    pub csrf_token: String,
    pub created_at: Millis,
    pub expires_at: Millis,
}

#[async_trait]
pub trait Operators: Send + Sync {
    /// Creates the operator or replaces its password (ending its sessions);
    /// `true` when it was created.
    async fn set_operator(&self, email: &Email, password_hash: String, now: Millis)
        -> Result<bool>;
    async fn operator(&self, email: &str) -> Result<Option<Operator>>;
    async fn insert_session(&self, session: OperatorSession) -> Result<()>;
    /// The session with this token hash, unless it expired by `now`.
    async fn session(&self, token_hash: &str, now: Millis) -> Result<Option<OperatorSession>>;
    /// Ends a session (logout); ending an unknown one is not an error.
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
}
