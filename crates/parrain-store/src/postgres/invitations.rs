//! Invitations on PostgreSQL: [`InvitationTx`] steps for the flow, the
//! worker's reads, unsubscribes and link-preview counts. The flow runs
//! SERIALIZABLE, so two concurrent requests never exceed the daily limit.

use async_trait::async_trait;
use parrain_core::ids::{OfferId, ParticipantId};
use parrain_core::Millis;

use super::{PgStore, PgTx};
use crate::flows::{self, InvitationTx, NewInvitation};
use crate::{InvitationToSend, Invitations, Invite, Invited, Previewed, Result};

impl InvitationTx for PgTx<'_> {
    fn invited(&self, offer: &OfferId, email_hash: &str) -> Result<bool> {
        self.with(|t| {
            Ok(t.query_opt(
                "SELECT 1 FROM invitations WHERE offer_id = $1 AND email_hash = $2",
                &[&offer.as_str(), &email_hash],
            )?
            .is_some())
        })
    }

    fn unsubscribed(&self, email_hash: &str) -> Result<bool> {
        self.with(|t| {
            Ok(t.query_opt(
                "SELECT 1 FROM invitation_unsubscribes WHERE email_hash = $1",
                &[&email_hash],
            )?
            .is_some())
        })
    }

    fn invitations_since(&self, participant: &ParticipantId, since: Millis) -> Result<i64> {
        self.with(|t| {
            Ok(t.query_one(
                "SELECT count(*) FROM invitations WHERE participant_id = $1 AND created_at >= $2",
                &[&participant.as_str(), &since],
            )?
            .get(0))
        })
    }

    fn insert_invitation(&self, new: &NewInvitation<'_>) -> Result<()> {
        self.with(|t| {
            t.execute(
                "INSERT INTO invitations
                   (id, offer_id, participant_id, email_hash, email, message, token, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                &[
                    &new.id,
                    &new.offer.as_str(),
                    &new.participant.as_str(),
                    &new.email_hash,
                    &new.email,
                    &new.message,
                    &new.token,
                    &new.now,
                ],
            )?;
            Ok(())
        })
    }

    fn count_preview(
        &self,
        participant: &ParticipantId,
        offer: &OfferId,
        hour: Millis,
    ) -> Result<()> {
        self.with(|t| {
            t.execute(
                "INSERT INTO link_previews (participant_id, offer_id, hour, hits)
                 VALUES ($1, $2, $3, 1)
                 ON CONFLICT (participant_id, hour) DO UPDATE
                 SET hits = link_previews.hits + 1",
                &[&participant.as_str(), &offer.as_str(), &hour],
            )?;
            Ok(())
        })
    }
}

#[async_trait]
impl Invitations for PgStore {
    async fn invite(&self, invite: Invite, now: Millis) -> Result<Invited> {
        self.write(move |tx| flows::invite(tx, invite.clone(), now))
            .await
    }

    async fn invitation_to_send(&self, id: &str) -> Result<Option<InvitationToSend>> {
        let id = id.to_owned();
        self.read(move |c| {
            let row = c.query_opt(
                "SELECT id, offer_id, participant_id, email, message, token
                 FROM invitations WHERE id = $1",
                &[&id],
            )?;
            Ok(row.map(|r| InvitationToSend {
                id: r.get(0),
                offer_id: OfferId::from_trusted(r.get(1)),
                participant_id: ParticipantId::from_trusted(r.get(2)),
                email: r.get(3),
                message: r.get(4),
                token: r.get(5),
            }))
        })
        .await
    }

    async fn invitation_sent(&self, id: &str, now: Millis) -> Result<()> {
        let id = id.to_owned();
        self.write(move |tx| {
            tx.with(|t| {
                t.execute(
                    "UPDATE invitations SET email = NULL, sent_at = $2 WHERE id = $1",
                    &[&id, &now],
                )?;
                Ok(())
            })
        })
        .await
    }

    async fn unsubscribe_state(&self, token: &str) -> Result<Option<bool>> {
        let token = token.to_owned();
        self.read(move |c| {
            let row = c.query_opt(
                "SELECT EXISTS (SELECT 1 FROM invitation_unsubscribes u
                                WHERE u.email_hash = i.email_hash)
                 FROM invitations i WHERE token = $1",
                &[&token],
            )?;
            Ok(row.map(|r| r.get(0)))
        })
        .await
    }

    async fn unsubscribe(&self, token: &str, now: Millis) -> Result<bool> {
        let token = token.to_owned();
        self.write(move |tx| {
            tx.with(|t| {
                t.execute(
                    "INSERT INTO invitation_unsubscribes (email_hash, offer_id, unsubscribed_at)
                     SELECT email_hash, offer_id, $2 FROM invitations WHERE token = $1
                     ON CONFLICT (email_hash) DO NOTHING",
                    &[&token, &now],
                )?;
                Ok(
                    t.query_opt("SELECT 1 FROM invitations WHERE token = $1", &[&token])?
                        .is_some(),
                )
            })
        })
        .await
    }

    async fn preview(&self, code: &str, now: Millis) -> Result<Option<Previewed>> {
        let code = code.to_owned();
        self.write(move |tx| flows::preview(tx, &code, now)).await
    }
}
