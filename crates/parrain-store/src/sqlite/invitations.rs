//! Invitations on SQLite: [`InvitationTx`] steps for the flow, the worker's
//! reads, unsubscribes and link-preview counts.

use async_trait::async_trait;
use parrain_core::ids::{OfferId, ParticipantId};
use parrain_core::Millis;
use r2d2_sqlite::rusqlite::{params, Connection, OptionalExtension};

use super::SqliteStore;
use crate::flows::{self, InvitationTx, NewInvitation};
use crate::{InvitationToSend, Invitations, Invite, Invited, Previewed, Result};

impl InvitationTx for Connection {
    fn invited(&self, offer: &OfferId, email_hash: &str) -> Result<bool> {
        Ok(self
            .prepare_cached("SELECT 1 FROM invitations WHERE offer_id = ?1 AND email_hash = ?2")?
            .exists(params![offer.as_str(), email_hash])?)
    }

    fn unsubscribed(&self, email_hash: &str) -> Result<bool> {
        Ok(self
            .prepare_cached("SELECT 1 FROM invitation_unsubscribes WHERE email_hash = ?1")?
            .exists([email_hash])?)
    }

    fn invitations_since(&self, participant: &ParticipantId, since: Millis) -> Result<i64> {
        Ok(self
            .prepare_cached(
                "SELECT count(*) FROM invitations WHERE participant_id = ?1 AND created_at >= ?2",
            )?
            .query_row(params![participant.as_str(), since], |r| r.get(0))?)
    }

    fn insert_invitation(&self, new: &NewInvitation<'_>) -> Result<()> {
        self.prepare_cached(
            "INSERT INTO invitations
               (id, offer_id, participant_id, email_hash, email, message, token, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            new.id,
            new.offer.as_str(),
            new.participant.as_str(),
            new.email_hash,
            new.email,
            new.message,
            new.token,
            new.now
        ])?;
        Ok(())
    }

    fn count_preview(
        &self,
        participant: &ParticipantId,
        offer: &OfferId,
        hour: Millis,
    ) -> Result<()> {
        self.prepare_cached(
            "INSERT INTO link_previews (participant_id, offer_id, hour, hits) VALUES (?1, ?2, ?3, 1)
             ON CONFLICT (participant_id, hour) DO UPDATE SET hits = hits + 1",
        )?
        .execute(params![participant.as_str(), offer.as_str(), hour])?;
        Ok(())
    }
}

#[async_trait]
impl Invitations for SqliteStore {
    async fn invite(&self, invite: Invite, now: Millis) -> Result<Invited> {
        self.write(move |conn| flows::invite(conn, invite, now))
            .await
    }

    async fn invitation_to_send(&self, id: &str) -> Result<Option<InvitationToSend>> {
        let id = id.to_owned();
        self.read(move |conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT id, offer_id, participant_id, email, message, token
                     FROM invitations WHERE id = ?1",
                )?
                .query_row([id], |r| {
                    Ok(InvitationToSend {
                        id: r.get(0)?,
                        offer_id: OfferId::from_trusted(r.get(1)?),
                        participant_id: ParticipantId::from_trusted(r.get(2)?),
                        email: r.get(3)?,
                        message: r.get(4)?,
                        token: r.get(5)?,
                    })
                })
                .optional()?)
        })
        .await
    }

    async fn invitation_sent(&self, id: &str, now: Millis) -> Result<()> {
        let id = id.to_owned();
        self.write(move |conn| {
            conn.execute(
                "UPDATE invitations SET email = NULL, sent_at = ?2 WHERE id = ?1",
                params![id, now],
            )?;
            Ok(())
        })
        .await
    }

    async fn unsubscribe_state(&self, token: &str) -> Result<Option<bool>> {
        let token = token.to_owned();
        self.read(move |conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM invitation_unsubscribes u
                                    WHERE u.email_hash = i.email_hash)
                     FROM invitations i WHERE token = ?1",
                )?
                .query_row([token], |r| r.get(0))
                .optional()?)
        })
        .await
    }

    async fn unsubscribe(&self, token: &str, now: Millis) -> Result<bool> {
        let token = token.to_owned();
        self.write(move |conn| {
            let n = conn.execute(
                "INSERT INTO invitation_unsubscribes (email_hash, offer_id, unsubscribed_at)
                 SELECT email_hash, offer_id, ?2 FROM invitations WHERE token = ?1
                 ON CONFLICT (email_hash) DO NOTHING",
                params![token, now],
            )?;
            if n == 0 {
                return Ok(conn
                    .prepare_cached("SELECT 1 FROM invitations WHERE token = ?1")?
                    .exists([token])?);
            }
            Ok(true)
        })
        .await
    }

    async fn preview(&self, code: &str, now: Millis) -> Result<Option<Previewed>> {
        let code = code.to_owned();
        self.write(move |conn| flows::preview(conn, &code, now))
            .await
    }
}
