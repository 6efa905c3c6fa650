//! Tracking: share-link clicks, page visits, shares, custom events,
//! identification, Give Credit to Referrer, and server events.

use async_trait::async_trait;
use parrain_core::activity::ActivityType;
use parrain_core::code::ReferralCode;
use parrain_core::credit::{self, Fact};
use parrain_core::email::Email;
use parrain_core::ids::{OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::offer::GoalType;
use parrain_core::Millis;
use r2d2_sqlite::rusqlite::{params, Connection, OptionalExtension};
use serde_json::json;

use super::ledger::{self, load_offer, FriendIds, Who};
use super::participants::by_code;
use super::SqliteStore;
use crate::{
    Click, Clicked, EventCredit, EventOutcome, FriendRef, Offer, PageEvent, Result, ServerEvent,
    StoreError, Tracked, Tracking, Visit,
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
fn resolve(conn: &Connection, friend: &FriendRef) -> Result<Option<FriendIds>> {
    match friend {
        FriendRef::Email(email) => match ledger::person_by_email(conn, email)? {
            Some(person) => Ok(Some(FriendIds::of_person(conn, person, None)?)),
            None => Ok(None),
        },
        FriendRef::Person(person) => {
            let known = conn
                .prepare_cached("SELECT 1 FROM people WHERE id = ?1")?
                .exists([person.as_str()])?;
            Ok(known
                .then(|| FriendIds::of_person(conn, person.clone(), None))
                .transpose()?)
        }
        FriendRef::Visitor(visitor) => {
            let known = conn
                .prepare_cached("SELECT 1 FROM visitors WHERE id = ?1")?
                .exists([visitor.as_str()])?;
            Ok(known
                .then(|| FriendIds::of_visitor(conn, visitor))
                .transpose()?)
        }
    }
}

/// Attributes a browser to a share code of the offer, unless it is the participant's own.
fn touch_code(
    conn: &Connection,
    offer: &Offer,
    participant: &ParticipantId,
    visitor: &VisitorId,
    now: Millis,
) -> Result<()> {
    let Some(settings) = offer.live_at(now) else {
        return Ok(());
    };
    let friend = FriendIds::of_visitor(conn, visitor)?;
    if !ledger::is_self(conn, participant, &friend)? {
        ledger::touch(conn, &offer.id, settings, visitor, participant, now)?;
    }
    Ok(())
}

fn click_now(conn: &Connection, click: Click, now: Millis) -> Result<Option<Clicked>> {
    let Ok(code) = ReferralCode::parse(&click.code) else {
        return Ok(None);
    };
    let Some((participant, offer_id)) = by_code(conn, code.as_str())? else {
        return Ok(None);
    };
    let offer = load_offer(conn, &offer_id)?;
    let visitor = click.visitor_id.unwrap_or_else(VisitorId::generate);
    ledger::see_visitor(conn, &visitor, None, now)?;
    ledger::record(
        conn,
        ActivityType::ClicksSharedLink,
        Who {
            offer: Some(&offer_id),
            participant: Some(&participant),
            visitor: Some(&visitor),
            person: ledger::visitor_person(conn, &visitor)?.as_ref(),
        },
        json!({"channel": click.channel}),
        now,
    )?;
    touch_code(conn, &offer, &participant, &visitor, now)?;
    let target = offer
        .live
        .as_ref()
        .or(offer.draft.as_ref())
        .and_then(|s| s.share_target());
    Ok(Some(Clicked {
        visitor_id: visitor,
        code: code.to_string(),
        target: target.map(Into::into),
    }))
}

fn visit_now(conn: &Connection, visit: Visit, now: Millis) -> Result<Tracked> {
    let offer = load_offer(conn, &visit.offer_id)?;
    ledger::see_visitor(conn, &visit.visitor_id, None, now)?;
    let code = visit
        .referral_code
        .as_deref()
        .and_then(|c| ReferralCode::parse(c).ok());
    if let Some(code) = &code {
        if let Some((participant, of)) = by_code(conn, code.as_str())? {
            if of == offer.id {
                touch_code(conn, &offer, &participant, &visit.visitor_id, now)?;
            }
        }
    }
    let previous: Option<(Millis, Millis)> = conn
        .prepare_cached(
            "SELECT started_at, last_seen FROM visit_sessions WHERE offer_id = ?1 AND visitor_id = ?2",
        )?
        .query_row([offer.id.as_str(), visit.visitor_id.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let session = credit::visit_session(previous, now);
    conn.prepare_cached(
        "INSERT INTO visit_sessions (offer_id, visitor_id, started_at, last_seen) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (offer_id, visitor_id) DO UPDATE SET started_at = ?3, last_seen = MAX(last_seen, ?4)",
    )?
    .execute(params![offer.id.as_str(), visit.visitor_id.as_str(), session.start, now])?;
    let friend = FriendIds::of_visitor(conn, &visit.visitor_id)?;
    let tracked = ledger::award(
        conn,
        &offer,
        &friend,
        None,
        |friend| Fact::Visit {
            friend,
            session: session.start,
        },
        now,
    )?;
    ledger::record(
        conn,
        ActivityType::VisitsOfferPage,
        Who {
            offer: Some(&offer.id),
            participant: tracked.participant_id.as_ref(),
            person: friend.person.as_ref(),
            visitor: Some(&visit.visitor_id),
        },
        json!({
            "url": visit.url,
            "referral_code": code.map(|c| c.to_string()),
            "session_start": session.start,
            "new_session": session.new,
            "referred": tracked.participant_id.is_some(),
        }),
        now,
    )?;
    Ok(tracked)
}

fn event_now(conn: &Connection, event: PageEvent, now: Millis) -> Result<Tracked> {
    let offer = load_offer(conn, &event.offer_id)?;
    ledger::see_visitor(conn, &event.visitor_id, None, now)?;
    let friend = FriendIds::of_visitor(conn, &event.visitor_id)?;
    let name = event.name.clone();
    let tracked = ledger::award(
        conn,
        &offer,
        &friend,
        None,
        |friend| Fact::Event { friend, name },
        now,
    )?;
    ledger::record(
        conn,
        ActivityType::CustomEvent,
        Who {
            offer: Some(&offer.id),
            participant: tracked.participant_id.as_ref(),
            person: friend.person.as_ref(),
            visitor: Some(&event.visitor_id),
        },
        json!({"name": event.name, "credited": tracked.credited}),
        now,
    )?;
    Ok(tracked)
}

fn give_credit_now(
    conn: &Connection,
    offer: &Offer,
    friend: &FriendRef,
    now: Millis,
) -> Result<Tracked> {
    let Some(friend) = resolve(conn, friend)? else {
        return Ok(Tracked {
            credited: false,
            reason: Some("unknown_friend"),
            participant_id: None,
        });
    };
    ledger::award(
        conn,
        offer,
        &friend,
        None,
        |friend| Fact::Trigger { friend },
        now,
    )
}

fn ingest_one(conn: &Connection, event: ServerEvent, now: Millis) -> Result<EventOutcome> {
    if let Some(id) = &event.id {
        let seen: Option<String> = conn
            .prepare_cached("SELECT result FROM server_events WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        if let Some(result) = seen {
            let credits = serde_json::from_str(&result)?;
            return Ok(EventOutcome {
                id: event.id,
                applied: false,
                credits,
            });
        }
    }
    let offer_ids: Vec<String> = conn
        .prepare_cached(
            "SELECT id FROM offers WHERE status = 'approved'
               AND json_extract(live, '$.goal.type') = 'smart_list_trigger'",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut credits = Vec::new();
    for offer_id in offer_ids {
        let offer = load_offer(conn, &OfferId::from_trusted(offer_id))?;
        let Some(settings) = offer.live_at(event.occurred_at.unwrap_or(now)) else {
            continue;
        };
        let Some(rule) = settings.goal.event.as_ref().map(|e| e.rule()) else {
            continue;
        };
        if !rule.matches(&event.name, &event.properties) {
            continue;
        }
        let tracked = give_credit_now(conn, &offer, &event.person, now)?;
        credits.push(EventCredit {
            offer_id: offer.id.clone(),
            credited: tracked.credited,
            reason: tracked.reason.map(Into::into),
            participant_id: tracked.participant_id,
        });
    }
    if let Some(id) = &event.id {
        conn.prepare_cached(
            "INSERT INTO server_events (id, result, received_at) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![id, serde_json::to_string(&credits)?, now])?;
    }
    Ok(EventOutcome {
        id: event.id,
        applied: true,
        credits,
    })
}

#[async_trait]
impl Tracking for SqliteStore {
    async fn click(&self, click: Click, now: Millis) -> Result<Option<Clicked>> {
        self.write(move |conn| click_now(conn, click, now)).await
    }

    async fn track_visit(&self, visit: Visit, now: Millis) -> Result<Tracked> {
        self.write(move |conn| visit_now(conn, visit, now)).await
    }

    async fn track_share(&self, code: String, channel: String, now: Millis) -> Result<Tracked> {
        self.write(move |conn| {
            let found = ReferralCode::parse(&code)
                .ok()
                .map(|c| by_code(conn, c.as_str()))
                .transpose()?;
            let Some((participant, offer_id)) = found.flatten() else {
                return Err(StoreError::not_found("share code"));
            };
            let offer = load_offer(conn, &offer_id)?;
            refuse_not_live(&offer, now)?;
            let person: String = conn
                .prepare_cached("SELECT person_id FROM participants WHERE id = ?1")?
                .query_row([participant.as_str()], |r| r.get(0))?;
            ledger::record(
                conn,
                ActivityType::SharesContent,
                Who {
                    offer: Some(&offer_id),
                    participant: Some(&participant),
                    person: Some(&PersonId::from_trusted(person)),
                    visitor: None,
                },
                json!({"channel": channel}),
                now,
            )?;
            Ok(Tracked {
                credited: false,
                reason: None,
                participant_id: Some(participant),
            })
        })
        .await
    }

    async fn track_event(&self, event: PageEvent, now: Millis) -> Result<Tracked> {
        self.write(move |conn| event_now(conn, event, now)).await
    }

    async fn identify(&self, visitor: VisitorId, email: Email, now: Millis) -> Result<PersonId> {
        self.write(move |conn| {
            let person = ledger::person_for_email(conn, &email, None, None, now)?;
            ledger::see_visitor(conn, &visitor, Some(&person), now)?;
            Ok(person)
        })
        .await
    }

    async fn give_credit(
        &self,
        offer: &OfferId,
        friend: FriendRef,
        now: Millis,
    ) -> Result<Tracked> {
        let offer = offer.clone();
        self.write(move |conn| {
            let offer = load_offer(conn, &offer)?;
            if offer.editable().goal.kind != GoalType::SmartListTrigger
                && offer
                    .live
                    .as_ref()
                    .is_none_or(|s| s.goal.kind != GoalType::SmartListTrigger)
            {
                return Err(StoreError::conflict(
                    "goal_not_smart_list_trigger",
                    "Give Credit to Referrer needs an offer whose goal type is smart_list_trigger",
                ));
            }
            refuse_not_live(&offer, now)?;
            give_credit_now(conn, &offer, &friend, now)
        })
        .await
    }

    async fn ingest_events(
        &self,
        events: Vec<ServerEvent>,
        now: Millis,
    ) -> Result<Vec<EventOutcome>> {
        self.write(move |conn| {
            events
                .into_iter()
                .map(|e| ingest_one(conn, e, now))
                .collect()
        })
        .await
    }
}
