//! Sign-ins with an OpenID Connect provider in progress (SPEC §14).
//!
//! A social sign-up takes two steps, each kept under the SHA-256 of a random
//! token only its browser holds: the request sent to the provider (its
//! `state`, with the nonce and PKCE verifier that must come back with it),
//! used up by the provider's answer so a replayed `state` finds nothing;
//! then the identity the provider vouched for, which the sign-up that
//! follows reads until it expires. Rows live minutes; retention deletes
//! the expired ones.
//!
//! Written once over the shared SQL layer (`crate::sql`).

use async_trait::async_trait;
use parrain_core::Millis;
use serde_json::Value;

use crate::sql::{Db, Engine};
use crate::Result;

/// Which step a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocialStep {
    /// Sent to the provider, waiting for its answer (keyed by `state`).
    Started,
    /// The provider's verified answer, waiting for the sign-up form.
    Verified,
}

impl SocialStep {
    pub fn as_str(self) -> &'static str {
        match self {
            SocialStep::Started => "started",
            SocialStep::Verified => "verified",
        }
    }
}

#[async_trait]
pub trait SocialLogins: Send + Sync {
    /// Keeps a step under `hash` until `expires_at`.
    async fn put_social_login(
        &self,
        hash: &str,
        step: SocialStep,
        data: Value,
        now: Millis,
        expires_at: Millis,
    ) -> Result<()>;
    /// Uses a step up: it is deleted as it is read, so of two requests with
    /// one token only one gets it. `None` for a token unknown, already used
    /// or expired by `now`.
    async fn take_social_login(
        &self,
        hash: &str,
        step: SocialStep,
        now: Millis,
    ) -> Result<Option<Value>>;
    /// Reads a step without using it up; `None` once expired.
    async fn social_login(
        &self,
        hash: &str,
        step: SocialStep,
        now: Millis,
    ) -> Result<Option<Value>>;
}

fn parse(data: Option<String>) -> Result<Option<Value>> {
    Ok(data
        .map(|d| serde_json::from_str(&d))
        .transpose()
        .map_err(crate::DbError::from)?)
}

#[async_trait]
impl<E: Engine> SocialLogins for E {
    async fn put_social_login(
        &self,
        hash: &str,
        step: SocialStep,
        data: Value,
        now: Millis,
        expires_at: Millis,
    ) -> Result<()> {
        let (hash, data) = (hash.to_owned(), data.to_string());
        self.write_db(move |tx| {
            tx.execute(
                "INSERT INTO social_logins (token_hash, step, data, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                &[
                    (&hash).into(),
                    step.as_str().into(),
                    (&data).into(),
                    now.into(),
                    expires_at.into(),
                ],
            )?;
            Ok(())
        })
        .await
    }

    async fn take_social_login(
        &self,
        hash: &str,
        step: SocialStep,
        now: Millis,
    ) -> Result<Option<Value>> {
        let hash = hash.to_owned();
        let data = self
            .write_db(move |tx| {
                tx.query_opt(
                    "DELETE FROM social_logins WHERE token_hash = ?1 AND step = ?2
                     RETURNING data, expires_at",
                    &[(&hash).into(), step.as_str().into()],
                )?
                .map(|r| Ok((r.text(0)?, r.int(1)?)))
                .transpose()
            })
            .await?;
        parse(
            data.filter(|(_, expires_at)| *expires_at > now)
                .map(|(d, _)| d),
        )
    }

    async fn social_login(
        &self,
        hash: &str,
        step: SocialStep,
        now: Millis,
    ) -> Result<Option<Value>> {
        let hash = hash.to_owned();
        let data = self
            .read_db(move |db| {
                db.query_opt(
                    "SELECT data FROM social_logins
                     WHERE token_hash = ?1 AND step = ?2 AND expires_at > ?3",
                    &[(&hash).into(), step.as_str().into(), now.into()],
                )?
                .map(|r| r.text(0))
                .transpose()
            })
            .await?;
        parse(data)
    }
}
