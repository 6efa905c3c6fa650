//! The review queue on SQLite: [`ReviewTx`] steps for the credit flow, and
//! listing and deciding reviews.

use super::operators::audited;
use crate::Audit;
use async_trait::async_trait;
use parrain_core::email::Email;
use parrain_core::fraud::Sighting;
use parrain_core::ids::{OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::Millis;
use r2d2_sqlite::rusqlite::{params, Connection, OptionalExtension, Row};

use super::{decode_cursor, page_of, SqliteStore};
use crate::flows::{self, ReviewTx};
use crate::review::review_id;
use crate::{Page, PageRequest, Result, Review, Reviews};

const COLUMNS: &str = "participant_id, key, offer_id, friend_person, friend_visitor, review,
    review_reasons, created_at, reviewed_at";

fn review_row(r: &Row<'_>) -> r2d2_sqlite::rusqlite::Result<Review> {
    let participant = ParticipantId::from_trusted(r.get(0)?);
    let key: String = r.get(1)?;
    let reasons: Option<String> = r.get(6)?;
    Ok(Review {
        id: review_id(&participant, &key),
        offer_id: OfferId::from_trusted(r.get(2)?),
        participant_id: participant,
        friend_person_id: r.get(3)?,
        friend_visitor_id: r.get(4)?,
        state: r.get(5)?,
        reasons: reasons
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default(),
        created_at: r.get(7)?,
        reviewed_at: r.get(8)?,
    })
}

impl ReviewTx for Connection {
    fn person_email(&self, person: &PersonId) -> Result<Option<Email>> {
        let email: Option<String> = self
            .prepare_cached("SELECT email FROM people WHERE id = ?1")?
            .query_row([person.as_str()], |r| r.get(0))
            .optional()?;
        Ok(email.and_then(|e| Email::parse(&e).ok()))
    }

    fn credits_since(&self, participant: &ParticipantId, since: Millis) -> Result<u32> {
        let n: i64 = self
            .prepare_cached(
                "SELECT count(*) FROM credits WHERE participant_id = ?1 AND created_at >= ?2",
            )?
            .query_row(params![participant.as_str(), since], |r| r.get(0))?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    fn visitor_ip(&self, visitor: &VisitorId) -> Result<Option<Sighting>> {
        let row: Option<(Option<String>, Option<i64>)> = self
            .prepare_cached("SELECT ip, ip_seen_at FROM visitors WHERE id = ?1")?
            .query_row([visitor.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        Ok(row.and_then(|(ip, at)| crate::review::sighting(ip, at)))
    }

    fn sign_up_ip(&self, participant: &ParticipantId) -> Result<Option<Sighting>> {
        let row: Option<(Option<String>, Option<i64>)> = self
            .prepare_cached("SELECT sign_up_ip, created_at FROM participants WHERE id = ?1")?
            .query_row([participant.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        Ok(row.and_then(|(ip, at)| crate::review::sighting(ip, at)))
    }

    fn sign_ups_from_ip(&self, offer: &OfferId, ip: &str, since: Millis) -> Result<u32> {
        let n: i64 = self
            .prepare_cached(
                "SELECT count(*) FROM participants
                 WHERE offer_id = ?1 AND sign_up_ip = ?2 AND created_at >= ?3",
            )?
            .query_row(params![offer.as_str(), ip, since], |r| r.get(0))?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    fn hold_credit(
        &self,
        participant: &ParticipantId,
        key: &str,
        state: &str,
        reasons: &str,
    ) -> Result<()> {
        self.prepare_cached(
            "UPDATE credits SET review = ?3, review_reasons = ?4
             WHERE participant_id = ?1 AND key = ?2",
        )?
        .execute(params![participant.as_str(), key, state, reasons])?;
        Ok(())
    }

    fn review(&self, participant: &ParticipantId, key: &str) -> Result<Option<Review>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM credits
             WHERE participant_id = ?1 AND key = ?2 AND review IS NOT NULL"
        );
        Ok(self
            .query_row(&sql, params![participant.as_str(), key], review_row)
            .optional()?)
    }

    fn settle_review(
        &self,
        participant: &ParticipantId,
        key: &str,
        state: &str,
        now: Millis,
    ) -> Result<()> {
        self.prepare_cached(
            "UPDATE credits SET review = ?3, reviewed_at = ?4 WHERE participant_id = ?1 AND key = ?2",
        )?
        .execute(params![participant.as_str(), key, state, now])?;
        Ok(())
    }
}

#[async_trait]
impl Reviews for SqliteStore {
    async fn list_reviews(
        &self,
        offer: Option<OfferId>,
        page: PageRequest,
    ) -> Result<Page<Review>> {
        let skip = decode_cursor(page.cursor.as_deref())?.unwrap_or(0);
        self.read(move |conn| {
            let sql = format!(
                "SELECT {COLUMNS} FROM credits
                 WHERE review = 'pending' AND (?1 IS NULL OR offer_id = ?1)
                 ORDER BY created_at, participant_id, key LIMIT ?2 OFFSET ?3"
            );
            let mut stmt = conn.prepare(&sql)?;
            let rows = stmt
                .query_map(
                    params![offer.as_ref().map(OfferId::as_str), page.limit + 1, skip],
                    review_row,
                )?
                .collect::<Result<Vec<_>, _>>()?;
            let numbered = rows
                .into_iter()
                .enumerate()
                .map(|(i, r)| (skip + i as i64 + 1, r))
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
        self.write(audited(audit, move |conn| {
            flows::decide_review(conn, &id, approve, now)
        }))
        .await
    }
}
