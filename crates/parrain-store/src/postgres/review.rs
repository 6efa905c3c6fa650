//! The review queue on PostgreSQL: [`ReviewTx`] steps for the credit flow,
//! and listing and deciding reviews.

use super::operators::audited;
use crate::Audit;
use async_trait::async_trait;
use parrain_core::email::Email;
use parrain_core::fraud::Sighting;
use parrain_core::ids::{OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::Millis;
use postgres::Row;

use super::{fetch_limit, PgStore, PgTx, Sql};
use crate::flows::{self, ReviewTx};
use crate::review::review_id;
use crate::sqlite::{decode_cursor, page_of};
use crate::{Page, PageRequest, Result, Review, Reviews};

const COLUMNS: &str = "participant_id, key, offer_id, friend_person, friend_visitor, review,
    review_reasons, created_at, reviewed_at";

fn review_row(r: &Row) -> Review {
    let participant = ParticipantId::from_trusted(r.get(0));
    let key: String = r.get(1);
    let reasons: Option<String> = r.get(6);
    Review {
        id: review_id(&participant, &key),
        offer_id: OfferId::from_trusted(r.get(2)),
        participant_id: participant,
        friend_person_id: r.get(3),
        friend_visitor_id: r.get(4),
        state: r.get(5),
        reasons: reasons
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default(),
        created_at: r.get(7),
        reviewed_at: r.get(8),
    }
}

impl ReviewTx for PgTx<'_> {
    fn person_email(&self, person: &PersonId) -> Result<Option<Email>> {
        self.prep(|t| {
            let row = t.query_opt(
                "SELECT email FROM people WHERE id = $1",
                &[&person.as_str()],
            )?;
            Ok(row.and_then(|r| Email::parse(r.get(0)).ok()))
        })
    }

    fn credits_since(&self, participant: &ParticipantId, since: Millis) -> Result<u32> {
        self.prep(|t| {
            let n: i64 = t
                .query_one(
                    "SELECT count(*) FROM credits WHERE participant_id = $1 AND created_at >= $2",
                    &[&participant.as_str(), &since],
                )?
                .get(0);
            Ok(u32::try_from(n).unwrap_or(u32::MAX))
        })
    }

    fn visitor_ip(&self, visitor: &VisitorId) -> Result<Option<Sighting>> {
        self.prep(|t| {
            let row = t.query_opt(
                "SELECT ip, ip_seen_at FROM visitors WHERE id = $1",
                &[&visitor.as_str()],
            )?;
            Ok(row.and_then(|r| crate::review::sighting(r.get(0), r.get(1))))
        })
    }

    fn sign_up_ip(&self, participant: &ParticipantId) -> Result<Option<Sighting>> {
        self.prep(|t| {
            let row = t.query_opt(
                "SELECT sign_up_ip, created_at FROM participants WHERE id = $1",
                &[&participant.as_str()],
            )?;
            Ok(row.and_then(|r| crate::review::sighting(r.get(0), r.get(1))))
        })
    }

    fn sign_ups_from_ip(&self, offer: &OfferId, ip: &str, since: Millis) -> Result<u32> {
        self.prep(|t| {
            let n: i64 = t
                .query_one(
                    "SELECT count(*) FROM participants
                     WHERE offer_id = $1 AND sign_up_ip = $2 AND created_at >= $3",
                    &[&offer.as_str(), &ip, &since],
                )?
                .get(0);
            Ok(u32::try_from(n).unwrap_or(u32::MAX))
        })
    }

    fn hold_credit(
        &self,
        participant: &ParticipantId,
        key: &str,
        state: &str,
        reasons: &str,
    ) -> Result<()> {
        self.prep(|t| {
            t.execute(
                "UPDATE credits SET review = $3, review_reasons = $4
                 WHERE participant_id = $1 AND key = $2",
                &[&participant.as_str(), &key, &state, &reasons],
            )?;
            Ok(())
        })
    }

    fn review(&self, participant: &ParticipantId, key: &str) -> Result<Option<Review>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM credits
             WHERE participant_id = $1 AND key = $2 AND review IS NOT NULL"
        );
        self.prep(|t| {
            Ok(t.query_opt(&sql, &[&participant.as_str(), &key])?
                .map(|r| review_row(&r)))
        })
    }

    fn settle_review(
        &self,
        participant: &ParticipantId,
        key: &str,
        state: &str,
        now: Millis,
    ) -> Result<()> {
        self.prep(|t| {
            t.execute(
                "UPDATE credits SET review = $3, reviewed_at = $4
                 WHERE participant_id = $1 AND key = $2",
                &[&participant.as_str(), &key, &state, &now],
            )?;
            Ok(())
        })
    }
}

#[async_trait]
impl Reviews for PgStore {
    async fn list_reviews(
        &self,
        offer: Option<OfferId>,
        page: PageRequest,
    ) -> Result<Page<Review>> {
        let skip = decode_cursor(page.cursor.as_deref())?.unwrap_or(0);
        self.read(move |c| {
            let sql = format!(
                "SELECT {COLUMNS} FROM credits
                 WHERE review = 'pending' AND ($1::TEXT IS NULL OR offer_id = $1)
                 ORDER BY created_at, participant_id, key LIMIT $2 OFFSET $3"
            );
            let offer = offer.as_ref().map(OfferId::as_str);
            let rows = c.query(&sql, &[&offer, &fetch_limit(page.limit), &skip])?;
            let numbered = rows
                .iter()
                .enumerate()
                .map(|(i, r)| (skip + i as i64 + 1, review_row(r)))
                .collect();
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
        self.write(audited(audit, move |tx| {
            flows::decide_review(tx, &id, approve, now)
        }))
        .await
    }
}
