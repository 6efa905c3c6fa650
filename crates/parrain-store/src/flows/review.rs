//! Fraud rules in the credit flow: gather a credit's signals, let
//! `parrain_core::fraud` judge, hold or block what it flags, and settle the
//! review queue. Each step is an activity (`credit.flagged`,
//! `credit.approved`, `credit.rejected`); a credit that will never count
//! (blocked, or rejected by an operator) is also `credit.ineligible`, with
//! the reason `fraud_rule` or `rejected_in_review`.

use parrain_core::activity::ActivityType;
use parrain_core::email::Email;
use parrain_core::fraud::{self, Outcome, Sighting, Signals, Verdict};
use parrain_core::ids::{OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::limits::Ineligible;
use parrain_core::offer::OfferSettings;
use parrain_core::Millis;
use serde_json::json;

use super::{credit, FriendIds, LedgerTx, Who};
use crate::review::{parse_review_id, review_id};
use crate::{Offer, Result, Review, StoreError, Tracked};

/// How far back the velocity rules count.
pub(crate) const HOUR: Millis = 60 * 60 * 1000;

/// What the fraud rules ask of a referrer, read by an engine with the
/// statement that locked it to credit it (PostgreSQL: see
/// [`super::LedgerTx::kept_signals`]), so after every credit before this
/// one.
#[derive(Clone)]
pub(crate) struct ReferrerSignals {
    /// The address it signed up from, and the one its browser was last seen at.
    pub ips: Vec<Sighting>,
    pub email: Option<Email>,
    /// Its credits since an hour before the credit, this one included.
    pub credits_last_hour: u32,
}

/// The database steps of the review queue.
pub(crate) trait ReviewTx {
    fn person_email(&self, person: &PersonId) -> Result<Option<Email>>;
    /// Credits the participant got since `since`, held ones included.
    fn credits_since(&self, participant: &ParticipantId, since: Millis) -> Result<u32>;
    /// The address a browser was last seen at.
    fn visitor_ip(&self, visitor: &VisitorId) -> Result<Option<Sighting>>;
    /// The address a participant signed up from, at its sign-up time.
    fn sign_up_ip(&self, participant: &ParticipantId) -> Result<Option<Sighting>>;
    /// Sign-ups to the offer from this address since `since`.
    fn sign_ups_from_ip(&self, offer: &OfferId, ip: &str, since: Millis) -> Result<u32>;
    /// Marks a credit `pending` or `blocked`, with the rules that fired.
    fn hold_credit(
        &self,
        participant: &ParticipantId,
        key: &str,
        state: &str,
        reasons: &str,
    ) -> Result<()>;
    fn review(&self, participant: &ParticipantId, key: &str) -> Result<Option<Review>>;
    /// Marks a pending credit `approved` or `rejected`.
    fn settle_review(
        &self,
        participant: &ParticipantId,
        key: &str,
        state: &str,
        now: Millis,
    ) -> Result<()>;
}

/// What the offer's rules say about this credit.
pub(crate) fn judge(
    tx: &impl LedgerTx,
    offer: &OfferId,
    settings: &OfferSettings,
    referrer: &ParticipantId,
    friend: &FriendIds,
    now: Millis,
) -> Result<Verdict> {
    let friend_email = match &friend.person {
        Some(person) => tx.person_email(person)?,
        None => None,
    };
    let mut friend_ips = Vec::new();
    for visitor in &friend.visitors {
        let seen = match tx.kept_sighting(visitor) {
            Some(seen) => seen,
            None => tx.visitor_ip(visitor)?,
        };
        friend_ips.extend(seen);
    }
    let kept = match tx.kept_signals(referrer) {
        Some(kept) => kept,
        None => referrer_signals(tx, referrer, now)?,
    };
    let mut sign_ups_from_friend_ip_last_hour = 0;
    for seen in &friend_ips {
        let n = tx.sign_ups_from_ip(offer, &seen.ip.to_string(), now - HOUR)?;
        sign_ups_from_friend_ip_last_hour = sign_ups_from_friend_ip_last_hour.max(n);
    }
    let signals = Signals {
        friend_email,
        referrer_email: kept.email,
        referrer_credits_last_hour: kept.credits_last_hour,
        friend_ips,
        referrer_ips: kept.ips,
        sign_ups_from_friend_ip_last_hour,
        now,
    };
    Ok(fraud::judge(&settings.fraud, &signals))
}

/// What the fraud rules ask of the referrer, read one by one.
fn referrer_signals(
    tx: &impl LedgerTx,
    referrer: &ParticipantId,
    now: Millis,
) -> Result<ReferrerSignals> {
    let (owner, own_browser) = tx.participant_owner(referrer)?;
    let mut ips = Vec::from_iter(tx.sign_up_ip(referrer)?);
    if let Some(browser) = &own_browser {
        ips.extend(tx.visitor_ip(browser)?);
    }
    Ok(ReferrerSignals {
        ips,
        email: tx.person_email(&owner)?,
        credits_last_hour: tx.credits_since(referrer, now - HOUR)?,
    })
}

/// Holds (review) or blocks a flagged credit; it does not count.
pub(crate) fn hold(
    tx: &impl LedgerTx,
    offer: &Offer,
    referrer: &ParticipantId,
    friend: &FriendIds,
    key: &str,
    verdict: &Verdict,
    now: Millis,
) -> Result<Tracked> {
    let (state, reason) = match verdict.outcome {
        Outcome::Block => ("blocked", "blocked_by_fraud_rule"),
        _ => ("pending", "under_review"),
    };
    tx.hold_credit(referrer, key, state, &json!(verdict.reasons).to_string())?;
    let who = Who {
        offer: Some(&offer.id),
        participant: Some(referrer),
        person: friend.person.as_ref(),
        visitor: friend.visitors.first(),
    };
    let details = json!({"outcome": verdict.outcome, "reasons": verdict.reasons,
        "review_id": (state == "pending").then(|| review_id(referrer, key)), "key": key});
    tx.record(ActivityType::CreditFlagged, who, details, now)?;
    if verdict.outcome == Outcome::Block {
        let who = Who {
            offer: Some(&offer.id),
            participant: Some(referrer),
            person: friend.person.as_ref(),
            visitor: friend.visitors.first(),
        };
        let details = json!({"reason": Ineligible::FraudRule.as_str(), "rules": verdict.reasons,
            "key": key});
        tx.record(ActivityType::CreditIneligible, who, details, now)?;
    }
    Ok(Tracked {
        credited: false,
        reason: Some(reason),
        participant_id: Some(referrer.clone()),
    })
}

/// Approves (the credit counts now, as if just earned) or rejects a review.
pub(crate) fn decide(tx: &impl LedgerTx, id: &str, approve: bool, now: Millis) -> Result<Review> {
    let (referrer, key) = parse_review_id(id).ok_or(StoreError::not_found("review"))?;
    let review = tx
        .review(&referrer, &key)?
        .filter(|r| r.state != "blocked")
        .ok_or(StoreError::not_found("review"))?;
    if review.state != "pending" {
        return Err(StoreError::conflict(
            "review_decided",
            format!("this credit was already {}", review.state),
        ));
    }
    let state = if approve { "approved" } else { "rejected" };
    tx.settle_review(&referrer, &key, state, now)?;
    let friend = FriendIds {
        person: review.friend_person_id.clone().map(PersonId::from_trusted),
        visitors: review
            .friend_visitor_id
            .clone()
            .map(VisitorId::from_trusted)
            .into_iter()
            .collect(),
        at_hand: None,
        new_person: false,
    };
    let offer = tx.offer(&review.offer_id)?;
    let kind = if approve {
        let settings = offer
            .live
            .as_ref()
            .unwrap_or_else(|| offer.editable())
            .clone();
        credit::count(tx, &offer, &settings, &referrer, &friend, &key, now)?;
        ActivityType::CreditApproved
    } else {
        ActivityType::CreditRejected
    };
    let who = Who {
        offer: Some(&offer.id),
        participant: Some(&referrer),
        person: friend.person.as_ref(),
        visitor: friend.visitors.first(),
    };
    tx.record(kind, who, json!({"review_id": id, "key": key}), now)?;
    if !approve {
        let who = Who {
            offer: Some(&offer.id),
            participant: Some(&referrer),
            person: friend.person.as_ref(),
            visitor: friend.visitors.first(),
        };
        let details = json!({"reason": Ineligible::RejectedInReview.as_str(), "review_id": id,
            "key": key});
        tx.record(ActivityType::CreditIneligible, who, details, now)?;
    }
    tx.review(&referrer, &key)?
        .ok_or(StoreError::not_found("review"))
}
