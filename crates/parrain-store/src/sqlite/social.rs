//! Social sign-ins in progress on SQLite.

use async_trait::async_trait;
use parrain_core::Millis;
use r2d2_sqlite::rusqlite::{params, OptionalExtension};
use serde_json::Value;

use super::SqliteStore;
use crate::{Result, SocialLogins, SocialStep};

fn parse(data: Option<String>) -> Result<Option<Value>> {
    Ok(data.map(|d| serde_json::from_str(&d)).transpose()?)
}

#[async_trait]
impl SocialLogins for SqliteStore {
    async fn put_social_login(
        &self,
        hash: &str,
        step: SocialStep,
        data: Value,
        now: Millis,
        expires_at: Millis,
    ) -> Result<()> {
        let hash = hash.to_owned();
        self.write(move |conn| {
            conn.execute(
                "INSERT INTO social_logins (token_hash, step, data, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![hash, step.as_str(), data.to_string(), now, expires_at],
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
            .write(move |conn| {
                Ok(conn
                    .query_row(
                        "DELETE FROM social_logins WHERE token_hash = ?1 AND step = ?2
                         RETURNING data, expires_at",
                        params![hash, step.as_str()],
                        |r| Ok((r.get::<_, String>(0)?, r.get::<_, Millis>(1)?)),
                    )
                    .optional()?)
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
            .read(move |conn| {
                Ok(conn
                    .query_row(
                        "SELECT data FROM social_logins
                         WHERE token_hash = ?1 AND step = ?2 AND expires_at > ?3",
                        params![hash, step.as_str(), now],
                        |r| r.get::<_, String>(0),
                    )
                    .optional()?)
            })
            .await?;
        parse(data)
    }
}
