//! Existing customers and link-click caps (SPEC §15), written once over the
//! [`Sql`] both backends share.
//!
//! The list keeps SHA-256 of each lower-cased email, whether the merchant
//! uploaded emails or hashes, so a list of hashes is as good as one of
//! addresses and parrain keeps no address it was only told to exclude.

use async_trait::async_trait;
use parrain_core::email::Email;
use parrain_core::ids::{OfferId, ParticipantId};
use parrain_core::limits::{parse_customers, Customer};
use parrain_core::{Millis, DAY};
use sha2::{Digest, Sha256};

use crate::sql::Sql;
use crate::{Result, StoreError};

#[async_trait]
pub trait Eligibility: Send + Sync {
    /// Replaces the offer's existing-customer list with an upload (CSV of
    /// emails or hashes), all or nothing; returns how many the list holds.
    async fn put_existing_customers(&self, offer: &OfferId, upload: String) -> Result<i64>;
    /// Adds an upload to the list (for lists larger than one request).
    async fn add_existing_customers(&self, offer: &OfferId, upload: String) -> Result<i64>;
    async fn existing_customers(&self, offer: &OfferId) -> Result<i64>;
    /// Each participant's credits that do not count, in the order given.
    async fn ineligible_of(
        &self,
        participants: Vec<ParticipantId>,
    ) -> Result<Vec<Vec<crate::IneligibleCredit>>>;
}

/// SHA-256 of the (already lower-cased) email, lower-case hex.
pub(crate) fn email_hash(email: &Email) -> String {
    text_hash(email.as_str())
}

/// SHA-256 of a stored (lower-cased) email, lower-case hex.
pub(crate) fn text_hash(email: &str) -> String {
    Sha256::digest(email.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether the email is on the offer's list.
pub(crate) fn is_customer(db: &impl Sql, offer: &OfferId, email: &Email) -> Result<bool> {
    let found = db.strings(
        "SELECT email_hash FROM existing_customers WHERE offer_id = ?1 AND email_hash = ?2",
        &[offer.as_str(), &email_hash(email)],
    )?;
    Ok(!found.is_empty())
}

/// Adds the email to the offer's list (a customer event).
pub(crate) fn add_customer(db: &impl Sql, offer: &OfferId, email: &Email) -> Result<()> {
    db.exec(
        "INSERT INTO existing_customers (offer_id, email_hash) VALUES (?1, ?2)
         ON CONFLICT (offer_id, email_hash) DO NOTHING",
        &[offer.as_str(), &email_hash(email)],
    )?;
    Ok(())
}

/// Stores an upload, after emptying the list when `replace`; the offer must exist.
pub(crate) fn store_upload(
    db: &impl Sql,
    offer: &OfferId,
    upload: &str,
    replace: bool,
) -> Result<i64> {
    if db
        .strings("SELECT id FROM offers WHERE id = ?1", &[offer.as_str()])?
        .is_empty()
    {
        return Err(StoreError::not_found("offer"));
    }
    let hashes: Vec<String> = parse_customers(upload)
        .map_err(StoreError::CustomerLines)?
        .into_iter()
        .map(|c| match c {
            Customer::Email(email) => email_hash(&email),
            Customer::Hash(hash) => hash,
        })
        .collect();
    if replace {
        db.exec(
            "DELETE FROM existing_customers WHERE offer_id = ?1",
            &[offer.as_str()],
        )?;
    }
    // Many rows per statement: a million hashes are two thousand statements.
    for chunk in hashes.chunks(500) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| format!("(?1, ?{})", i + 2))
            .collect();
        let sql = format!(
            "INSERT INTO existing_customers (offer_id, email_hash) VALUES {}
             ON CONFLICT (offer_id, email_hash) DO NOTHING",
            values.join(", ")
        );
        let mut params: Vec<&str> = vec![offer.as_str()];
        params.extend(chunk.iter().map(String::as_str));
        db.exec(&sql, &params)?;
    }
    count(db, offer)
}

pub(crate) fn count(db: &impl Sql, offer: &OfferId) -> Result<i64> {
    Ok(db
        .strings(
            "SELECT CAST(COUNT(*) AS TEXT) FROM existing_customers WHERE offer_id = ?1",
            &[offer.as_str()],
        )?
        .first()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0))
}

/// Counts a click on the participant's link today; returns today's clicks,
/// this one included. The counter row is locked until the transaction ends,
/// so concurrent clicks count one at a time.
pub(crate) fn count_click(db: &impl Sql, participant: &ParticipantId, now: Millis) -> Result<i64> {
    let day = (now.div_euclid(DAY)).to_string();
    let clicks = db.strings(
        "INSERT INTO link_clicks (participant_id, day, clicks)
         VALUES (?1, CAST(CAST(?2 AS TEXT) AS BIGINT), 1)
         ON CONFLICT (participant_id, day) DO UPDATE SET clicks = link_clicks.clicks + 1
         RETURNING CAST(clicks AS TEXT)",
        &[participant.as_str(), &day],
    )?;
    Ok(clicks.first().and_then(|n| n.parse().ok()).unwrap_or(1))
}

/// The participant's credits that do not count, oldest first: those judged
/// ineligible, blocked by a fraud rule, or rejected in review.
pub(crate) fn ineligible_credits(
    db: &impl Sql,
    participant: &ParticipantId,
) -> Result<Vec<crate::IneligibleCredit>> {
    let rows = db.rows(
        "SELECT c.review, c.review_reasons, c.created_at, pe.email
         FROM credits c LEFT JOIN people pe ON pe.id = c.friend_person
         WHERE c.participant_id = ?1 AND c.review IN ('ineligible', 'blocked', 'rejected')
         ORDER BY c.created_at, c.key",
        &[participant.as_str()],
    )?;
    Ok(rows
        .iter()
        .map(|r| {
            let text = |k: &str| r.get(k).and_then(serde_json::Value::as_str);
            let listed: Vec<String> = text("review_reasons")
                .and_then(|j| serde_json::from_str(j).ok())
                .unwrap_or_default();
            let (reason, rules) = match text("review") {
                Some("blocked") => ("fraud_rule".to_owned(), listed),
                Some("rejected") => ("rejected_in_review".to_owned(), listed),
                _ => (listed.into_iter().next().unwrap_or_default(), Vec::new()),
            };
            crate::IneligibleCredit {
                reason,
                rules,
                friend_email: text("email")
                    .filter(|e| !e.starts_with("erased:"))
                    .map(str::to_owned),
                at: r
                    .get("created_at")
                    .and_then(serde_json::Value::as_i64)
                    .unwrap_or(0),
            }
        })
        .collect())
}

/// Offers' lists of existing customers, written once over the shared SQL
/// layer (`crate::sql`).
#[async_trait]
impl<E: crate::sql::Engine> Eligibility for E {
    async fn put_existing_customers(&self, offer: &OfferId, upload: String) -> Result<i64> {
        let offer = offer.clone();
        self.write_db(move |tx| store_upload(tx, &offer, &upload, true))
            .await
    }

    async fn add_existing_customers(&self, offer: &OfferId, upload: String) -> Result<i64> {
        let offer = offer.clone();
        self.write_db(move |tx| store_upload(tx, &offer, &upload, false))
            .await
    }

    async fn ineligible_of(
        &self,
        participants: Vec<ParticipantId>,
    ) -> Result<Vec<Vec<crate::IneligibleCredit>>> {
        self.read_db(move |db| {
            participants
                .iter()
                .map(|p| ineligible_credits(db, p))
                .collect()
        })
        .await
    }

    async fn existing_customers(&self, offer: &OfferId) -> Result<i64> {
        let offer = offer.clone();
        self.read_db(move |db| count(db, &offer)).await
    }
}
