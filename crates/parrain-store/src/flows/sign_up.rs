//! Sign-up and fulfilment by hand.

use parrain_core::activity::ActivityType;
use parrain_core::attribution::Found;
use parrain_core::code::ReferralCode;
use parrain_core::credit::{self, Fact};
use parrain_core::ids::{OfferId, ParticipantId, PersonId};
use parrain_core::offer::SignUpFlow;
use parrain_core::reward::RewardFor;
use parrain_core::Millis;
use serde_json::json;

use super::credit::{attribute, award, fulfil, is_self, referrer_of, touch, Clues};
use super::{FriendIds, LedgerTx, NewParticipant, Who};
use crate::EmailJob;
use crate::{FulfillOutcome, Offer, Participant, Result, SignUp, SignedUp, StoreError};

/// The participant a sign-up was referred by, and how, recorded as the
/// friend's: the one recorded before, else its share code if given (which
/// also touches its browsers), else the offer's other methods.
fn referrer_for_sign_up(
    tx: &impl LedgerTx,
    offer: &Offer,
    friend: &FriendIds,
    code: Option<&str>,
    now: Millis,
) -> Result<Option<Found<ParticipantId>>> {
    let Some(settings) = offer.live_at(now) else {
        return Ok(None);
    };
    let by_code = match code.and_then(|c| ReferralCode::parse(c).ok()) {
        Some(code) => tx
            .participant_by_code(code.as_str())?
            .filter(|(_, o)| *o == offer.id)
            .map(|(p, _)| p),
        None => None,
    };
    if let Some(p) = &by_code {
        for visitor in &friend.visitors {
            touch(tx, &offer.id, settings, visitor, p.as_str(), None, now)?;
        }
    }
    let clues = Clues {
        code: by_code,
        ..Clues::default()
    };
    match referrer_of(tx, &offer.id, settings, friend, &clues, now)? {
        Some(found) if !is_self(tx, &found.participant, friend)? => {
            attribute(tx, &offer.id, friend, found, false, now).map(Some)
        }
        _ => Ok(None),
    }
}

/// Inserts the participant with its browser's pending code if it has one
/// and the code is still free (share first, then sign up), else with a
/// fresh code; returns the code.
fn insert_with_code(
    tx: &impl LedgerTx,
    mut new: NewParticipant<'_>,
    pending: Option<&super::pending::Pending>,
) -> Result<String> {
    if let Some(pending) = pending {
        new.code = pending.code.clone();
        if tx.insert_participant(&new)? {
            return Ok(new.code);
        }
    }
    for _ in 0..8 {
        new.code = ReferralCode::generate().to_string();
        if tx.insert_participant(&new)? {
            return Ok(new.code);
        }
    }
    Err(StoreError::database("could not draw a free share code"))
}

/// The network of the share link that brought a friend to its referrer
/// (reports count referred sign-ups by it): that of the browser at hand
/// first, then of its person's other browsers; `link` when none named one.
fn network_of(
    tx: &impl LedgerTx,
    offer: &OfferId,
    friend: &FriendIds,
    referrer: &ParticipantId,
) -> Result<String> {
    let others = friend
        .visitors
        .iter()
        .filter(|v| friend.at_hand.as_ref() != Some(*v));
    for visitor in friend.at_hand.iter().chain(others) {
        if let Some(channel) = tx.attribution_channel(offer, visitor, referrer)? {
            return Ok(channel);
        }
    }
    Ok("link".to_owned())
}

/// Signs a person up; the same email again returns the existing participant.
pub(crate) fn sign_up(
    tx: &impl LedgerTx,
    offer_id: &OfferId,
    sign_up: SignUp,
    now: Millis,
) -> Result<SignedUp> {
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
    let ip = super::client_ip(sign_up.ip);
    // Someone already signed up is answered as is: the form is not asked again.
    let known = tx.person_by_email(&sign_up.email)?;
    // Only a vouched-for caller ties a browser to someone who already
    // exists: anyone can type another person's email, and the browser's
    // attribution would follow that person into every offer.
    let tie_visitor = sign_up.vouched || known.is_none();
    if let Some(person) = &known {
        if let Some(id) = tx.participant_of(offer_id, person)? {
            if let (Some(visitor), true) = (&sign_up.visitor_id, tie_visitor) {
                tx.see_visitor(visitor, Some(person), ip.as_deref(), now)?;
            }
            return Ok(SignedUp {
                participant: tx.participant(&id)?,
                created: false,
            });
        }
    }
    let problems = settings.sign_up_problems(
        sign_up.first_name.as_deref(),
        sign_up.last_name.as_deref(),
        &sign_up.fields,
    );
    if !problems.is_empty() {
        return Err(StoreError::Invalid(problems));
    }
    // The person was looked up above: found, their names fill in blanks;
    // else they are new, and so is everything about them.
    let (first, last) = (sign_up.first_name.as_deref(), sign_up.last_name.as_deref());
    let person = match &known {
        Some(person) => {
            tx.fill_person_names(person, first, last)?;
            person.clone()
        }
        None => {
            let person = PersonId::generate();
            tx.insert_person(&person, &sign_up.email, first, last, now)?;
            person
        }
    };
    if let (Some(visitor), true) = (&sign_up.visitor_id, tie_visitor) {
        tx.see_visitor(visitor, Some(&person), ip.as_deref(), now)?;
    }
    let friend = match known {
        Some(_) => FriendIds::of_person(tx, person.clone(), sign_up.visitor_id.as_ref())?,
        None => FriendIds::of_new_person(person.clone(), sign_up.visitor_id.as_ref()),
    };
    let found = referrer_for_sign_up(tx, &offer, &friend, sign_up.referral_code.as_deref(), now)?;
    let referrer = found.as_ref().map(|f| f.participant.clone());
    let id = ParticipantId::generate();
    let fields = serde_json::Value::Object(sign_up.fields.clone());
    // Only the browser a pending code was handed to takes it over, and
    // only offers that hand them out look (a sign-up reads nothing more).
    let pending = match (&sign_up.visitor_id, settings.sign_up_flow) {
        (Some(visitor), SignUpFlow::ShareThenCapture) => {
            super::pending::take(tx, offer_id, visitor)?
        }
        _ => None,
    };
    let code = insert_with_code(
        tx,
        NewParticipant {
            id: &id,
            offer: offer_id,
            person: &person,
            code: String::new(),
            visitor: sign_up.visitor_id.as_ref(),
            fields: &fields,
            marketing_consent: sign_up.marketing_consent,
            referred_by: found.as_ref(),
            ip,
            now,
        },
        pending.as_ref(),
    )?;
    let who = Who {
        offer: Some(offer_id),
        participant: Some(&id),
        person: Some(&person),
        visitor: sign_up.visitor_id.as_ref(),
    };
    let channel = match &referrer {
        Some(p) => Some(network_of(tx, offer_id, &friend, p)?),
        None => None,
    };
    let mut details = json!({
        "referred_by": referrer,
        "channel": channel,
        "attribution_method": found.as_ref().map(|f| f.method),
        "marketing_consent": sign_up.marketing_consent,
    });
    if let Some(provider) = &sign_up.social_provider {
        details["social_provider"] = json!(provider);
    }
    tx.record(ActivityType::SignsUp, who, details, now)?;
    if let Some(referrer) = &referrer {
        if settings.fraud.verify_friend_email {
            // Credit waits for the friend to confirm the address (confirm_friend).
            let job = EmailJob::ConfirmFriend {
                offer_id: offer_id.clone(),
                participant_id: id.clone(),
            };
            tx.enqueue(job.into(), now)?;
        } else {
            award(
                tx,
                &offer,
                &friend,
                Some(referrer),
                &Clues::default(),
                |friend| Fact::SignUp { friend },
                now,
            )?;
            super::rewards::after_sign_up(tx, &offer, settings, &id, referrer, now)?;
        }
    }
    if let Some(pending) = &pending {
        super::pending::credit_friends(tx, &offer, &id, pending, now)?;
    }
    if settings.emails.sign_up.is_some() {
        let job = EmailJob::SignUp {
            offer_id: offer_id.clone(),
            participant_id: id.clone(),
        };
        tx.enqueue(job.into(), now)?;
    }
    if let Some(hash) = &sign_up.access_token {
        tx.keep_access_token(hash, &id, now)?;
    }
    // A new person's participant that nothing above changed (a pending
    // code's friends credit it, a friend's reward may fulfil it) is what
    // was written: no need to read it back.
    let changed = pending.is_some() || settings.rewards.iter().any(|r| r.for_ == RewardFor::Friend);
    let participant = match known {
        None if !changed => Participant {
            id,
            offer_id: offer_id.clone(),
            person_id: person,
            email: sign_up.email.as_str().to_owned(),
            first_name: sign_up.first_name,
            last_name: sign_up.last_name,
            code,
            fields,
            marketing_consent: sign_up.marketing_consent,
            referred_by: referrer,
            referred_method: found.map(|f| f.method),
            credit: 0,
            goal_count: settings.goal.count,
            achieved_at: None,
            fulfilled_at: None,
            promo_code: None,
            created_at: now,
        },
        _ => tx.participant(&id)?,
    };
    Ok(SignedUp {
        participant,
        created: true,
    })
}

/// A referred friend confirmed their email (`fraud.verify_friend_email`):
/// the sign-up's credit goes to its referrer now, through the same rules as
/// at sign-up (so a second confirmation changes nothing).
pub(crate) fn confirm_friend(tx: &impl LedgerTx, id: &ParticipantId, now: Millis) -> Result<()> {
    let participant = tx.participant(id)?;
    let Some(referrer) = participant.referred_by.clone() else {
        return Ok(());
    };
    let offer = tx.offer(&participant.offer_id)?;
    let friend = FriendIds::of_person(tx, participant.person_id.clone(), None)?;
    award(
        tx,
        &offer,
        &friend,
        Some(&referrer),
        &Clues::default(),
        |friend| Fact::SignUp { friend },
        now,
    )?;
    if let Some(settings) = offer.live_at(now) {
        super::rewards::after_sign_up(tx, &offer, settings, id, &referrer, now)?;
    }
    Ok(())
}

/// Fulfils an achieved participant by hand (manual delivery).
pub(crate) fn fulfil_by_hand(
    tx: &impl LedgerTx,
    id: &ParticipantId,
    now: Millis,
) -> Result<Participant> {
    let participant = tx.participant(id)?;
    let offer = tx.offer(&participant.offer_id)?;
    let progress = tx.progress(id)?;
    if progress.fulfilled {
        return Err(StoreError::conflict(
            "already_fulfilled",
            "the participant is already fulfilled",
        ));
    }
    if !credit::can_fulfil_manually(progress) {
        return Err(StoreError::conflict(
            "goal_not_achieved",
            format!(
                "the participant has {} of {} credit(s) and has not achieved the goal",
                progress.credit,
                participant.goal_count.unwrap_or_default()
            ),
        ));
    }
    fulfil(tx, &offer, id, now)?;
    tx.participant(id)
}

/// Fulfils many participants of an offer; each gets its own outcome. Checks
/// come before any write, so a refused participant leaves nothing behind.
pub(crate) fn fulfil_many(
    tx: &impl LedgerTx,
    offer: &OfferId,
    ids: Vec<ParticipantId>,
    now: Millis,
) -> Result<Vec<FulfillOutcome>> {
    tx.offer(offer)?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let result = match tx.participant(&id) {
            Ok(p) if p.offer_id != *offer => Err(StoreError::not_found("participant")),
            Ok(_) => fulfil_by_hand(tx, &id, now),
            Err(e) => Err(e),
        };
        out.push(match result {
            Ok(p) => FulfillOutcome {
                participant_id: id,
                fulfilled: true,
                error: None,
                promo_code: p.promo_code,
            },
            Err(StoreError::Database(e)) => return Err(StoreError::Database(e)),
            Err(e) => FulfillOutcome {
                participant_id: id,
                fulfilled: false,
                error: Some((error_code(&e).into(), e.to_string())),
                promo_code: None,
            },
        });
    }
    Ok(out)
}

fn error_code(e: &StoreError) -> &'static str {
    match e {
        StoreError::NotFound { .. } => "not_found",
        StoreError::Conflict { code, .. } => code,
        _ => "invalid",
    }
}
