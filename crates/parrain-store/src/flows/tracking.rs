//! Tracking flows: share-link clicks, page visits, shares, custom events,
//! identification, Give Credit to Referrer, and server events.

use parrain_core::activity::ActivityType;
use parrain_core::attribution::Touch;
use parrain_core::code::ReferralCode;
use parrain_core::credit::{self, Fact};
use parrain_core::email::Email;
use parrain_core::ids::{OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::offer::GoalType;
use parrain_core::Millis;
use serde_json::json;

use super::credit::{award, is_self, touch, Clues};
use super::{person_for_email, FriendIds, LedgerTx, Who};
use crate::eligibility;
use crate::{
    Click, Clicked, EventCredit, EventOutcome, FriendRef, Offer, PageEvent, Result, ServerEvent,
    StoreError, Tracked, Visit,
};

fn refuse_not_live(offer: &Offer, now: Millis) -> Result<()> {
    match offer.not_live_reason(now) {
        None => Ok(()),
        Some(reason) => Err(StoreError::conflict(
            "offer_not_live",
            format!("the offer is not live ({reason})"),
        )),
    }
}

/// The friend a server call names, if parrain knows them.
pub(crate) fn resolve(tx: &impl LedgerTx, friend: &FriendRef) -> Result<Option<FriendIds>> {
    match friend {
        FriendRef::Email(email) => match tx.person_by_email(email)? {
            Some(person) => Ok(Some(FriendIds::of_person(tx, person, None)?)),
            None => Ok(None),
        },
        FriendRef::Person(person) => tx
            .person_exists(person)?
            .then(|| FriendIds::of_person(tx, person.clone(), None))
            .transpose(),
        FriendRef::Visitor(visitor) => tx
            .visitor_person(visitor)?
            .is_some()
            .then(|| FriendIds::of_visitor(tx, visitor))
            .transpose(),
    }
}

/// Attributes a browser to a share code of the offer, unless it is the participant's own.
fn touch_code(
    tx: &impl LedgerTx,
    offer: &Offer,
    participant: &ParticipantId,
    visitor: &VisitorId,
    channel: Option<&str>,
    now: Millis,
) -> Result<()> {
    let Some(settings) = offer.live_at(now) else {
        return Ok(());
    };
    let friend = FriendIds::of_visitor(tx, visitor)?;
    if !is_self(tx, participant, &friend)? {
        touch(
            tx,
            &offer.id,
            settings,
            visitor,
            participant.as_str(),
            channel,
            now,
        )?;
    }
    Ok(())
}

/// Remembers a browser that came without a visitor id: the redirect has
/// just named it, so it has no row, no person and no attribution yet. A
/// plain insert, where [`LedgerTx::see_visitor`]'s upsert reads back the
/// person (`RETURNING`) and makes SQLite keep undo copies of the pages it
/// writes in case the statement fails halfway: a quarter of what recording
/// a click cost the writer (BENCHMARKS.md, "Sixth round"). The id is new,
/// so the conflict clause is only a guard: a repeated click is never
/// recorded twice, and a row already there is left as it is.
fn new_browser(
    tx: &impl LedgerTx,
    visitor: &VisitorId,
    ip: Option<&str>,
    now: Millis,
) -> Result<()> {
    tx.insert_browser(visitor, ip, now)?;
    tx.keep_visitor(visitor, None);
    Ok(())
}

/// Attributes a browser that came without a visitor id, named by this click,
/// to the share code. It has no person and no attribution yet, and is no
/// participant's own browser, so neither is read; and, as for its row of
/// `visitors` ([`new_browser`]), a plain insert makes its attribution.
fn touch_new_browser(
    tx: &impl LedgerTx,
    offer: &Offer,
    participant: &ParticipantId,
    visitor: &VisitorId,
    channel: Option<&str>,
    now: Millis,
) -> Result<()> {
    if offer.live_at(now).is_none() {
        return Ok(());
    }
    tx.insert_attribution(&offer.id, visitor, participant, channel, now)?;
    let touch = Touch {
        participant: participant.to_string(),
        at: now,
    };
    tx.keep_attribution(&offer.id, visitor, Some(&touch));
    Ok(())
}

/// A click on a share link; `None` for an unknown code (nothing recorded).
pub(crate) fn click(tx: &impl LedgerTx, click: Click, now: Millis) -> Result<Option<Clicked>> {
    let new_browser = click.visitor_id.is_none();
    let visitor = click.visitor_id.unwrap_or_else(VisitorId::generate);
    let Some(clicked) = follow(tx, &click.code, visitor)? else {
        return Ok(None);
    };
    let ip = super::client_ip(click.ip);
    let seen = Seen {
        code: &clicked.code,
        channel: click.channel.as_deref(),
        visitor: &clicked.visitor_id,
        new_browser,
        ip: ip.as_deref(),
    };
    record_click(tx, &seen, now)?;
    Ok(Some(clicked))
}

/// Where a share link sends the browser `visitor`, read only; `None` for
/// an unknown code. What the click records is [`record_click`]'s.
pub(crate) fn follow(
    tx: &impl LedgerTx,
    code: &str,
    visitor: VisitorId,
) -> Result<Option<Clicked>> {
    let Ok(code) = ReferralCode::parse(code) else {
        return Ok(None);
    };
    let offer_id = match tx.participant_by_code(code.as_str())? {
        Some((_, offer_id)) => offer_id,
        // A pending code's link redirects as a participant's does.
        None => match super::pending::by_code(tx, code.as_str())? {
            Some(pending) => pending.offer,
            None => return Ok(None),
        },
    };
    let offer = tx.offer(&offer_id)?;
    let target = offer
        .live
        .as_ref()
        .unwrap_or_else(|| offer.editable())
        .share_target()
        .map(Into::into);
    Ok(Some(Clicked {
        visitor_id: visitor,
        code: code.to_string(),
        target,
    }))
}

/// A click as it is recorded: the browser's id is already chosen (the
/// redirect gave it), and `new_browser` says the click brought none.
pub(crate) struct Seen<'a> {
    pub code: &'a str,
    pub channel: Option<&'a str>,
    pub visitor: &'a VisitorId,
    pub new_browser: bool,
    /// The client's address, as `client_ip` keeps it.
    pub ip: Option<&'a str>,
}

/// Records a click at `now`: the browser, the `clicks_shared_link`
/// activity and the attribution. A pending code's click only attributes
/// the browser; an unknown code records nothing.
pub(crate) fn record_click(tx: &impl LedgerTx, click: &Seen<'_>, now: Millis) -> Result<()> {
    let Ok(code) = ReferralCode::parse(click.code) else {
        return Ok(());
    };
    let Some((participant, offer_id)) = tx.participant_by_code(code.as_str())? else {
        return super::pending::record_click(tx, &code, click, now);
    };
    let offer = tx.offer(&offer_id)?;
    if let Some(limits) = offer.live_at(now).map(|s| &s.limits) {
        // Past the day's cap the click still redirects, and nothing else.
        if limits.max_clicks_per_link_per_day.is_some()
            && !limits.click_counts(eligibility::count_click(tx, &participant, now)?)
        {
            return Ok(());
        }
    }
    let visitor = click.visitor;
    let person = if click.new_browser {
        new_browser(tx, visitor, click.ip, now)?;
        None
    } else {
        tx.see_visitor(visitor, None, click.ip, now)?;
        tx.visitor_person(visitor)?.flatten()
    };
    let who = Who {
        offer: Some(&offer_id),
        participant: Some(&participant),
        visitor: Some(visitor),
        person: person.as_ref(),
    };
    tx.record(
        ActivityType::ClicksSharedLink,
        who,
        json!({"channel": click.channel}),
        now,
    )?;
    // A link that names no network is a plain link: the browser's network
    // is then `link`, not the one an earlier click of it named.
    let channel = Some(click.channel.unwrap_or("link"));
    if click.new_browser {
        touch_new_browser(tx, &offer, &participant, visitor, channel, now)
    } else {
        touch_code(tx, &offer, &participant, visitor, channel, now)
    }
}

/// A page visit: sessions, attribution by code, credit for visit goals.
pub(crate) fn visit(tx: &impl LedgerTx, visit: Visit, now: Millis) -> Result<Tracked> {
    let offer = tx.offer(&visit.offer_id)?;
    tx.see_visitor_in(
        &offer.id,
        &visit.visitor_id,
        super::client_ip(visit.ip).as_deref(),
        now,
    )?;
    // The page's own code first; else the one its address carries, in
    // `parrain_ref` or the offer's legacy parameter (links shared before).
    let legacy = offer
        .live
        .as_ref()
        .unwrap_or_else(|| offer.editable())
        .referral_param
        .as_deref();
    let code = match visit.referral_code.as_deref() {
        Some(c) => ReferralCode::parse(c).ok(),
        None => visit
            .url
            .as_deref()
            .and_then(|url| ReferralCode::from_landing_url(url, legacy)),
    };
    if let Some(code) = &code {
        if let Some((participant, of)) = tx.participant_by_code(code.as_str())? {
            if of == offer.id {
                touch_code(tx, &offer, &participant, &visit.visitor_id, None, now)?;
            }
        } else if let Some(pending) = super::pending::by_code(tx, code.as_str())? {
            if pending.offer == offer.id {
                super::pending::touch_pending(tx, &offer, &pending, &visit.visitor_id, None, now)?;
            }
        }
    }
    let session = credit::visit_session(tx.visit_session(&offer.id, &visit.visitor_id)?, now);
    tx.set_visit_session(&offer.id, &visit.visitor_id, session.start, now)?;
    let friend = FriendIds::of_visitor(tx, &visit.visitor_id)?;
    let tracked = award(
        tx,
        &offer,
        &friend,
        None,
        &Clues::default(),
        |friend| Fact::Visit {
            friend,
            session: session.start,
        },
        now,
    )?;
    let who = Who {
        offer: Some(&offer.id),
        participant: tracked.participant_id.as_ref(),
        person: friend.person.as_ref(),
        visitor: Some(&visit.visitor_id),
    };
    let details = json!({
        "url": visit.url,
        "referral_code": code.map(|c| c.to_string()),
        "session_start": session.start,
        "new_session": session.new,
        "referred": tracked.participant_id.is_some(),
    });
    tx.record(ActivityType::VisitsOfferPage, who, details, now)?;
    Ok(tracked)
}

/// A custom event fired by a page.
pub(crate) fn track_event(tx: &impl LedgerTx, event: PageEvent, now: Millis) -> Result<Tracked> {
    let offer = tx.offer(&event.offer_id)?;
    tx.see_visitor_in(
        &offer.id,
        &event.visitor_id,
        super::client_ip(event.ip).as_deref(),
        now,
    )?;
    let friend = FriendIds::of_visitor(tx, &event.visitor_id)?;
    let name = event.name.clone();
    let clues = Clues {
        event_id: event.event_id.clone(),
        ..Clues::default()
    };
    let tracked = award(
        tx,
        &offer,
        &friend,
        None,
        &clues,
        |friend| Fact::Event { friend, name },
        now,
    )?;
    let who = Who {
        offer: Some(&offer.id),
        participant: tracked.participant_id.as_ref(),
        person: friend.person.as_ref(),
        visitor: Some(&event.visitor_id),
    };
    tx.record(
        ActivityType::CustomEvent,
        who,
        json!({"name": event.name, "credited": tracked.credited}),
        now,
    )?;
    Ok(tracked)
}

/// A participant shared its link.
pub(crate) fn share(tx: &impl LedgerTx, code: &str, channel: &str, now: Millis) -> Result<Tracked> {
    let found = match ReferralCode::parse(code) {
        Ok(code) => tx.participant_by_code(code.as_str())?,
        Err(_) => None,
    };
    let Some((participant, offer_id)) = found else {
        return Err(StoreError::not_found("share code"));
    };
    refuse_not_live(&*tx.offer(&offer_id)?, now)?;
    let (person, _) = tx.participant_owner(&participant)?;
    let who = Who {
        offer: Some(&offer_id),
        participant: Some(&participant),
        person: Some(&person),
        visitor: None,
    };
    tx.record(
        ActivityType::SharesContent,
        who,
        json!({"channel": channel}),
        now,
    )?;
    Ok(Tracked {
        credited: false,
        reason: None,
        participant_id: Some(participant),
    })
}

/// Ties a browser to a person.
pub(crate) fn identify(
    tx: &impl LedgerTx,
    visitor: &VisitorId,
    email: &Email,
    now: Millis,
) -> Result<PersonId> {
    let person = person_for_email(tx, email, None, None, now)?;
    tx.see_visitor(visitor, Some(&person), None, now)?;
    Ok(person)
}

/// Credits the referrer of a friend a server names, with the share code it
/// used as a coupon, if any. A friend parrain does not know yet, named by
/// email with a coupon, is a new person (a checkout is how it arrived).
fn credit_friend(
    tx: &impl LedgerTx,
    offer: &Offer,
    friend: &FriendRef,
    coupon: Option<&str>,
    event_id: Option<&str>,
    now: Millis,
) -> Result<Tracked> {
    let friend = match (resolve(tx, friend)?, friend, coupon) {
        (Some(friend), _, _) => friend,
        (None, FriendRef::Email(email), Some(_)) => {
            let person = person_for_email(tx, email, None, None, now)?;
            FriendIds::of_person(tx, person, None)?
        }
        (None, _, _) => {
            return Ok(Tracked {
                credited: false,
                reason: Some("unknown_friend"),
                participant_id: None,
            })
        }
    };
    let clues = Clues {
        code: None,
        coupon: coupon.map(str::to_owned),
        event_id: event_id.map(str::to_owned),
        name: None,
    };
    award(
        tx,
        offer,
        &friend,
        None,
        &clues,
        |friend| Fact::Trigger { friend },
        now,
    )
}

/// The email of the person a server names, if parrain knows one.
fn email_of(tx: &impl LedgerTx, friend: &FriendRef) -> Result<Option<Email>> {
    let person = match friend {
        FriendRef::Email(email) => return Ok(Some(email.clone())),
        FriendRef::Person(person) => Some(person.clone()),
        FriendRef::Visitor(visitor) => tx.visitor_person(visitor)?.flatten(),
    };
    match person {
        Some(person) => tx.person_email(&person),
        None => Ok(None),
    }
}

/// Give Credit to Referrer (smart-list-trigger offers only).
pub(crate) fn give_credit(
    tx: &impl LedgerTx,
    offer: &OfferId,
    friend: &FriendRef,
    coupon: Option<&str>,
    event_id: Option<&str>,
    now: Millis,
) -> Result<Tracked> {
    let offer = tx.offer(offer)?;
    let goal = offer
        .live
        .as_ref()
        .unwrap_or_else(|| offer.editable())
        .goal
        .kind;
    if goal != GoalType::SmartListTrigger {
        return Err(StoreError::conflict(
            "goal_not_smart_list_trigger",
            "Give Credit to Referrer needs an offer whose goal type is smart_list_trigger",
        ));
    }
    refuse_not_live(&offer, now)?;
    credit_friend(tx, &offer, friend, coupon, event_id, now)
}

/// A server event matching an offer's `goal.reversal` (a refund): reverses
/// the credit(s) the friend it names earned each referrer in the offer.
fn reverse_for_event(
    tx: &impl LedgerTx,
    offer: &Offer,
    event: &ServerEvent,
    now: Millis,
) -> Result<Vec<EventCredit>> {
    let Some(friend) = resolve(tx, &event.person)? else {
        return Ok(Vec::new());
    };
    let referrers = match (&friend.person, friend.visitors.first()) {
        (Some(person), _) => tx.strings(
            "SELECT DISTINCT participant_id FROM credits
             WHERE offer_id = ?1 AND friend_person = ?2 AND reversed_at IS NULL",
            &[offer.id.as_str(), person.as_str()],
        )?,
        (None, Some(visitor)) => tx.strings(
            "SELECT DISTINCT participant_id FROM credits
             WHERE offer_id = ?1 AND friend_person IS NULL AND friend_visitor = ?2
               AND reversed_at IS NULL",
            &[offer.id.as_str(), visitor.as_str()],
        )?,
        (None, None) => Vec::new(),
    };
    let reason = format!("event {}", event.name);
    let mut out = Vec::new();
    for referrer in referrers {
        let referrer = ParticipantId::from_trusted(referrer);
        let done = super::rewards::reverse(tx, &referrer, &event.person, Some(&reason), now)?;
        out.push(EventCredit {
            offer_id: offer.id.clone(),
            credited: false,
            reason: Some(if done.reversed > 0 {
                "credit_reversed".into()
            } else {
                "nothing_to_reverse".into()
            }),
            participant_id: Some(referrer),
        });
    }
    Ok(out)
}

/// A server event: credits through every live trigger rule it matches, once per id.
pub(crate) fn ingest(tx: &impl LedgerTx, event: ServerEvent, now: Millis) -> Result<EventOutcome> {
    if let Some(id) = &event.id {
        if let Some(result) = tx.server_event(id)? {
            let credits = serde_json::from_str(&result)?;
            return Ok(EventOutcome {
                id: event.id,
                applied: false,
                credits,
            });
        }
    }
    let mut credits = Vec::new();
    for offer_id in tx.smart_list_offers()? {
        let offer = tx.offer(&offer_id)?;
        let reversal = offer.live.as_ref().and_then(|l| l.goal.reversal.as_ref());
        if reversal.is_some_and(|rule| rule.matches(&event.name, &event.properties)) {
            credits.extend(reverse_for_event(tx, &offer, &event, now)?);
            continue;
        }
        let Some(settings) = offer.live_at(event.occurred_at.unwrap_or(now)) else {
            continue;
        };
        if settings.eligibility.customer_event.as_deref() == Some(event.name.as_str()) {
            if let Some(email) = email_of(tx, &event.person)? {
                eligibility::add_customer(tx, &offer.id, &email)?;
            }
        }
        if settings.goal.kind != GoalType::SmartListTrigger {
            continue;
        }
        let Some(rule) = settings.goal.event.as_ref().map(|e| e.rule()) else {
            continue;
        };
        if !rule.matches(&event.name, &event.properties) {
            continue;
        }
        let coupon = event.properties.get("coupon").and_then(|c| c.as_str());
        let tracked = credit_friend(tx, &offer, &event.person, coupon, event.id.as_deref(), now)?;
        credits.push(EventCredit {
            offer_id: offer.id.clone(),
            credited: tracked.credited,
            reason: tracked.reason.map(Into::into),
            participant_id: tracked.participant_id,
        });
    }
    if let Some(id) = &event.id {
        tx.save_server_event(id, &serde_json::to_string(&credits)?, now)?;
    }
    Ok(EventOutcome {
        id: event.id,
        applied: true,
        credits,
    })
}
