//! Participant tokens on SQLite.

use async_trait::async_trait;
use parrain_core::email::Email;
use parrain_core::ids::{OfferId, ParticipantId};
use parrain_core::Millis;
use r2d2_sqlite::rusqlite::{params, OptionalExtension};

use super::SqliteStore;
use crate::flows;
use crate::tokens::{self, PageFriend, ParticipantTokens, CONFIRM_VALID_FOR, SIGN_IN_VALID_FOR};
use crate::Result;

const INSERT: &str = "INSERT INTO participant_tokens
    (token_hash, participant_id, kind, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)";

#[async_trait]
impl ParticipantTokens for SqliteStore {
    async fn add_access_token(
        &self,
        hash: &str,
        participant: &ParticipantId,
        now: Millis,
    ) -> Result<()> {
        let (hash, participant) = (hash.to_owned(), participant.as_str().to_owned());
        self.write(move |conn| {
            conn.execute(
                INSERT,
                params![hash, participant, "access", now, None::<Millis>],
            )?;
            Ok(())
        })
        .await
    }

    async fn add_sign_in_token(
        &self,
        hash: &str,
        participant: &ParticipantId,
        now: Millis,
    ) -> Result<()> {
        let (hash, participant) = (hash.to_owned(), participant.as_str().to_owned());
        self.write(move |conn| {
            conn.execute(
                INSERT,
                params![hash, participant, "sign_in", now, now + SIGN_IN_VALID_FOR],
            )?;
            Ok(())
        })
        .await
    }

    async fn participant_by_token(&self, hash: &str) -> Result<Option<ParticipantId>> {
        let hash = hash.to_owned();
        let id: Option<String> = self
            .read(move |conn| {
                Ok(conn
                    .prepare_cached(
                        "SELECT participant_id FROM participant_tokens
                         WHERE token_hash = ?1 AND kind = 'access'",
                    )?
                    .query_row([hash], |r| r.get(0))
                    .optional()?)
            })
            .await?;
        Ok(id.map(ParticipantId::from_trusted))
    }

    async fn sign_in_token_valid(&self, hash: &str, now: Millis) -> Result<bool> {
        let hash = hash.to_owned();
        self.read(move |conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT 1 FROM participant_tokens WHERE token_hash = ?1
                     AND kind = 'sign_in' AND used_at IS NULL AND expires_at > ?2",
                )?
                .exists(params![hash, now])?)
        })
        .await
    }

    async fn exchange_sign_in_token(
        &self,
        hash: &str,
        access_hash: &str,
        now: Millis,
    ) -> Result<Option<ParticipantId>> {
        let (hash, access_hash) = (hash.to_owned(), access_hash.to_owned());
        let id: Option<String> = self
            .write(move |conn| {
                let id: Option<String> = conn
                    .query_row(
                        "UPDATE participant_tokens SET used_at = ?2 WHERE token_hash = ?1
                         AND kind = 'sign_in' AND used_at IS NULL AND expires_at > ?2
                         RETURNING participant_id",
                        params![hash, now],
                        |r| r.get(0),
                    )
                    .optional()?;
                if let Some(id) = &id {
                    conn.execute(
                        INSERT,
                        params![access_hash, id, "access", now, None::<Millis>],
                    )?;
                }
                Ok(id)
            })
            .await?;
        Ok(id.map(ParticipantId::from_trusted))
    }

    async fn request_sign_in(&self, offer: &OfferId, email: &Email, now: Millis) -> Result<bool> {
        let (offer, email) = (offer.clone(), email.clone());
        self.write(move |conn| tokens::request_sign_in(conn, &offer, &email, now))
            .await
    }
    async fn page_friends(&self, participant: &ParticipantId) -> Result<Vec<PageFriend>> {
        let participant = participant.as_str().to_owned();
        self.read(move |conn| {
            let sql = tokens::PAGE_FRIENDS.replace("$1", "?1");
            let mut stmt = conn.prepare_cached(&sql)?;
            let friends = stmt
                .query_map([participant], |r| {
                    Ok(PageFriend {
                        first_name: r.get(0)?,
                        at: r.get(1)?,
                        counted: r.get(2)?,
                    })
                })?
                .collect::<std::result::Result<Vec<_>, _>>()?;
            Ok(friends)
        })
        .await
    }
    async fn add_confirm_token(
        &self,
        hash: &str,
        participant: &ParticipantId,
        now: Millis,
    ) -> Result<()> {
        let (hash, participant) = (hash.to_owned(), participant.as_str().to_owned());
        self.write(move |conn| {
            conn.execute(
                INSERT,
                params![hash, participant, "confirm", now, now + CONFIRM_VALID_FOR],
            )?;
            Ok(())
        })
        .await
    }

    async fn confirm_friend(&self, hash: &str, now: Millis) -> Result<bool> {
        let hash = hash.to_owned();
        self.write(move |conn| {
            let id: Option<String> = conn
                .query_row(
                    "UPDATE participant_tokens SET used_at = ?2 WHERE token_hash = ?1
                     AND kind = 'confirm' AND used_at IS NULL AND expires_at > ?2
                     RETURNING participant_id",
                    params![hash, now],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(id) = id else {
                return Ok(false);
            };
            flows::confirm_friend(conn, &ParticipantId::from_trusted(id), now)?;
            Ok(true)
        })
        .await
    }
}
