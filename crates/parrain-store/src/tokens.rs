//! Participant tokens (SPEC §12): what opens a participant's own page and
//! lets a browser act for that participant, instead of its email or its
//! public share code.
//!
//! An access token is given to the browser that signed up and lasts. A
//! sign-in token is emailed to a participant who asks for their page; it
//! works once, within [`SIGN_IN_VALID_FOR`], and is exchanged for a new
//! access token. Only SHA-256 of a token is stored; the HTTP layer draws them.

use async_trait::async_trait;
use parrain_core::email::Email;
use parrain_core::ids::{OfferId, ParticipantId};
use parrain_core::Millis;

use crate::flows::LedgerTx;
use crate::EmailJob;
use crate::Result;

/// A friend as the participant's page shows it.
#[derive(Debug, Clone)]
pub struct PageFriend {
    pub first_name: Option<String>,
    /// When the friend signed up.
    pub at: Millis,
    /// Whether the friend earned the participant credit (not held for
    /// review nor rejected).
    pub counted: bool,
}

/// The friends who signed up through a participant's link, oldest first.
pub(crate) const PAGE_FRIENDS: &str = "SELECT pe.first_name, p.created_at,
        EXISTS (SELECT 1 FROM credits c WHERE c.participant_id = p.referred_by
                AND c.friend_person = p.person_id
                AND (c.review IS NULL OR c.review = 'approved'))
    FROM participants p JOIN people pe ON pe.id = p.person_id
    WHERE p.referred_by = $1 ORDER BY p.created_at, p.id LIMIT 500";

/// How long a friend's confirmation link works.
pub const CONFIRM_VALID_FOR: Millis = 7 * 24 * 60 * 60 * 1000;

/// How long an emailed sign-in link works.
pub const SIGN_IN_VALID_FOR: Millis = 24 * 60 * 60 * 1000;

#[async_trait]
pub trait ParticipantTokens: Send + Sync {
    /// Keeps an access token for a participant.
    async fn add_access_token(
        &self,
        hash: &str,
        participant: &ParticipantId,
        now: Millis,
    ) -> Result<()>;
    /// Keeps a sign-in token for a participant, valid [`SIGN_IN_VALID_FOR`].
    async fn add_sign_in_token(
        &self,
        hash: &str,
        participant: &ParticipantId,
        now: Millis,
    ) -> Result<()>;
    /// The participant an access token acts for.
    async fn participant_by_token(&self, hash: &str) -> Result<Option<ParticipantId>>;
    /// Whether a sign-in token may still be used.
    async fn sign_in_token_valid(&self, hash: &str, now: Millis) -> Result<bool>;
    /// Uses a sign-in token and keeps the access token given for it, in one
    /// transaction: the participant, or `None` for a token unknown, used or
    /// expired (nothing is written then).
    async fn exchange_sign_in_token(
        &self,
        hash: &str,
        access_hash: &str,
        now: Millis,
    ) -> Result<Option<ParticipantId>>;
    /// Queues the sign-in email of the offer's participant with this email,
    /// if there is one (`false` otherwise). Known or not, the caller does
    /// the same work: one write transaction.
    async fn request_sign_in(&self, offer: &OfferId, email: &Email, now: Millis) -> Result<bool>;
    /// Keeps the token of a referred friend's confirmation link
    /// (`fraud.verify_friend_email`), valid [`CONFIRM_VALID_FOR`].
    async fn add_confirm_token(
        &self,
        hash: &str,
        participant: &ParticipantId,
        now: Millis,
    ) -> Result<()>;
    /// Uses a confirmation token and credits the friend's referrer, in one
    /// transaction; `false` for a token unknown, used or expired.
    async fn confirm_friend(&self, hash: &str, now: Millis) -> Result<bool>;
    /// The friends who signed up through the participant's link.
    async fn page_friends(&self, participant: &ParticipantId) -> Result<Vec<PageFriend>>;
}

/// The job payload of a sign-in email; the worker draws the token as it
/// sends, so no usable token ever rests in the outbox.
pub(crate) fn request_sign_in(
    tx: &impl LedgerTx,
    offer: &OfferId,
    email: &Email,
    now: Millis,
) -> Result<bool> {
    let Some(person) = tx.person_by_email(email)? else {
        return Ok(false);
    };
    let Some(participant) = tx.participant_of(offer, &person)? else {
        return Ok(false);
    };
    let job = EmailJob::SignIn {
        offer_id: offer.clone(),
        participant_id: participant,
    };
    tx.enqueue(job.into(), now)?;
    Ok(true)
}
