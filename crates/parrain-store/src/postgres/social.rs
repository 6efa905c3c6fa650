//! Social sign-ins in progress on PostgreSQL.

use async_trait::async_trait;
use parrain_core::Millis;
use serde_json::Value;

use super::PgStore;
use crate::{Result, SocialLogins, SocialStep};

fn parse(data: Option<String>) -> Result<Option<Value>> {
    Ok(data.map(|d| serde_json::from_str(&d)).transpose()?)
}

#[async_trait]
impl SocialLogins for PgStore {
    async fn put_social_login(
        &self,
        hash: &str,
        step: SocialStep,
        data: Value,
        now: Millis,
        expires_at: Millis,
    ) -> Result<()> {
        let (hash, data) = (hash.to_owned(), data.to_string());
        self.write(move |tx| {
            tx.with(|t| {
                t.execute(
                    "INSERT INTO social_logins (token_hash, step, data, created_at, expires_at)
                     VALUES ($1, $2, $3, $4, $5)",
                    &[&hash, &step.as_str(), &data, &now, &expires_at],
                )?;
                Ok(())
            })
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
            .write(move |tx| {
                tx.with(|t| {
                    let row = t.query_opt(
                        "DELETE FROM social_logins WHERE token_hash = $1 AND step = $2
                         RETURNING data, expires_at",
                        &[&hash, &step.as_str()],
                    )?;
                    Ok(row.map(|r| (r.get::<_, String>(0), r.get::<_, Millis>(1))))
                })
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
            .read(move |c| {
                let row = c.query_opt(
                    "SELECT data FROM social_logins
                     WHERE token_hash = $1 AND step = $2 AND expires_at > $3",
                    &[&hash, &step.as_str(), &now],
                )?;
                Ok(row.map(|r| r.get::<_, String>(0)))
            })
            .await?;
        parse(data)
    }
}
