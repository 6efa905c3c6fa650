//! Operators of the `/admin` pages and their login sessions.
//!
//! The store keeps only what cannot be used if read: an argon2 hash of each
//! password (hashed by the caller) and the SHA-256 of each session cookie.
//! Setting a password again replaces it and ends every session of that
//! operator, so a reset locks out whoever held the old one.
//!
//! Each operator has a role (`Role`), and every change an operator makes is
//! kept in the audit log (`AuditEntry`): who, when, what and on what.

use async_trait::async_trait;
use parrain_core::email::Email;
use parrain_core::Millis;

use crate::Result;

/// What an operator may do, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Reads everything, changes nothing.
    Viewer,
    /// Offers, promo codes, reviews and fulfilment.
    Editor,
    /// Everything, including API keys, webhooks and the operators.
    Owner,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Owner, Role::Editor, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Owner => "owner",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Read from the store: an unknown value reads as the least right.
    pub(crate) fn stored(s: &str) -> Role {
        Role::parse(s).unwrap_or(Role::Viewer)
    }
}

/// An operator account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    pub email: String,
    /// A PHC string (`$argon2id$…`).
    pub password_hash: String,
    pub created_at: Millis,
    pub role: Role,
}

/// One change an operator made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Its place in the log (0 before it is recorded).
    pub seq: i64,
    pub at: Millis,
    /// The operator's email, or `cli` for the command line.
    pub operator: String,
    /// What was done, e.g. `offer.approve`, `operator.role`.
    pub action: String,
    /// What it was done to (an id, an email), or empty.
    pub target: String,
    /// Anything more, in words (e.g. `viewer → editor`), or empty.
    pub detail: String,
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
    /// The operator's role when the session was read (not stored with the
    /// session: a role changed takes effect on the next request).
    pub role: Role,
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
    /// Every operator, by email.
    async fn operators(&self) -> Result<Vec<Operator>>;
    /// Gives an operator a role and records `entry` in the audit log, in one
    /// transaction; returns the role it had (`NotFound` for an unknown
    /// email). Taking the owner role from the last owner is a `Conflict`, so
    /// someone can always manage the operators.
    async fn set_role(&self, email: &str, role: Role, entry: AuditEntry) -> Result<Role>;
    /// Records a change in the audit log.
    async fn record_audit(&self, entry: AuditEntry) -> Result<()>;
    /// The audit log, newest first: up to `limit` entries before `before`
    /// (a `seq`), or the newest.
    async fn audit_log(&self, before: Option<i64>, limit: u32) -> Result<Vec<AuditEntry>>;
}

/// The refusal to take the owner role from the last owner.
pub(crate) fn last_owner() -> crate::StoreError {
    crate::StoreError::Conflict {
        code: "last_owner",
        message: "this is the only owner: make another operator an owner first".into(),
    }
}
