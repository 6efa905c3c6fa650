//! Operators and their sessions on PostgreSQL.

use std::sync::Arc;

use async_trait::async_trait;
use parrain_core::email::Email;
use parrain_core::Millis;

use super::PgStore;
use crate::{Operator, OperatorSession, Operators, Result};

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
                "SELECT email, password_hash, created_at FROM operators WHERE email = $1",
                &[&email],
            )?;
            Ok(row.map(|r| Operator {
                email: r.get(0),
                password_hash: r.get(1),
                created_at: r.get(2),
            }))
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
                "SELECT token_hash, email, csrf_token, created_at, expires_at
                 FROM operator_sessions WHERE token_hash = $1 AND expires_at > $2",
                &[&token_hash, &now],
            )?;
            Ok(row.map(|r| OperatorSession {
                token_hash: r.get(0),
                email: r.get(1),
                csrf_token: r.get(2),
                created_at: r.get(3),
                expires_at: r.get(4),
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
}
