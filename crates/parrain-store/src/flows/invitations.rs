//! Invitations by email: the rules of who may be invited, checked and
//! written in one transaction with the queued emails, so the daily limit
//! holds under concurrent requests and no address is invited twice.

use parrain_core::activity::ActivityType;
use parrain_core::code::ReferralCode;
use parrain_core::ids::{OfferId, ParticipantId};
use parrain_core::Millis;
use rand::Rng;
use serde_json::json;

use super::{LedgerTx, Who};
use crate::invitations::{address_hash, Invite, Invited, Previewed, Refusal};
use crate::sql::Db;
use crate::EmailJob;
use crate::{Result, StoreError};

/// An invitation about to be inserted.
pub(crate) struct NewInvitation<'a> {
    pub id: &'a str,
    pub offer: &'a OfferId,
    pub participant: &'a ParticipantId,
    pub email_hash: &'a str,
    pub email: &'a str,
    pub message: Option<&'a str>,
    pub token: &'a str,
    pub now: Millis,
}

/// The database steps of invitations.
pub(crate) trait InvitationTx {
    /// Whether this offer already invited the address.
    fn invited(&self, offer: &OfferId, email_hash: &str) -> Result<bool>;
    fn unsubscribed(&self, email_hash: &str) -> Result<bool>;
    /// Invitations the participant sent since `since`.
    fn invitations_since(&self, participant: &ParticipantId, since: Millis) -> Result<i64>;
    fn insert_invitation(&self, new: &NewInvitation<'_>) -> Result<()>;
    /// Adds one link-preview fetch to the participant's count for `hour`.
    fn count_preview(
        &self,
        participant: &ParticipantId,
        offer: &OfferId,
        hour: Millis,
    ) -> Result<()>;
}

/// The steps are the same SQL on both engines: written once.
impl<T: Db> InvitationTx for T {
    fn invited(&self, offer: &OfferId, email_hash: &str) -> Result<bool> {
        self.exists(
            "SELECT 1 FROM invitations WHERE offer_id = ?1 AND email_hash = ?2",
            &[offer.as_str().into(), email_hash.into()],
        )
    }

    fn unsubscribed(&self, email_hash: &str) -> Result<bool> {
        self.exists(
            "SELECT 1 FROM invitation_unsubscribes WHERE email_hash = ?1",
            &[email_hash.into()],
        )
    }

    fn invitations_since(&self, participant: &ParticipantId, since: Millis) -> Result<i64> {
        let found = self.query(
            "SELECT count(*) FROM invitations WHERE participant_id = ?1 AND created_at >= ?2",
            &[participant.as_str().into(), since.into()],
        )?;
        found.first().map_or(Ok(0), |r| r.int(0))
    }

    fn insert_invitation(&self, new: &NewInvitation<'_>) -> Result<()> {
        self.execute(
            "INSERT INTO invitations
               (id, offer_id, participant_id, email_hash, email, message, token, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            &[
                new.id.into(),
                new.offer.as_str().into(),
                new.participant.as_str().into(),
                new.email_hash.into(),
                new.email.into(),
                new.message.into(),
                new.token.into(),
                new.now.into(),
            ],
        )?;
        Ok(())
    }

    fn count_preview(
        &self,
        participant: &ParticipantId,
        offer: &OfferId,
        hour: Millis,
    ) -> Result<()> {
        self.execute(
            "INSERT INTO link_previews (participant_id, offer_id, hour, hits)
             VALUES (?1, ?2, ?3, 1)
             ON CONFLICT (participant_id, hour) DO UPDATE SET hits = link_previews.hits + 1",
            &[
                participant.as_str().into(),
                offer.as_str().into(),
                hour.into(),
            ],
        )?;
        Ok(())
    }
}

fn random(len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut rng = rand::rng();
    (0..len)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

pub(crate) fn invite<T: LedgerTx + InvitationTx>(
    tx: &T,
    invite: Invite,
    now: Millis,
) -> Result<Invited> {
    let offer = tx.offer(&invite.offer_id)?;
    let participant = tx.participant(&invite.participant_id)?;
    if participant.offer_id != offer.id {
        return Err(StoreError::not_found("participant"));
    }
    let Some(settings) = offer.live_at(now) else {
        return Err(StoreError::conflict(
            "offer_not_live",
            format!(
                "the offer does not take invitations now ({})",
                offer.not_live_reason(now).unwrap_or("not live")
            ),
        ));
    };
    let rules = &settings.invitations;
    if !rules.enabled {
        return Err(StoreError::conflict(
            "invitations_disabled",
            "this offer does not send invitations (invitations.enabled is false)",
        ));
    }
    if invite.emails.len() as i64 > rules.max_recipients_per_request {
        return Err(StoreError::BadInput {
            field: "emails",
            message: format!(
                "emails lists {} addresses; this offer takes at most {} per request",
                invite.emails.len(),
                rules.max_recipients_per_request
            ),
        });
    }
    let own = tx.person_email(&participant.person_id)?;
    let mut sent = tx.invitations_since(&participant.id, now - parrain_core::DAY)?;
    let mut outcomes = Vec::with_capacity(invite.emails.len());
    for email in invite.emails {
        let hash = address_hash(&email);
        let refusal = if own.as_ref() == Some(&email) {
            Some(Refusal::OwnAddress)
        } else if tx.unsubscribed(&hash)? {
            Some(Refusal::Unsubscribed)
        } else if tx.invited(&offer.id, &hash)? {
            Some(Refusal::AlreadyInvited)
        } else if sent >= rules.max_per_participant_per_day {
            Some(Refusal::LimitReached)
        } else {
            None
        };
        if refusal.is_none() {
            let id = format!("inv_{}", random(20));
            tx.insert_invitation(&NewInvitation {
                id: &id,
                offer: &offer.id,
                participant: &participant.id,
                email_hash: &hash,
                email: email.as_str(),
                message: invite.message.as_deref(),
                token: &random(32),
                now,
            })?;
            let job = EmailJob::Invitation {
                invitation_id: id,
                offer_id: offer.id.clone(),
                participant_id: participant.id.clone(),
            };
            tx.enqueue(job.into(), now)?;
            sent += 1;
        }
        outcomes.push((email, refusal));
    }
    let recipients = outcomes.iter().filter(|(_, r)| r.is_none()).count();
    if recipients > 0 {
        let who = Who {
            offer: Some(&offer.id),
            participant: Some(&participant.id),
            person: Some(&participant.person_id),
            visitor: None,
        };
        tx.record(
            ActivityType::SharesContent,
            who,
            json!({"channel": "email", "recipients": recipients, "via": "invitation"}),
            now,
        )?;
    }
    Ok(Invited {
        outcomes,
        limit: rules.max_per_participant_per_day,
    })
}

/// A link-preview crawler fetched a share link: counted per hour, apart from
/// clicks; no visitor, no attribution, no credit.
pub(crate) fn preview<T: LedgerTx + InvitationTx>(
    tx: &T,
    code: &str,
    now: Millis,
) -> Result<Option<Previewed>> {
    let Ok(code) = ReferralCode::parse(code) else {
        return Ok(None);
    };
    let Some((participant, offer_id)) = tx.participant_by_code(code.as_str())? else {
        return Ok(None);
    };
    let offer = tx.offer(&offer_id)?;
    tx.count_preview(
        &participant,
        &offer_id,
        now - now.rem_euclid(60 * parrain_core::MINUTE),
    )?;
    let settings = offer.live.as_ref().unwrap_or_else(|| offer.editable());
    Ok(Some(Previewed {
        code: code.to_string(),
        target: settings.share_target().map(Into::into),
        preview: settings.share_preview.clone(),
    }))
}
