//! Share first, then sign up (`sign_up_flow: share_then_capture`): a
//! browser gets its share code before its owner gives an email.
//!
//! The code is *pending*: a row of `pending_codes` bound to the offer and
//! the browser that asked, with a `pen_` id. A friend's click (or visit)
//! with it attributes the friend's browser to that id as a real code
//! attributes to a participant, but a pending code has no participant, so
//! nothing counts it: no activity, no credit, no report (the referrer
//! lookup passes over a `pen_` touch). When the same browser signs up on
//! the offer, the new participant takes the code over, the friends'
//! attributions move to it, and each friend is credited once for what it
//! already did by the offer's goal (a visit, a sign-up), through the usual
//! credit rules. Codes never signed up go with retention.

use parrain_core::code::ReferralCode;
use parrain_core::credit::Fact;
use parrain_core::ids::{OfferId, ParticipantId, PendingId, VisitorId};
use parrain_core::offer::{GoalType, SignUpFlow};
use parrain_core::Millis;
use serde_json::Value;

use super::credit::{award, is_self, referrer_of, touch, Clues};
use super::{FriendIds, LedgerTx};
use crate::sql::Param;
use crate::{Offer, PendingCode, Result, StoreError};

/// A pending code as stored.
pub(crate) struct Pending {
    pub id: PendingId,
    pub code: String,
    pub offer: OfferId,
    /// The browser it was handed to: the only one that may take it over.
    pub visitor: VisitorId,
}

/// Whether an attribution's touch is a pending code's, not a participant's.
pub(crate) fn is_pending(touch_id: &str) -> bool {
    touch_id
        .strip_prefix(PendingId::PREFIX)
        .is_some_and(|rest| rest.starts_with('_'))
}

fn pending_from(rows: Vec<serde_json::Map<String, Value>>) -> Option<Pending> {
    let row = rows.into_iter().next()?;
    let text = |k: &str| row.get(k).and_then(Value::as_str).map(str::to_owned);
    Some(Pending {
        id: PendingId::from_trusted(text("id")?),
        code: text("code")?,
        offer: OfferId::from_trusted(text("offer_id")?),
        visitor: VisitorId::from_trusted(text("visitor_id")?),
    })
}

/// The pending code with this code, if one is.
pub(crate) fn by_code(tx: &impl LedgerTx, code: &str) -> Result<Option<Pending>> {
    Ok(pending_from(tx.rows(
        "SELECT id, code, offer_id, visitor_id FROM pending_codes WHERE code = ?1",
        &[code],
    )?))
}

fn of_visitor(tx: &impl LedgerTx, offer: &OfferId, visitor: &VisitorId) -> Result<Option<Pending>> {
    Ok(pending_from(tx.rows(
        "SELECT id, code, offer_id, visitor_id FROM pending_codes
         WHERE offer_id = ?1 AND visitor_id = ?2",
        &[offer.as_str(), visitor.as_str()],
    )?))
}

/// The browser's pending code on the offer, made on its first request; the
/// same browser asking again gets the same code. Only a live offer whose
/// sign-up flow is `share_then_capture` hands them out.
pub(crate) fn request(
    tx: &impl LedgerTx,
    offer_id: &OfferId,
    visitor: &VisitorId,
    now: Millis,
) -> Result<PendingCode> {
    let offer = tx.offer(offer_id)?;
    let Some(settings) = offer.live_at(now) else {
        return Err(StoreError::conflict(
            "offer_not_live",
            format!(
                "the offer does not take sign-ups now ({})",
                offer.not_live_reason(now).unwrap_or("not live")
            ),
        ));
    };
    if settings.sign_up_flow != SignUpFlow::ShareThenCapture {
        return Err(StoreError::conflict(
            "not_share_then_capture",
            "a share code before sign-up is only for offers whose sign_up_flow is \
             share_then_capture: sign up to get one",
        ));
    }
    for _ in 0..8 {
        if let Some(pending) = of_visitor(tx, offer_id, visitor)? {
            return Ok(PendingCode {
                code: pending.code,
                created: false,
            });
        }
        // Drawn longer than a participant's code; an imported code could
        // still be this one.
        let code = ReferralCode::generate_pending();
        if tx.participant_by_code(code.as_str())?.is_some() {
            continue;
        }
        let id = PendingId::generate();
        // Nothing inserted: the code is taken, or the same browser asked at
        // the same time (the next round finds its code).
        let inserted = tx.execute(
            "INSERT INTO pending_codes (id, code, offer_id, visitor_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
            &[
                Param::Text(Some(id.as_str())),
                Param::Text(Some(code.as_str())),
                Param::Text(Some(offer_id.as_str())),
                Param::Text(Some(visitor.as_str())),
                Param::Int(Some(now)),
            ],
        )?;
        if inserted == 1 {
            tx.see_visitor(visitor, None, None, now)?;
            return Ok(PendingCode {
                code: code.to_string(),
                created: true,
            });
        }
    }
    Err(StoreError::database("could not draw a free share code"))
}

/// Attributes a friend's browser to a pending code, unless it is the
/// browser the code was handed to.
pub(crate) fn touch_pending(
    tx: &impl LedgerTx,
    offer: &Offer,
    pending: &Pending,
    visitor: &VisitorId,
    channel: Option<&str>,
    now: Millis,
) -> Result<()> {
    let Some(settings) = offer.live_at(now) else {
        return Ok(());
    };
    if *visitor == pending.visitor {
        return Ok(());
    }
    touch(
        tx,
        &offer.id,
        settings,
        visitor,
        pending.id.as_str(),
        channel,
        now,
    )
}

/// A click on a pending code's link (where it goes is
/// `tracking::follow`'s): attributes the browser; no activity is recorded
/// (it has no participant yet). Nothing when the code is not a pending one
/// either.
pub(crate) fn record_click(
    tx: &impl LedgerTx,
    code: &ReferralCode,
    click: &super::Seen<'_>,
    now: Millis,
) -> Result<()> {
    let Some(pending) = by_code(tx, code.as_str())? else {
        return Ok(());
    };
    let offer = tx.offer(&pending.offer)?;
    tx.see_visitor(click.visitor, None, click.ip, now)?;
    let channel = Some(click.channel.unwrap_or("link"));
    touch_pending(tx, &offer, &pending, click.visitor, channel, now)
}

/// The browser's pending code on the offer, taken for the participant it
/// is signing up: removed from the pending ones (the participant's row
/// holds the code from now on).
pub(crate) fn take(
    tx: &impl LedgerTx,
    offer: &OfferId,
    visitor: &VisitorId,
) -> Result<Option<Pending>> {
    let Some(pending) = of_visitor(tx, offer, visitor)? else {
        return Ok(None);
    };
    tx.exec(
        "DELETE FROM pending_codes WHERE id = ?1",
        &[pending.id.as_str()],
    )?;
    Ok(Some(pending))
}

/// The browsers attributed to the pending code `?2` of the offer `?1`, in
/// the order they came. That the id sorts between `pen` and `peo` (every
/// pending code's id does: `pen_…`) is written out for SQLite to use its
/// index of a pending code's browsers: it keeps none by participant
/// (migration 0025).
pub(crate) const PENDING_BROWSERS: &str = "SELECT visitor_id FROM attributions
    WHERE offer_id = ?1 AND participant_id = ?2
      AND participant_id > 'pen' AND participant_id < 'peo'
    ORDER BY touched_at, visitor_id";

/// Attributes the browsers of the pending code `?2` of the offer `?1` to the
/// participant `?3`, through the same index.
pub(crate) const MOVE_PENDING: &str = "UPDATE attributions SET participant_id = ?3
    WHERE offer_id = ?1 AND participant_id = ?2
      AND participant_id > 'pen' AND participant_id < 'peo'";

/// After `participant` took over `pending`: its friends' browsers are
/// attributed to the participant, and each friend is credited once for
/// what it did before, by the offer's goal (a visit for `referred_visits`,
/// its sign-up for `referred_signups`, with the friend's sign-up reward),
/// through the same rules as when it happens, so a fact already credited
/// is not credited again.
pub(crate) fn credit_friends(
    tx: &impl LedgerTx,
    offer: &Offer,
    participant: &ParticipantId,
    pending: &Pending,
    now: Millis,
) -> Result<()> {
    // The participant is new in this transaction: no browser was its own
    // before, so its browsers are the code's.
    let visitors = tx.strings(PENDING_BROWSERS, &[offer.id.as_str(), pending.id.as_str()])?;
    tx.exec(
        MOVE_PENDING,
        &[offer.id.as_str(), pending.id.as_str(), participant.as_str()],
    )?;
    let Some(settings) = offer.live_at(now) else {
        return Ok(());
    };
    for visitor in visitors {
        let visitor = VisitorId::from_trusted(visitor);
        let friend = FriendIds::of_visitor(tx, &visitor)?;
        if is_self(tx, participant, &friend)? {
            continue;
        }
        let signed_up = match &friend.person {
            Some(person) => tx.participant_of(&offer.id, person)?,
            None => None,
        };
        match settings.goal.kind {
            GoalType::ReferredVisits => {
                if let Some((start, _)) = tx.visit_session(&offer.id, &visitor)? {
                    let visit = |friend| Fact::Visit {
                        friend,
                        session: start,
                    };
                    award(tx, offer, &friend, None, &Clues::default(), visit, now)?;
                }
            }
            // With `fraud.verify_friend_email` a sign-up's credit waits for
            // a confirmation the friend was never asked for: none is given.
            GoalType::ReferredSignups
                if signed_up.is_some() && !settings.fraud.verify_friend_email =>
            {
                let sign_up = |friend| Fact::SignUp { friend };
                award(tx, offer, &friend, None, &Clues::default(), sign_up, now)?;
            }
            _ => {}
        }
        if let Some(friend_participant) = &signed_up {
            let found = referrer_of(tx, &offer.id, settings, &friend, &Clues::default(), now)?;
            if found.is_some_and(|f| f.participant == *participant)
                && !settings.fraud.verify_friend_email
            {
                super::rewards::after_sign_up(
                    tx,
                    offer,
                    settings,
                    friend_participant,
                    participant,
                    now,
                )?;
            }
        }
    }
    Ok(())
}
