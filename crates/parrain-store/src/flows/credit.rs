//! Attribution and the credit ledger: who a friend counts for, whether it is
//! the participant itself, one credit per qualifying fact, the goal, and
//! fulfilment with a promo code.

use parrain_core::activity::ActivityType;
use parrain_core::attribution::{self, Found, Method, Touch};
use parrain_core::code::ReferralCode;
use parrain_core::credit::{self, Fact, Friend};
use parrain_core::fraud::Outcome;
use parrain_core::ids::{OfferId, ParticipantId, VisitorId};
use parrain_core::limits::{self, Ineligible};
use parrain_core::offer::{AttributionModel, Delivery, OfferSettings};
use parrain_core::Millis;
use serde_json::json;

use super::{FriendIds, LedgerTx, Who};
use crate::{eligibility, referrers, EmailJob, Offer, Result, StoreError, Tracked};

/// A touch of a share link: attributes the browser to the participant (or
/// to a pending code's id, see `pending.rs`).
pub(crate) fn touch(
    tx: &impl LedgerTx,
    offer: &OfferId,
    settings: &OfferSettings,
    visitor: &parrain_core::ids::VisitorId,
    participant: &str,
    channel: Option<&str>,
    now: Millis,
) -> Result<()> {
    let current = tx.attribution(offer, visitor)?;
    let new = Touch {
        participant: participant.to_string(),
        at: now,
    };
    let kept = attribution::after_touch(
        current.as_ref(),
        new,
        settings.attribution.model,
        settings.window_millis(),
    );
    if current.as_ref() != Some(&kept) {
        let channel = channel.filter(|_| kept.at == now && kept.participant == participant);
        tx.set_attribution(offer, visitor, &kept, channel)?;
    }
    Ok(())
}

/// What a request says about the friend's referrer, besides its browsers.
#[derive(Default)]
pub(crate) struct Clues {
    /// The participant whose share code the request carries for the offer
    /// (a sign-up's `referral_code`): found by `link`.
    pub code: Option<ParticipantId>,
    /// A share code used as a coupon at checkout: found by `coupon`.
    pub coupon: Option<String>,
    /// The id of the event the fact is (a server event's `id`, a Give
    /// Credit call's `event_id`): with `goal.credit_per: "event"`, each
    /// distinct one is a credit.
    pub event_id: Option<String>,
    /// The participant the friend claimed by name: found by `name`.
    pub name: Option<ParticipantId>,
}

/// The participant a friend counts for in an offer now, if any: the one
/// recorded for it, else the first of the offer's methods that finds one.
pub(crate) fn referrer_of(
    tx: &impl LedgerTx,
    offer: &OfferId,
    settings: &OfferSettings,
    friend: &FriendIds,
    clues: &Clues,
    now: Millis,
) -> Result<Option<Found<ParticipantId>>> {
    let recorded = tx.recorded_referrer(offer, &friend.keys())?;
    attribution::choose(recorded, &settings.attribution.methods, |method| {
        match method {
            Method::Link => match &clues.code {
                Some(p) => Ok(Some(p.clone())),
                None => match &friend.at_hand {
                    Some(v) => touched(tx, offer, settings, std::slice::from_ref(v), now),
                    // Named by a server (an email, a person): its browsers are its own.
                    None => touched(tx, offer, settings, &friend.visitors, now),
                },
            },
            Method::Email => {
                let others: Vec<VisitorId> = match &friend.at_hand {
                    Some(v) => friend
                        .visitors
                        .iter()
                        .filter(|o| *o != v)
                        .cloned()
                        .collect(),
                    None => Vec::new(),
                };
                match touched(tx, offer, settings, &others, now)? {
                    Some(p) => Ok(Some(p)),
                    // A sign-up of this email with a share code, on any device.
                    None => match &friend.person {
                        Some(person) if !friend.new_person => tx.referred_by(offer, person),
                        _ => Ok(None),
                    },
                }
            }
            Method::Coupon => match clues.coupon.as_deref().map(ReferralCode::parse) {
                Some(Ok(code)) => Ok(tx
                    .participant_by_code(code.as_str())?
                    .filter(|(_, of)| of == offer)
                    .map(|(p, _)| p)),
                _ => Ok(None),
            },
            // Named only by a claim, which records what it finds at once.
            Method::Name => Ok(clues.name.clone()),
        }
    })
}

/// The referrer the share-link touches of these browsers point to, by the
/// offer's model, within its window.
fn touched(
    tx: &impl LedgerTx,
    offer: &OfferId,
    settings: &OfferSettings,
    visitors: &[VisitorId],
    now: Millis,
) -> Result<Option<ParticipantId>> {
    let window = settings.window_millis();
    let mut touches = Vec::new();
    for visitor in visitors {
        if let Some(t) = tx.attribution(offer, visitor)? {
            touches.push(t);
        }
    }
    // A pending code's touch points to no participant yet: nobody to credit.
    touches.retain(|t| {
        attribution::in_window(t, now, window) && !super::pending::is_pending(&t.participant)
    });
    let chosen = match settings.attribution.model {
        AttributionModel::FirstTouch => touches.into_iter().min_by_key(|t| t.at),
        AttributionModel::LastTouch => touches.into_iter().max_by_key(|t| t.at),
    };
    Ok(chosen.map(|t| ParticipantId::from_trusted(t.participant)))
}

/// Records the friend's referrer unless it has one; returns the one that
/// stands (another request may have recorded it first). `to_credit`: the
/// flow credits it next (see [`LedgerTx::record_referrer`]).
pub(crate) fn attribute(
    tx: &impl LedgerTx,
    offer: &OfferId,
    friend: &FriendIds,
    found: Found<ParticipantId>,
    to_credit: bool,
    now: Millis,
) -> Result<Found<ParticipantId>> {
    match friend.key() {
        Some(key) => {
            let stands = tx.record_referrer(offer, key, &found, to_credit, now)?;
            if friend.person.is_some() {
                // Recorded under the person now: a browser's own record (a
                // claim, a visit's credit) would count the friend twice.
                referrers::forget_browsers(tx, offer, &friend.visitors)?;
            }
            Ok(stands)
        }
        None => Ok(found),
    }
}

/// Whether the friend is the participant itself (its email or its browsers).
pub(crate) fn is_self(
    tx: &impl LedgerTx,
    participant: &ParticipantId,
    friend: &FriendIds,
) -> Result<bool> {
    // Someone created by this very transaction, without a browser, is no
    // participant yet.
    if friend.new_person && friend.visitors.is_empty() {
        return Ok(false);
    }
    let (person, own_browser) = tx.participant_owner(participant)?;
    if friend.person.as_ref() == Some(&person) {
        return Ok(true);
    }
    for v in &friend.visitors {
        if own_browser.as_ref() == Some(v)
            || tx.visitor_person(v)?.flatten().as_ref() == Some(&person)
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Gives credit for a fact to the friend's referrer (looked up unless known),
/// once per credit key; reaches the goal and fulfils as the offer says. A
/// referrer looked up is recorded as the friend's at its first goal fact.
pub(crate) fn award(
    tx: &impl LedgerTx,
    offer: &Offer,
    friend: &FriendIds,
    known_referrer: Option<&ParticipantId>,
    clues: &Clues,
    fact: impl FnOnce(Friend) -> Fact,
    now: Millis,
) -> Result<Tracked> {
    let not = |reason| {
        Ok(Tracked {
            credited: false,
            reason: Some(reason),
            participant_id: None,
        })
    };
    let Some(settings) = offer.live_at(now) else {
        return not("offer_not_live");
    };
    let (referrer, found) = match known_referrer {
        Some(p) => (p.clone(), None),
        None => match referrer_of(tx, &offer.id, settings, friend, clues, now)? {
            Some(found) => (found.participant.clone(), Some(found)),
            None => return not("not_referred"),
        },
    };
    let not_for = |reason, referrer: &ParticipantId| {
        Ok(Tracked {
            credited: false,
            reason: Some(reason),
            participant_id: Some(referrer.clone()),
        })
    };
    let self_referral = is_self(tx, &referrer, friend)?;
    let goal = &settings.goal;
    let fact = fact(friend.as_friend());
    let event = goal.event.as_ref().map(|e| e.name());
    let Some(key) = credit::credit_key(goal.kind, event, settings.visit_counting, &fact) else {
        let reason = if self_referral {
            "self_referral"
        } else {
            "not_a_goal_fact"
        };
        return not_for(reason, &referrer);
    };
    let key = credit::per_event(key, goal.kind, goal.credit_per, clues.event_id.as_deref());
    if self_referral {
        // Kept like any credit that does not count, so it is told once.
        if !tx.insert_credit(&referrer, &key, &offer.id, friend, now)? {
            return not_for("self_referral", &referrer);
        }
        return ineligible(
            tx,
            offer,
            &referrer,
            friend,
            &key,
            Ineligible::SelfReferral,
            now,
        );
    }
    let referrer = match found {
        Some(found) => attribute(tx, &offer.id, friend, found, true, now)?.participant,
        None => referrer,
    };
    if !tx.insert_credit(&referrer, &key, &offer.id, friend, now)? {
        return not_for("already_credited", &referrer);
    }
    if let Some(why) = ineligibility(tx, &offer.id, settings, &referrer, friend)? {
        return ineligible(tx, offer, &referrer, friend, &key, why, now);
    }
    let verdict = super::review::judge(tx, &offer.id, settings, &referrer, friend, now)?;
    if verdict.outcome != Outcome::Allow {
        return super::review::hold(tx, offer, &referrer, friend, &key, &verdict, now);
    }
    count(tx, offer, settings, &referrer, friend, &key, now)
}

/// Why a new credit would not count: an existing customer, the referrer's
/// caps on credits and rewards (read after `insert_credit` locked the
/// referrer, so concurrent credits meet a cap one at a time).
fn ineligibility(
    tx: &impl LedgerTx,
    offer: &OfferId,
    settings: &OfferSettings,
    referrer: &ParticipantId,
    friend: &FriendIds,
) -> Result<Option<Ineligible>> {
    let existing = match (
        &friend.person,
        settings.eligibility.exclude_existing_customers,
    ) {
        (Some(person), true) => match tx.person_email(person)? {
            Some(email) => eligibility::is_customer(tx, offer, &email)?,
            None => false,
        },
        _ => false,
    };
    let credit = match settings.limits.max_credits_per_referrer {
        Some(_) => tx.progress(referrer)?.credit,
        None => 0,
    };
    let rewards = match settings.limits.max_rewards_per_referrer {
        Some(_) if !settings.rewards.is_empty() => super::rewards::referrer_rewards(tx, referrer)?,
        _ => 0,
    };
    Ok(limits::judge(
        &settings.eligibility,
        &settings.limits,
        existing,
        credit,
        rewards,
    ))
}

/// Keeps a credit that does not count in the ledger (so the same fact again
/// is a duplicate) and records `credit.ineligible` with the reason.
pub(crate) fn ineligible(
    tx: &impl LedgerTx,
    offer: &Offer,
    referrer: &ParticipantId,
    friend: &FriendIds,
    key: &str,
    why: Ineligible,
    now: Millis,
) -> Result<Tracked> {
    tx.hold_credit(
        referrer,
        key,
        "ineligible",
        &json!([why.as_str()]).to_string(),
    )?;
    let who = Who {
        offer: Some(&offer.id),
        participant: Some(referrer),
        person: friend.person.as_ref(),
        visitor: friend.visitors.first(),
    };
    tx.record(
        ActivityType::CreditIneligible,
        who,
        json!({"reason": why.as_str(), "key": key}),
        now,
    )?;
    Ok(Tracked {
        credited: false,
        reason: Some(why.as_str()),
        participant_id: Some(referrer.clone()),
    })
}

/// Counts a credit already in the ledger: progress, the goal, fulfilment.
pub(crate) fn count(
    tx: &impl LedgerTx,
    offer: &Offer,
    settings: &OfferSettings,
    referrer: &ParticipantId,
    friend: &FriendIds,
    key: &str,
    now: Millis,
) -> Result<Tracked> {
    let goal = &settings.goal;
    let with_rewards = !settings.rewards.is_empty();
    // With rewards the goal's reward is the fulfilment, given by `rewards`.
    let delivery = if with_rewards {
        Delivery::Manual
    } else {
        settings.fulfillment.delivery
    };
    let before = tx.progress(referrer)?;
    let outcome = credit::after_credit(before, goal.count.unwrap_or(i64::MAX), delivery);
    tx.set_credit(
        referrer,
        outcome.progress.credit,
        outcome.achieved_now.then_some(now),
    )?;
    let who = Who {
        offer: Some(&offer.id),
        participant: Some(referrer),
        person: friend.person.as_ref(),
        visitor: friend.visitors.first(),
    };
    let details = json!({"credit": outcome.progress.credit, "goal_type": goal.kind, "key": key});
    tx.record(ActivityType::RefersToSocialApp, who, details, now)?;
    if outcome.achieved_now {
        tx.record(
            ActivityType::AchievedGoal,
            Who {
                offer: Some(&offer.id),
                participant: Some(referrer),
                ..Who::default()
            },
            json!({"credit": outcome.progress.credit, "goal_count": goal.count}),
            now,
        )?;
    }
    if with_rewards {
        let credits = (before.credit, outcome.progress.credit);
        super::rewards::after_credit(tx, offer, settings, referrer, friend, credits, now)?;
    } else if outcome.fulfil_now {
        fulfil(tx, offer, referrer, now)?;
    }
    Ok(Tracked {
        credited: true,
        reason: None,
        participant_id: Some(referrer.clone()),
    })
}

/// Fulfils a participant: marks it, hands out the next unused promo code
/// (or records that the pool is empty), and queues the fulfilment email.
pub(crate) fn fulfil(
    tx: &impl LedgerTx,
    offer: &Offer,
    participant: &ParticipantId,
    now: Millis,
) -> Result<Option<String>> {
    let settings = offer.live.as_ref().unwrap_or_else(|| offer.editable());
    if !settings.rewards.is_empty() {
        return super::rewards::fulfil(tx, offer, settings, participant, now);
    }
    if !tx.mark_fulfilled(participant, now)? {
        return Err(StoreError::conflict(
            "already_fulfilled",
            "the participant is already fulfilled",
        ));
    }
    let code = tx.take_promo_code(&offer.id, participant, now)?;
    if code.is_some() {
        super::low_stock::check(tx, &offer.id, parrain_core::reward::DEFAULT_POOL, now)?;
    }
    let who = || Who {
        offer: Some(&offer.id),
        participant: Some(participant),
        ..Who::default()
    };
    if code.is_none() {
        tx.record(ActivityType::PromoCodesExhausted, who(), json!({}), now)?;
    }
    tx.record(
        ActivityType::OfferFulfilled,
        who(),
        json!({"promo_code": code}),
        now,
    )?;
    if settings.emails.fulfillment.is_some() {
        let job = EmailJob::Fulfillment {
            offer_id: offer.id.clone(),
            participant_id: participant.clone(),
        };
        tx.enqueue(job.into(), now)?;
    }
    Ok(code)
}
