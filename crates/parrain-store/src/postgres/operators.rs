//! Operators and their sessions on PostgreSQL.

use std::sync::Arc;

use async_trait::async_trait;
use parrain_core::email::Email;
use parrain_core::Millis;

use super::{PgStore, PgTx};
use crate::operators::last_owner;
use crate::{Audit, AuditEntry, Operator, OperatorSession, Operators, Result, Role, StoreError};

#[async_trait]
impl Operators for PgStore {
    async fn set_operator(
        &self,
        email: &Email,
        password_hash: String,
        now: Millis,
    ) -> Result<bool> {
        let email = email.as_str().to_owned();
        self.write(move |tx| {
            tx.with(|t| {
                let existed: bool = t
                    .query_one(
                        "SELECT COUNT(*) > 0 FROM operators WHERE email = $1",
                        &[&email],
                    )?
                    .get(0);
                t.execute(
                    "INSERT INTO operators (email, password_hash, created_at, updated_at)
                     VALUES ($1, $2, $3, $3)
                     ON CONFLICT (email) DO UPDATE SET password_hash = excluded.password_hash,
                         updated_at = excluded.updated_at",
                    &[&email, &password_hash, &now],
                )?;
                t.execute("DELETE FROM operator_sessions WHERE email = $1", &[&email])?;
                Ok(!existed)
            })
        })
        .await
    }

    async fn operator(&self, email: &str) -> Result<Option<Operator>> {
        let email = email.to_owned();
        self.read(move |c| {
            let row = c.query_opt(
                "SELECT email, password_hash, created_at, role FROM operators WHERE email = $1",
                &[&email],
            )?;
            Ok(row.as_ref().map(operator_row))
        })
        .await
    }

    async fn insert_session(&self, s: OperatorSession) -> Result<()> {
        let s = Arc::new(s);
        self.write(move |tx| {
            tx.with(|t| {
                t.execute(
                    "INSERT INTO operator_sessions (token_hash, email, csrf_token, created_at, expires_at)
                     VALUES ($1, $2, $3, $4, $5)",
                    &[&s.token_hash, &s.email, &s.csrf_token, &s.created_at, &s.expires_at],
                )?;
                Ok(())
            })
        })
        .await
    }

    async fn session(&self, token_hash: &str, now: Millis) -> Result<Option<OperatorSession>> {
        let token_hash = token_hash.to_owned();
        self.read(move |c| {
            let row = c.query_opt(
                "SELECT s.token_hash, s.email, s.csrf_token, s.created_at, s.expires_at, o.role
                 FROM operator_sessions s JOIN operators o ON o.email = s.email
                 WHERE s.token_hash = $1 AND s.expires_at > $2",
                &[&token_hash, &now],
            )?;
            Ok(row.map(|r| OperatorSession {
                token_hash: r.get(0),
                email: r.get(1),
                csrf_token: r.get(2),
                created_at: r.get(3),
                expires_at: r.get(4),
                role: Role::stored(r.get(5)),
            }))
        })
        .await
    }

    async fn delete_session(&self, token_hash: &str) -> Result<()> {
        let token_hash = token_hash.to_owned();
        self.write(move |tx| {
            tx.with(|t| {
                t.execute(
                    "DELETE FROM operator_sessions WHERE token_hash = $1",
                    &[&token_hash],
                )?;
                Ok(())
            })
        })
        .await
    }

    async fn operators(&self) -> Result<Vec<Operator>> {
        self.read(|c| {
            let rows = c.query(
                "SELECT email, password_hash, created_at, role FROM operators ORDER BY email",
                &[],
            )?;
            Ok(rows.iter().map(operator_row).collect())
        })
        .await
    }

    async fn set_role(&self, email: &str, role: Role, entry: AuditEntry) -> Result<Role> {
        let email = email.to_owned();
        let entry = Arc::new(entry);
        self.write(move |tx| {
            tx.with(|t| {
                let had = t
                    .query_opt(
                        "SELECT role FROM operators WHERE email = $1 FOR UPDATE",
                        &[&email],
                    )?
                    .map(|r| Role::stored(r.get(0)));
                let Some(had) = had else {
                    return Err(StoreError::NotFound { what: "operator" });
                };
                if had == Role::Owner && role != Role::Owner {
                    let owners: i64 = t
                        .query_one("SELECT COUNT(*) FROM operators WHERE role = 'owner'", &[])?
                        .get(0);
                    if owners <= 1 {
                        return Err(last_owner());
                    }
                }
                t.execute(
                    "UPDATE operators SET role = $2, updated_at = $3 WHERE email = $1",
                    &[&email, &role.as_str(), &entry.at],
                )?;
                insert_audit(t, &entry)?;
                Ok(had)
            })
        })
        .await
    }

    async fn record_audit(&self, entry: AuditEntry) -> Result<()> {
        let entry = Arc::new(entry);
        self.write(move |tx| tx.with(|t| insert_audit(t, &entry)))
            .await
    }

    async fn audit_log(&self, before: Option<i64>, limit: u32) -> Result<Vec<AuditEntry>> {
        self.read(move |c| {
            let rows = c.query(
                "SELECT seq, at, operator, action, target, detail FROM audit_log
                 WHERE seq < $1 ORDER BY seq DESC LIMIT $2",
                &[&before.unwrap_or(i64::MAX), &i64::from(limit)],
            )?;
            Ok(rows
                .iter()
                .map(|r| AuditEntry {
                    seq: r.get(0),
                    at: r.get(1),
                    operator: r.get(2),
                    action: r.get(3),
                    target: r.get(4),
                    detail: r.get(5),
                })
                .collect())
        })
        .await
    }
}

fn operator_row(r: &postgres::Row) -> Operator {
    Operator {
        email: r.get(0),
        password_hash: r.get(1),
        created_at: r.get(2),
        role: Role::stored(r.get(3)),
    }
}

/// `work`, then its audit entry, in `work`'s transaction (the entry is
/// written only if `work` succeeds, and both are kept or neither; a retried
/// transaction writes it again with the change).
pub(crate) fn audited<T, F>(
    audit: Audit<T>,
    work: F,
) -> impl Fn(&PgTx<'_>) -> Result<T> + Send + 'static
where
    T: 'static,
    F: Fn(&PgTx<'_>) -> Result<T> + Send + 'static,
{
    move |tx| {
        let value = work(tx)?;
        if let Some(entry) = audit.for_value(&value) {
            tx.with(|t| insert_audit(t, &entry))?;
        }
        Ok(value)
    }
}

fn insert_audit(t: &mut postgres::Transaction<'_>, e: &AuditEntry) -> Result<()> {
    t.execute(
        "INSERT INTO audit_log (at, operator, action, target, detail) VALUES ($1, $2, $3, $4, $5)",
        &[&e.at, &e.operator, &e.action, &e.target, &e.detail],
    )?;
    Ok(())
}
