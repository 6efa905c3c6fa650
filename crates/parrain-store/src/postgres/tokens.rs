//! Participant tokens on PostgreSQL.

use async_trait::async_trait;
use parrain_core::email::Email;
use parrain_core::ids::{OfferId, ParticipantId};
use parrain_core::Millis;

use super::PgStore;
use crate::flows;
use crate::tokens::{self, PageFriend, ParticipantTokens, CONFIRM_VALID_FOR, SIGN_IN_VALID_FOR};
use crate::Result;

const INSERT: &str = "INSERT INTO participant_tokens
    (token_hash, participant_id, kind, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)";

#[async_trait]
impl ParticipantTokens for PgStore {
    async fn add_access_token(
        &self,
        hash: &str,
        participant: &ParticipantId,
        now: Millis,
    ) -> Result<()> {
        let (hash, participant) = (hash.to_owned(), participant.as_str().to_owned());
        self.write(move |tx| {
            tx.with(|t| {
                t.execute(
                    INSERT,
                    &[&hash, &participant, &"access", &now, &None::<Millis>],
                )?;
                Ok(())
            })
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
        self.write(move |tx| {
            tx.with(|t| {
                let expires = Some(now + SIGN_IN_VALID_FOR);
                t.execute(INSERT, &[&hash, &participant, &"sign_in", &now, &expires])?;
                Ok(())
            })
        })
        .await
    }

    async fn participant_by_token(&self, hash: &str) -> Result<Option<ParticipantId>> {
        let hash = hash.to_owned();
        let id: Option<String> = self
            .read(move |c| {
                let row = c.query_opt(
                    "SELECT participant_id FROM participant_tokens
                     WHERE token_hash = $1 AND kind = 'access'",
                    &[&hash],
                )?;
                Ok(row.map(|r| r.get(0)))
            })
            .await?;
        Ok(id.map(ParticipantId::from_trusted))
    }

    async fn sign_in_token_valid(&self, hash: &str, now: Millis) -> Result<bool> {
        let hash = hash.to_owned();
        self.read(move |c| {
            let row = c.query_opt(
                "SELECT 1 FROM participant_tokens WHERE token_hash = $1
                 AND kind = 'sign_in' AND used_at IS NULL AND expires_at > $2",
                &[&hash, &now],
            )?;
            Ok(row.is_some())
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
            .write(move |tx| {
                tx.with(|t| {
                    let id: Option<String> = t
                        .query_opt(
                            "UPDATE participant_tokens SET used_at = $2 WHERE token_hash = $1
                             AND kind = 'sign_in' AND used_at IS NULL AND expires_at > $2
                             RETURNING participant_id",
                            &[&hash, &now],
                        )?
                        .map(|r| r.get(0));
                    if let Some(id) = &id {
                        t.execute(
                            INSERT,
                            &[&access_hash, id, &"access", &now, &None::<Millis>],
                        )?;
                    }
                    Ok(id)
                })
            })
            .await?;
        Ok(id.map(ParticipantId::from_trusted))
    }

    async fn request_sign_in(&self, offer: &OfferId, email: &Email, now: Millis) -> Result<bool> {
        let (offer, email) = (offer.clone(), email.clone());
        self.write(move |tx| tokens::request_sign_in(tx, &offer, &email, now))
            .await
    }
    async fn page_friends(&self, participant: &ParticipantId) -> Result<Vec<PageFriend>> {
        let participant = participant.as_str().to_owned();
        self.read(move |c| {
            let rows = c.query(tokens::PAGE_FRIENDS, &[&participant])?;
            Ok(rows
                .iter()
                .map(|r| PageFriend {
                    first_name: r.get(0),
                    at: r.get(1),
                    counted: r.get(2),
                })
                .collect())
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
        self.write(move |tx| {
            tx.with(|t| {
                let expires = Some(now + CONFIRM_VALID_FOR);
                t.execute(INSERT, &[&hash, &participant, &"confirm", &now, &expires])?;
                Ok(())
            })
        })
        .await
    }

    async fn confirm_friend(&self, hash: &str, now: Millis) -> Result<bool> {
        let hash = hash.to_owned();
        self.write(move |tx| {
            let id: Option<String> = tx.with(|t| {
                Ok(t.query_opt(
                    "UPDATE participant_tokens SET used_at = $2 WHERE token_hash = $1
                     AND kind = 'confirm' AND used_at IS NULL AND expires_at > $2
                     RETURNING participant_id",
                    &[&hash, &now],
                )?
                .map(|r| r.get(0)))
            })?;
            let Some(id) = id else {
                return Ok(false);
            };
            flows::confirm_friend(tx, &ParticipantId::from_trusted(id), now)?;
            Ok(true)
        })
        .await
    }
}
