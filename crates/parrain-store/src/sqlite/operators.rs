//! Operators and their sessions on SQLite.

use async_trait::async_trait;
use parrain_core::email::Email;
use parrain_core::Millis;
use r2d2_sqlite::rusqlite::{params, OptionalExtension};

use super::SqliteStore;
use crate::operators::last_owner;
use crate::{Audit, AuditEntry, Operator, OperatorSession, Operators, Result, Role, StoreError};

#[async_trait]
impl Operators for SqliteStore {
    async fn set_operator(
        &self,
        email: &Email,
        password_hash: String,
        now: Millis,
    ) -> Result<bool> {
        let email = email.as_str().to_owned();
        self.write(move |conn| {
            let existed: bool = conn.query_row(
                "SELECT COUNT(*) > 0 FROM operators WHERE email = ?1",
                [&email],
                |r| r.get(0),
            )?;
            conn.execute(
                "INSERT INTO operators (email, password_hash, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?3)
                 ON CONFLICT (email) DO UPDATE SET password_hash = excluded.password_hash,
                     updated_at = excluded.updated_at",
                params![email, password_hash, now],
            )?;
            conn.execute("DELETE FROM operator_sessions WHERE email = ?1", [&email])?;
            Ok(!existed)
        })
        .await
    }

    async fn operator(&self, email: &str) -> Result<Option<Operator>> {
        let email = email.to_owned();
        self.read(move |conn| {
            Ok(conn
                .query_row(
                    "SELECT email, password_hash, created_at, role FROM operators WHERE email = ?1",
                    [email],
                    operator_row,
                )
                .optional()?)
        })
        .await
    }

    async fn insert_session(&self, s: OperatorSession) -> Result<()> {
        self.write(move |conn| {
            conn.execute(
                "INSERT INTO operator_sessions (token_hash, email, csrf_token, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![s.token_hash, s.email, s.csrf_token, s.created_at, s.expires_at],
            )?;
            Ok(())
        })
        .await
    }

    async fn session(&self, token_hash: &str, now: Millis) -> Result<Option<OperatorSession>> {
        let token_hash = token_hash.to_owned();
        self.read(move |conn| {
            Ok(conn
                .query_row(
                    "SELECT s.token_hash, s.email, s.csrf_token, s.created_at, s.expires_at, o.role
                     FROM operator_sessions s JOIN operators o ON o.email = s.email
                     WHERE s.token_hash = ?1 AND s.expires_at > ?2",
                    params![token_hash, now],
                    |r| {
                        Ok(OperatorSession {
                            token_hash: r.get(0)?,
                            email: r.get(1)?,
                            csrf_token: r.get(2)?,
                            created_at: r.get(3)?,
                            expires_at: r.get(4)?,
                            role: Role::stored(&r.get::<_, String>(5)?),
                        })
                    },
                )
                .optional()?)
        })
        .await
    }

    async fn delete_session(&self, token_hash: &str) -> Result<()> {
        let token_hash = token_hash.to_owned();
        self.write(move |conn| {
            conn.execute(
                "DELETE FROM operator_sessions WHERE token_hash = ?1",
                [token_hash],
            )?;
            Ok(())
        })
        .await
    }

    async fn operators(&self) -> Result<Vec<Operator>> {
        self.read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT email, password_hash, created_at, role FROM operators ORDER BY email",
            )?;
            let rows = stmt.query_map([], operator_row)?;
            Ok(rows.collect::<std::result::Result<_, _>>()?)
        })
        .await
    }

    async fn set_role(&self, email: &str, role: Role, entry: AuditEntry) -> Result<Role> {
        let email = email.to_owned();
        self.write(move |conn| {
            let had: Option<String> = conn
                .query_row(
                    "SELECT role FROM operators WHERE email = ?1",
                    [&email],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(had) = had.map(|r| Role::stored(&r)) else {
                return Err(StoreError::NotFound { what: "operator" });
            };
            if had == Role::Owner && role != Role::Owner {
                let owners: i64 = conn.query_row(
                    "SELECT COUNT(*) FROM operators WHERE role = 'owner'",
                    [],
                    |r| r.get(0),
                )?;
                if owners <= 1 {
                    return Err(last_owner());
                }
            }
            conn.execute(
                "UPDATE operators SET role = ?2, updated_at = ?3 WHERE email = ?1",
                params![email, role.as_str(), entry.at],
            )?;
            insert_audit(conn, &entry)?;
            Ok(had)
        })
        .await
    }

    async fn record_audit(&self, entry: AuditEntry) -> Result<()> {
        self.write(move |conn| insert_audit(conn, &entry)).await
    }

    async fn audit_log(&self, before: Option<i64>, limit: u32) -> Result<Vec<AuditEntry>> {
        self.read(move |conn| {
            let mut stmt = conn.prepare(
                "SELECT seq, at, operator, action, target, detail FROM audit_log
                 WHERE seq < ?1 ORDER BY seq DESC LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![before.unwrap_or(i64::MAX), limit], |r| {
                Ok(AuditEntry {
                    seq: r.get(0)?,
                    at: r.get(1)?,
                    operator: r.get(2)?,
                    action: r.get(3)?,
                    target: r.get(4)?,
                    detail: r.get(5)?,
                })
            })?;
            Ok(rows.collect::<std::result::Result<_, _>>()?)
        })
        .await
    }
}

fn operator_row(r: &r2d2_sqlite::rusqlite::Row<'_>) -> r2d2_sqlite::rusqlite::Result<Operator> {
    Ok(Operator {
        email: r.get(0)?,
        password_hash: r.get(1)?,
        created_at: r.get(2)?,
        role: Role::stored(&r.get::<_, String>(3)?),
    })
}

/// `work`, then its audit entry, in `work`'s transaction (the entry is
/// written only if `work` succeeds, and both are kept or neither).
pub(crate) fn audited<T, F>(
    audit: Audit<T>,
    work: F,
) -> impl FnOnce(&r2d2_sqlite::rusqlite::Connection) -> Result<T> + Send + 'static
where
    T: 'static,
    F: FnOnce(&r2d2_sqlite::rusqlite::Connection) -> Result<T> + Send + 'static,
{
    move |conn| {
        let value = work(conn)?;
        if let Some(entry) = audit.for_value(&value) {
            insert_audit(conn, &entry)?;
        }
        Ok(value)
    }
}

fn insert_audit(conn: &r2d2_sqlite::rusqlite::Connection, e: &AuditEntry) -> Result<()> {
    conn.execute(
        "INSERT INTO audit_log (at, operator, action, target, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![e.at, e.operator, e.action, e.target, e.detail],
    )?;
    Ok(())
}
