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

use crate::sql::{Db, Engine, Row};
use crate::{Result, StoreError};

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

fn operator_of(r: &Row) -> Result<Operator> {
    Ok(Operator {
        email: r.text(0)?,
        password_hash: r.text(1)?,
        created_at: r.int(2)?,
        role: Role::stored(&r.text(3)?),
    })
}

pub(crate) fn insert_audit(db: &dyn Db, e: &AuditEntry) -> Result<()> {
    db.execute(
        "INSERT INTO audit_log (at, operator, action, target, detail)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        &[
            e.at.into(),
            (&e.operator).into(),
            (&e.action).into(),
            (&e.target).into(),
            (&e.detail).into(),
        ],
    )?;
    Ok(())
}

/// Operators and their sessions, written once over the shared SQL layer
/// (`crate::sql`).
#[async_trait]
impl<E: Engine> Operators for E {
    async fn set_operator(
        &self,
        email: &Email,
        password_hash: String,
        now: Millis,
    ) -> Result<bool> {
        let email = email.as_str().to_owned();
        self.write_db(move |tx| {
            let existed = tx.exists(
                "SELECT 1 FROM operators WHERE email = ?1",
                &[(&email).into()],
            )?;
            tx.execute(
                "INSERT INTO operators (email, password_hash, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?3)
                 ON CONFLICT (email) DO UPDATE SET password_hash = excluded.password_hash,
                     updated_at = excluded.updated_at",
                &[(&email).into(), (&password_hash).into(), now.into()],
            )?;
            tx.execute(
                "DELETE FROM operator_sessions WHERE email = ?1",
                &[(&email).into()],
            )?;
            Ok(!existed)
        })
        .await
    }

    async fn operator(&self, email: &str) -> Result<Option<Operator>> {
        let email = email.to_owned();
        self.read_db(move |db| {
            db.query_opt(
                "SELECT email, password_hash, created_at, role FROM operators WHERE email = ?1",
                &[(&email).into()],
            )?
            .map(|r| operator_of(&r))
            .transpose()
        })
        .await
    }

    async fn insert_session(&self, s: OperatorSession) -> Result<()> {
        let s = Arc::new(s);
        self.write_db(move |tx| {
            tx.execute(
                "INSERT INTO operator_sessions (token_hash, email, csrf_token, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                &[
                    (&s.token_hash).into(),
                    (&s.email).into(),
                    (&s.csrf_token).into(),
                    s.created_at.into(),
                    s.expires_at.into(),
                ],
            )?;
            Ok(())
        })
        .await
    }

    async fn session(&self, token_hash: &str, now: Millis) -> Result<Option<OperatorSession>> {
        let token_hash = token_hash.to_owned();
        self.read_db(move |db| {
            db.query_opt(
                "SELECT s.token_hash, s.email, s.csrf_token, s.created_at, s.expires_at, o.role
                 FROM operator_sessions s JOIN operators o ON o.email = s.email
                 WHERE s.token_hash = ?1 AND s.expires_at > ?2",
                &[(&token_hash).into(), now.into()],
            )?
            .map(|r| {
                Ok(OperatorSession {
                    token_hash: r.text(0)?,
                    email: r.text(1)?,
                    csrf_token: r.text(2)?,
                    created_at: r.int(3)?,
                    expires_at: r.int(4)?,
                    role: Role::stored(&r.text(5)?),
                })
            })
            .transpose()
        })
        .await
    }

    async fn delete_session(&self, token_hash: &str) -> Result<()> {
        let token_hash = token_hash.to_owned();
        self.write_db(move |tx| {
            tx.execute(
                "DELETE FROM operator_sessions WHERE token_hash = ?1",
                &[(&token_hash).into()],
            )?;
            Ok(())
        })
        .await
    }

    async fn operators(&self) -> Result<Vec<Operator>> {
        self.read_db(|db| {
            db.query(
                "SELECT email, password_hash, created_at, role FROM operators ORDER BY email",
                &[],
            )?
            .iter()
            .map(operator_of)
            .collect()
        })
        .await
    }

    async fn set_role(&self, email: &str, role: Role, entry: AuditEntry) -> Result<Role> {
        let email = email.to_owned();
        self.write_db(move |tx| {
            let had = tx
                .query_opt(
                    "SELECT role FROM operators WHERE email = ?1",
                    &[(&email).into()],
                )?
                .map(|r| r.text(0))
                .transpose()?;
            let Some(had) = had.map(|r| Role::stored(&r)) else {
                return Err(StoreError::NotFound { what: "operator" });
            };
            if had == Role::Owner && role != Role::Owner {
                let owners = tx
                    .query("SELECT 1 FROM operators WHERE role = 'owner'", &[])?
                    .len();
                if owners <= 1 {
                    return Err(last_owner());
                }
            }
            tx.execute(
                "UPDATE operators SET role = ?2, updated_at = ?3 WHERE email = ?1",
                &[(&email).into(), role.as_str().into(), entry.at.into()],
            )?;
            insert_audit(tx, &entry)?;
            Ok(had)
        })
        .await
    }

    async fn record_audit(&self, entry: AuditEntry) -> Result<()> {
        self.write_db(move |tx| insert_audit(tx, &entry)).await
    }

    async fn audit_log(&self, before: Option<i64>, limit: u32) -> Result<Vec<AuditEntry>> {
        self.read_db(move |db| {
            db.query(
                "SELECT seq, at, operator, action, target, detail FROM audit_log
                 WHERE seq < ?1 ORDER BY seq DESC LIMIT ?2",
                &[before.unwrap_or(i64::MAX).into(), i64::from(limit).into()],
            )?
            .iter()
            .map(|r| {
                Ok(AuditEntry {
                    seq: r.int(0)?,
                    at: r.int(1)?,
                    operator: r.text(2)?,
                    action: r.text(3)?,
                    target: r.text(4)?,
                    detail: r.text(5)?,
                })
            })
            .collect()
        })
        .await
    }
}
