//! Invitations by email, their unsubscribes, and link-preview fetches.
//!
//! A friend's address is stored as [`address_hash`] for good, and in clear
//! only until its invitation is sent (the mail needs it). The hash is what
//! enforces "never invited twice per offer" and "an unsubscribed address is
//! never invited again": both are lookups of the same hash. Unsubscribing
//! covers every offer of this parrain, since the friend asked the sender's
//! company, not one campaign, to stop.

use async_trait::async_trait;
use parrain_core::email::Email;
use parrain_core::ids::{OfferId, ParticipantId};
use parrain_core::sharing::SharePreview;
use parrain_core::Millis;
use sha2::{Digest, Sha256};

use crate::flows;
use crate::sql::{Db, Engine};
use crate::Result;

/// The stored form of a friend's address: SHA-256 of the normalised address
/// under a fixed label. Pseudonymous, not anonymous: whoever knows an
/// address can test it, which is exactly what the two rules need.
pub fn address_hash(email: &Email) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"parrain-invitee:");
    hasher.update(email.as_str().as_bytes());
    hex_lower(&hasher.finalize())
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A participant's request to invite friends.
#[derive(Debug, Clone)]
pub struct Invite {
    pub offer_id: OfferId,
    pub participant_id: ParticipantId,
    /// The addresses, in the order given (already parsed).
    pub emails: Vec<Email>,
    pub message: Option<String>,
}

/// Why one address was not invited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    AlreadyInvited,
    Unsubscribed,
    OwnAddress,
    LimitReached,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Self::AlreadyInvited => "already_invited",
            Self::Unsubscribed => "unsubscribed",
            Self::OwnAddress => "own_address",
            Self::LimitReached => "limit_reached",
        }
    }

    pub fn message(self, limit: i64) -> String {
        match self {
            Self::AlreadyInvited => "this address has already been invited to this offer".into(),
            Self::Unsubscribed => "this address asked to receive no invitations".into(),
            Self::OwnAddress => "this is the participant's own address".into(),
            Self::LimitReached => {
                format!("a participant may send {limit} invitations in 24 hours; try again later")
            }
        }
    }
}

/// What became of each address, in the order given.
#[derive(Debug, Clone)]
pub struct Invited {
    pub outcomes: Vec<(Email, Option<Refusal>)>,
    /// The offer's daily limit, for the messages.
    pub limit: i64,
}

/// An invitation the email worker is about to send.
#[derive(Debug, Clone)]
pub struct InvitationToSend {
    pub id: String,
    pub offer_id: OfferId,
    pub participant_id: ParticipantId,
    /// `None` once sent, or when the sender or the friend was erased.
    pub email: Option<String>,
    pub message: Option<String>,
    pub token: String,
}

/// What a share link shows a link-preview crawler.
#[derive(Debug, Clone)]
pub struct Previewed {
    pub code: String,
    /// The offer's share URL, before the attribution parameters.
    pub target: Option<String>,
    pub preview: SharePreview,
}

#[async_trait]
pub trait Invitations: Send + Sync {
    /// Queues an invitation per acceptable address, in one transaction with
    /// its email and a `shares_content` activity (channel `email`).
    async fn invite(&self, invite: Invite, now: Millis) -> Result<Invited>;
    async fn invitation_to_send(&self, id: &str) -> Result<Option<InvitationToSend>>;
    /// Forgets the clear address of a sent invitation.
    async fn invitation_sent(&self, id: &str, now: Millis) -> Result<()>;
    /// Whether the token names an invitation, and whether its address is
    /// already unsubscribed: `None` for an unknown token.
    async fn unsubscribe_state(&self, token: &str) -> Result<Option<bool>>;
    /// Unsubscribes the token's address; `false` for an unknown token.
    async fn unsubscribe(&self, token: &str, now: Millis) -> Result<bool>;
    /// Counts a link-preview crawler's fetch of a share link (never a click)
    /// and says what to show it; `None` for an unknown code.
    async fn preview(&self, code: &str, now: Millis) -> Result<Option<Previewed>>;
}

/// Invitations, written once over the shared SQL layer (`crate::sql`); on
/// PostgreSQL the flow runs SERIALIZABLE, so two concurrent requests never
/// exceed the daily limit.
#[async_trait]
impl<E: Engine> Invitations for E {
    async fn invite(&self, invite: Invite, now: Millis) -> Result<Invited> {
        self.write_db(move |tx| flows::invite(tx, invite.clone(), now))
            .await
    }

    async fn invitation_to_send(&self, id: &str) -> Result<Option<InvitationToSend>> {
        let id = id.to_owned();
        self.read_db(move |db| {
            db.query_opt(
                "SELECT id, offer_id, participant_id, email, message, token
                 FROM invitations WHERE id = ?1",
                &[(&id).into()],
            )?
            .map(|r| {
                Ok(InvitationToSend {
                    id: r.text(0)?,
                    offer_id: OfferId::from_trusted(r.text(1)?),
                    participant_id: ParticipantId::from_trusted(r.text(2)?),
                    email: r.opt_text(3)?,
                    message: r.opt_text(4)?,
                    token: r.text(5)?,
                })
            })
            .transpose()
        })
        .await
    }

    async fn invitation_sent(&self, id: &str, now: Millis) -> Result<()> {
        let id = id.to_owned();
        self.write_db(move |tx| {
            tx.execute(
                "UPDATE invitations SET email = NULL, sent_at = ?2 WHERE id = ?1",
                &[(&id).into(), now.into()],
            )?;
            Ok(())
        })
        .await
    }

    async fn unsubscribe_state(&self, token: &str) -> Result<Option<bool>> {
        let token = token.to_owned();
        self.read_db(move |db| {
            db.query_opt(
                "SELECT EXISTS (SELECT 1 FROM invitation_unsubscribes u
                                WHERE u.email_hash = i.email_hash)
                 FROM invitations i WHERE token = ?1",
                &[(&token).into()],
            )?
            .map(|r| r.bool(0))
            .transpose()
        })
        .await
    }

    async fn unsubscribe(&self, token: &str, now: Millis) -> Result<bool> {
        let token = token.to_owned();
        self.write_db(move |tx| {
            let n = tx.execute(
                "INSERT INTO invitation_unsubscribes (email_hash, offer_id, unsubscribed_at)
                 SELECT email_hash, offer_id, ?2 FROM invitations WHERE token = ?1
                 ON CONFLICT (email_hash) DO NOTHING",
                &[(&token).into(), now.into()],
            )?;
            if n == 0 {
                return tx.exists(
                    "SELECT 1 FROM invitations WHERE token = ?1",
                    &[(&token).into()],
                );
            }
            Ok(true)
        })
        .await
    }

    async fn preview(&self, code: &str, now: Millis) -> Result<Option<Previewed>> {
        let code = code.to_owned();
        self.write_db(move |tx| flows::preview(tx, &code, now))
            .await
    }
}
