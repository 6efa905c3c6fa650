//! Operators and their sessions on SQLite.

use async_trait::async_trait;
use parrain_core::email::Email;
use parrain_core::Millis;
use r2d2_sqlite::rusqlite::{params, OptionalExtension};

use super::SqliteStore;
use crate::{Operator, OperatorSession, Operators, Result};

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
                    "SELECT email, password_hash, created_at FROM operators WHERE email = ?1",
                    [email],
                    |r| {
                        Ok(Operator {
                            email: r.get(0)?,
                            password_hash: r.get(1)?,
                            created_at: r.get(2)?,
                        })
                    },
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
                    "SELECT token_hash, email, csrf_token, created_at, expires_at
                     FROM operator_sessions WHERE token_hash = ?1 AND expires_at > ?2",
                    params![token_hash, now],
                    |r| {
                        Ok(OperatorSession {
                            token_hash: r.get(0)?,
                            email: r.get(1)?,
                            csrf_token: r.get(2)?,
                            created_at: r.get(3)?,
                            expires_at: r.get(4)?,
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
}
