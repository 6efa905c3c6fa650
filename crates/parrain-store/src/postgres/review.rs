//! The review steps of the credit flow on PostgreSQL ([`ReviewTx`]); listing
//! and deciding reviews is written once, in `crate::review`.

use parrain_core::email::Email;
use parrain_core::fraud::Sighting;
use parrain_core::ids::{OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::Millis;

use super::{PgTx, Sql};
use crate::flows::ReviewTx;
use crate::{Result, Review};

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
        crate::review::find(self, participant, key)
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
