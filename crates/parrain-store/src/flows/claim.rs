//! A friend's claim of a referrer found by name (SPEC §15, method `name`).
//!
//! The claim is a clue like a share code or a coupon: the offer's methods
//! are tried in their order with it, and whatever they find first is
//! recorded as the friend's referrer. A friend attributed before keeps its
//! referrer, and a claim of oneself is refused, so a claim can only attribute
//! a friend nobody had found yet.

use parrain_core::ids::{OfferId, ParticipantId, VisitorId};
use parrain_core::Millis;

use super::credit::{attribute, is_self, referrer_of, Clues};
use super::{FriendIds, LedgerTx};
use crate::{Claimed, Result, StoreError};

/// The browser `visitor` claims `participant` (a participant of the offer)
/// as its referrer in the offer.
pub(crate) fn claim(
    tx: &impl LedgerTx,
    offer: &OfferId,
    visitor: &VisitorId,
    participant: &ParticipantId,
    ip: Option<String>,
    now: Millis,
) -> Result<Claimed> {
    let offer = tx.offer(offer)?;
    let Some(settings) = offer.live_at(now) else {
        return Err(StoreError::conflict(
            "offer_not_live",
            "the offer is not live",
        ));
    };
    tx.see_visitor(visitor, None, ip.as_deref(), now)?;
    let friend = FriendIds::of_visitor(tx, visitor)?;
    let clues = Clues {
        name: Some(participant.clone()),
        ..Clues::default()
    };
    let Some(found) = referrer_of(tx, &offer.id, settings, &friend, &clues, now)? else {
        return Ok(Claimed {
            claimed: false,
            method: None,
            reason: Some("not_referred"),
        });
    };
    if is_self(tx, &found.participant, &friend)? {
        return Ok(Claimed {
            claimed: false,
            method: None,
            reason: Some("self_referral"),
        });
    }
    let stands = attribute(tx, &offer.id, &friend, found, false, now)?;
    let claimed = stands.participant == *participant;
    Ok(Claimed {
        claimed,
        method: Some(stands.method),
        reason: (!claimed).then_some("already_referred"),
    })
}
