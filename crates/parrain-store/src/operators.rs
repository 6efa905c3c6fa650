//! Operators of the `/admin` pages and their login sessions.
//!
//! The store keeps only what cannot be used if read: an argon2 hash of each
//! password (hashed by the caller) and the SHA-256 of each session cookie.
//! Setting a password again replaces it and ends every session of that
//! operator, so a reset locks out whoever held the old one.
//!
//! Each operator has a role (`Role`), and every change an operator makes is
//! kept in the audit log (`AuditEntry`): who, when, what and on what. A
//! change's entry is written in the change's own transaction (`Audit`,
//! passed to the store operation that makes the change), so the log holds
//! an entry exactly when the change was made: a refused change leaves none,
//! and a failure cannot keep one without the other.

use std::sync::Arc;

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
    /// The operator's email, `cli` for the command line, or `key {id}
    /// ({name})` for a secret key of the API.
    pub operator: String,
    /// What was done, e.g. `offer.approve`, `operator.role`.
    pub action: String,
    /// What it was done to (an id, an email), or empty.
    pub target: String,
    /// Anything more, in words (e.g. `viewer → editor`), or empty.
    pub detail: String,
}

/// What the audit log says of a change, given to the store operation that
/// makes it and written by the store in the same transaction, only if the
/// change is made. It is built from what the operation returns, so an entry
/// can name what the change made (a new offer's id) or leave itself out
/// (nothing fulfilled).
pub struct Audit<T>(Option<Arc<AuditOf<T>>>);

type AuditOf<T> = dyn Fn(&T) -> Option<AuditEntry> + Send + Sync;

impl<T> Audit<T> {
    /// A change that is not recorded: the demo's seeding, or arranging a test.
    pub fn none() -> Self {
        Self(None)
    }

    /// This entry, whatever the change returns.
    pub fn entry(entry: AuditEntry) -> Self {
        Self(Some(Arc::new(move |_: &T| Some(entry.clone()))))
    }

    /// The entry `of` makes of what the change returns (none if it says so).
    pub fn of(of: impl Fn(&T) -> Option<AuditEntry> + Send + Sync + 'static) -> Self {
        Self(Some(Arc::new(of)))
    }

    /// The entry to write for a change that returned `value`.
    pub(crate) fn for_value(&self, value: &T) -> Option<AuditEntry> {
        self.0.as_ref().and_then(|of| of(value))
    }
}

impl<T> Clone for Audit<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T> std::fmt::Debug for Audit<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Audit(..)"
        } else {
            "Audit(none)"
        })
    }
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
    /// Records an entry in the audit log on its own (a change that is not
    /// the store's, such as adding an operator from the command line).
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
