//! Participant tokens (SPEC §12): what opens a participant's own page and
//! lets a browser act for that participant, instead of its email or its
//! public share code.
//!
//! An access token is given to the browser that signed up and lasts. A
//! sign-in token is emailed to a participant who asks for their page; it
//! works once, within [`SIGN_IN_VALID_FOR`], and is exchanged for a new
//! access token. Only SHA-256 of a token is stored; the HTTP layer draws them.
//! Written once over the shared SQL layer (`crate::sql`).

use async_trait::async_trait;
use parrain_core::email::Email;
use parrain_core::ids::{OfferId, ParticipantId};
use parrain_core::Millis;

use crate::flows::{self, LedgerTx};
use crate::sql::{Db, Engine};
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
    WHERE p.referred_by = ?1 ORDER BY p.created_at, p.id LIMIT 500";

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

const INSERT: &str = "INSERT INTO participant_tokens
    (token_hash, participant_id, kind, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)";

/// Keeps a token of `kind` for the participant, until `expires_at` if any.
async fn add_token<E: Engine>(
    store: &E,
    hash: &str,
    participant: &ParticipantId,
    kind: &'static str,
    now: Millis,
    expires_at: Option<Millis>,
) -> Result<()> {
    let (hash, participant) = (hash.to_owned(), participant.as_str().to_owned());
    store
        .write_db(move |tx| {
            tx.execute(
                INSERT,
                &[
                    (&hash).into(),
                    (&participant).into(),
                    kind.into(),
                    now.into(),
                    expires_at.into(),
                ],
            )?;
            Ok(())
        })
        .await
}

/// Uses a token of `kind` still valid at `now`; returns its participant.
fn use_token(db: &dyn Db, hash: &str, kind: &str, now: Millis) -> Result<Option<String>> {
    db.query_opt(
        "UPDATE participant_tokens SET used_at = ?2 WHERE token_hash = ?1
         AND kind = ?3 AND used_at IS NULL AND expires_at > ?2
         RETURNING participant_id",
        &[hash.into(), now.into(), kind.into()],
    )?
    .map(|r| r.text(0))
    .transpose()
}

#[async_trait]
impl<E: Engine> ParticipantTokens for E {
    async fn add_access_token(
        &self,
        hash: &str,
        participant: &ParticipantId,
        now: Millis,
    ) -> Result<()> {
        add_token(self, hash, participant, "access", now, None).await
    }

    async fn add_sign_in_token(
        &self,
        hash: &str,
        participant: &ParticipantId,
        now: Millis,
    ) -> Result<()> {
        let expires_at = Some(now + SIGN_IN_VALID_FOR);
        add_token(self, hash, participant, "sign_in", now, expires_at).await
    }

    async fn participant_by_token(&self, hash: &str) -> Result<Option<ParticipantId>> {
        let hash = hash.to_owned();
        let id = self
            .read_db(move |db| {
                db.query_opt(
                    "SELECT participant_id FROM participant_tokens
                     WHERE token_hash = ?1 AND kind = 'access'",
                    &[(&hash).into()],
                )?
                .map(|r| r.text(0))
                .transpose()
            })
            .await?;
        Ok(id.map(ParticipantId::from_trusted))
    }

    async fn sign_in_token_valid(&self, hash: &str, now: Millis) -> Result<bool> {
        let hash = hash.to_owned();
        self.read_db(move |db| {
            db.exists(
                "SELECT 1 FROM participant_tokens WHERE token_hash = ?1
                 AND kind = 'sign_in' AND used_at IS NULL AND expires_at > ?2",
                &[(&hash).into(), now.into()],
            )
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
        let id = self
            .write_db(move |tx| {
                let id = use_token(tx, &hash, "sign_in", now)?;
                if let Some(id) = &id {
                    tx.execute(
                        INSERT,
                        &[
                            (&access_hash).into(),
                            id.into(),
                            "access".into(),
                            now.into(),
                            None::<Millis>.into(),
                        ],
                    )?;
                }
                Ok(id)
            })
            .await?;
        Ok(id.map(ParticipantId::from_trusted))
    }

    async fn request_sign_in(&self, offer: &OfferId, email: &Email, now: Millis) -> Result<bool> {
        let (offer, email) = (offer.clone(), email.clone());
        self.write_db(move |tx| request_sign_in(tx, &offer, &email, now))
            .await
    }

    async fn page_friends(&self, participant: &ParticipantId) -> Result<Vec<PageFriend>> {
        let participant = participant.as_str().to_owned();
        self.read_db(move |db| {
            db.query(PAGE_FRIENDS, &[(&participant).into()])?
                .iter()
                .map(|r| {
                    Ok(PageFriend {
                        first_name: r.opt_text(0)?,
                        at: r.int(1)?,
                        counted: r.bool(2)?,
                    })
                })
                .collect()
        })
        .await
    }

    async fn add_confirm_token(
        &self,
        hash: &str,
        participant: &ParticipantId,
        now: Millis,
    ) -> Result<()> {
        let expires_at = Some(now + CONFIRM_VALID_FOR);
        add_token(self, hash, participant, "confirm", now, expires_at).await
    }

    async fn confirm_friend(&self, hash: &str, now: Millis) -> Result<bool> {
        let hash = hash.to_owned();
        self.write_db(move |tx| {
            let Some(id) = use_token(tx, &hash, "confirm", now)? else {
                return Ok(false);
            };
            flows::confirm_friend(tx, &ParticipantId::from_trusted(id), now)?;
            Ok(true)
        })
        .await
    }
}
