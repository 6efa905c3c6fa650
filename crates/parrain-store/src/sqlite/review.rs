//! The review steps of the credit flow on SQLite ([`ReviewTx`]); listing and
//! deciding reviews is written once, in `crate::review`.

use parrain_core::email::Email;
use parrain_core::fraud::Sighting;
use parrain_core::ids::{OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::Millis;
use r2d2_sqlite::rusqlite::{params, Connection, OptionalExtension};

use crate::flows::ReviewTx;
use crate::{Result, Review};

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
        crate::review::find(self, participant, key)
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
