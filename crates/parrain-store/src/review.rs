//! The review queue of credits a fraud rule held (`parrain_core::fraud`):
//! listed, then approved (the credit counts, the goal may be reached) or
//! rejected (it never counts). A review's id is its credit's, made opaque.

use crate::Audit;
use async_trait::async_trait;
use base64::Engine as _;
use parrain_core::email::Email;
use parrain_core::fraud::Sighting;
use parrain_core::ids::{OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::Millis;
use serde::Serialize;

use crate::flows::ReviewTx;
use crate::model::{decode_cursor, page_of};
use crate::sql::{audited, Db, Engine, Param, Row};
use crate::{Page, PageRequest, Result};

/// A held credit.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub id: String,
    pub offer_id: OfferId,
    /// The referrer the credit would go to.
    pub participant_id: ParticipantId,
    pub friend_person_id: Option<String>,
    pub friend_visitor_id: Option<String>,
    /// `pending`, `approved`, `rejected` (or `blocked`, never listed).
    pub state: String,
    /// The rules that fired.
    pub reasons: serde_json::Value,
    pub created_at: Millis,
    pub reviewed_at: Option<Millis>,
}

#[async_trait]
pub trait Reviews: Send + Sync {
    /// Credits waiting for a decision, oldest first (of one offer, if given).
    async fn list_reviews(&self, offer: Option<OfferId>, page: PageRequest)
        -> Result<Page<Review>>;
    /// Approves or rejects a pending review.
    async fn decide_review(
        &self,
        id: &str,
        approve: bool,
        now: Millis,
        audit: Audit<Review>,
    ) -> Result<Review>;
}

/// A review's id: its credit's participant and key.
pub(crate) fn review_id(participant: &ParticipantId, key: &str) -> String {
    let raw = format!("{}:{key}", participant.as_str());
    format!(
        "rev_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
    )
}

/// The credit a review id names, if it is one.
pub(crate) fn parse_review_id(id: &str) -> Option<(ParticipantId, String)> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(id.strip_prefix("rev_")?)
        .ok()?;
    let (participant, key) = String::from_utf8(raw)
        .ok()?
        .split_once(':')
        .map(|(p, k)| (p.to_owned(), k.to_owned()))?;
    Some((ParticipantId::parse(&participant).ok()?, key))
}

/// A stored address and when it was seen, if both are there and it parses.
pub(crate) fn sighting(ip: Option<String>, at: Option<Millis>) -> Option<Sighting> {
    Some(Sighting {
        ip: ip?.parse().ok()?,
        at: at?,
    })
}

const COLUMNS: &str = "participant_id, key, offer_id, friend_person, friend_visitor, review,
    review_reasons, created_at, reviewed_at";

fn review_of(r: &Row) -> Result<Review> {
    let participant = ParticipantId::from_trusted(r.text(0)?);
    let key = r.text(1)?;
    Ok(Review {
        id: review_id(&participant, &key),
        offer_id: OfferId::from_trusted(r.text(2)?),
        participant_id: participant,
        friend_person_id: r.opt_text(3)?,
        friend_visitor_id: r.opt_text(4)?,
        state: r.text(5)?,
        reasons: r
            .opt_text(6)?
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default(),
        created_at: r.int(7)?,
        reviewed_at: r.opt_int(8)?,
    })
}

/// The review of one credit, if it was held for review (`ReviewTx::review`).
pub(crate) fn find(
    db: &(impl Db + ?Sized),
    participant: &ParticipantId,
    key: &str,
) -> Result<Option<Review>> {
    db.query_opt(
        &format!(
            "SELECT {COLUMNS} FROM credits
             WHERE participant_id = ?1 AND key = ?2 AND review IS NOT NULL"
        ),
        &[participant.as_str().into(), key.into()],
    )?
    .map(|r| review_of(&r))
    .transpose()
}

/// A count as the flows' rules take it.
fn count(db: &(impl Db + ?Sized), sql: &str, params: &[Param<'_>]) -> Result<u32> {
    let n = db.query_opt(sql, params)?.map(|r| r.int(0)).transpose()?;
    Ok(u32::try_from(n.unwrap_or(0)).unwrap_or(u32::MAX))
}

/// An address and when it was seen, from the first row of `sql`.
fn sighting_of(db: &(impl Db + ?Sized), sql: &str, id: &str) -> Result<Option<Sighting>> {
    Ok(match db.query_opt(sql, &[id.into()])? {
        Some(r) => sighting(r.opt_text(0)?, r.opt_int(1)?),
        None => None,
    })
}

/// The review steps of the credit flow, written once.
impl<D: Db + ?Sized> ReviewTx for D {
    fn person_email(&self, person: &PersonId) -> Result<Option<Email>> {
        let row = self.query_opt(
            "SELECT email FROM people WHERE id = ?1",
            &[person.as_str().into()],
        )?;
        Ok(match row {
            Some(r) => r.opt_text(0)?.and_then(|e| Email::parse(&e).ok()),
            None => None,
        })
    }

    fn credits_since(&self, participant: &ParticipantId, since: Millis) -> Result<u32> {
        count(
            self,
            "SELECT count(*) FROM credits WHERE participant_id = ?1 AND created_at >= ?2",
            &[participant.as_str().into(), since.into()],
        )
    }

    fn visitor_ip(&self, visitor: &VisitorId) -> Result<Option<Sighting>> {
        sighting_of(
            self,
            "SELECT ip, ip_seen_at FROM visitors WHERE id = ?1",
            visitor.as_str(),
        )
    }

    fn sign_up_ip(&self, participant: &ParticipantId) -> Result<Option<Sighting>> {
        sighting_of(
            self,
            "SELECT sign_up_ip, created_at FROM participants WHERE id = ?1",
            participant.as_str(),
        )
    }

    fn sign_ups_from_ip(&self, offer: &OfferId, ip: &str, since: Millis) -> Result<u32> {
        count(
            self,
            "SELECT count(*) FROM participants
             WHERE offer_id = ?1 AND sign_up_ip = ?2 AND created_at >= ?3",
            &[offer.as_str().into(), ip.into(), since.into()],
        )
    }

    fn hold_credit(
        &self,
        participant: &ParticipantId,
        key: &str,
        state: &str,
        reasons: &str,
    ) -> Result<()> {
        self.execute(
            "UPDATE credits SET review = ?3, review_reasons = ?4
             WHERE participant_id = ?1 AND key = ?2",
            &[
                participant.as_str().into(),
                key.into(),
                state.into(),
                reasons.into(),
            ],
        )?;
        Ok(())
    }

    fn review(&self, participant: &ParticipantId, key: &str) -> Result<Option<Review>> {
        find(self, participant, key)
    }

    fn settle_review(
        &self,
        participant: &ParticipantId,
        key: &str,
        state: &str,
        now: Millis,
    ) -> Result<()> {
        self.execute(
            "UPDATE credits SET review = ?3, reviewed_at = ?4 WHERE participant_id = ?1 AND key = ?2",
            &[participant.as_str().into(), key.into(), state.into(), now.into()],
        )?;
        Ok(())
    }
}

/// The review queue, written once over the shared SQL layer (`crate::sql`).
#[async_trait]
impl<E: Engine> Reviews for E {
    async fn list_reviews(
        &self,
        offer: Option<OfferId>,
        page: PageRequest,
    ) -> Result<Page<Review>> {
        let skip = decode_cursor(page.cursor.as_deref())?.unwrap_or(0);
        self.read_db(move |db| {
            let rows = db.query(
                &format!(
                    "SELECT {COLUMNS} FROM credits
                     WHERE review = 'pending' AND (CAST(?1 AS TEXT) IS NULL OR offer_id = ?1)
                     ORDER BY created_at, participant_id, key LIMIT ?2 OFFSET ?3"
                ),
                &[
                    offer.as_ref().map(OfferId::as_str).into(),
                    (i64::from(page.limit) + 1).into(),
                    skip.into(),
                ],
            )?;
            let numbered = rows
                .iter()
                .enumerate()
                .map(|(i, r)| Ok((skip + i as i64 + 1, review_of(r)?)))
                .collect::<Result<_>>()?;
            Ok(page_of(numbered, page.limit))
        })
        .await
    }

    async fn decide_review(
        &self,
        id: &str,
        approve: bool,
        now: Millis,
        audit: Audit<Review>,
    ) -> Result<Review> {
        let id = id.to_owned();
        self.write_db(audited::<E, _, _>(audit, move |tx| {
            crate::flows::decide_review(tx, &id, approve, now)
        }))
        .await
    }
}
