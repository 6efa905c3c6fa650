//! The review queue of credits a fraud rule held (`parrain_core::fraud`):
//! listed, then approved (the credit counts, the goal may be reached) or
//! rejected (it never counts). A review's id is its credit's, made opaque.

use crate::Audit;
use async_trait::async_trait;
use base64::Engine as _;
use parrain_core::ids::{OfferId, ParticipantId};
use parrain_core::Millis;
use serde::Serialize;

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
pub(crate) fn sighting(
    ip: Option<String>,
    at: Option<Millis>,
) -> Option<parrain_core::fraud::Sighting> {
    Some(parrain_core::fraud::Sighting {
        ip: ip?.parse().ok()?,
        at: at?,
    })
}
