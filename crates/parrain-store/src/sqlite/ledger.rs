//! The steps every write is made of, inside the writer's transaction:
//! recording activities, queueing jobs, knowing people and browsers,
//! attribution, and the credit ledger with goal and fulfilment.
//!
//! The decisions are `parrain-core`'s; this module loads what they need and
//! persists what they say.

use parrain_core::activity::ActivityType;
use parrain_core::attribution::{self, Touch};
use parrain_core::credit::{self, Fact, Friend, Progress};
use parrain_core::email::Email;
use parrain_core::ids::{ActivityId, OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::offer::{AttributionModel, OfferSettings, OfferStatus};
use parrain_core::Millis;
use r2d2_sqlite::rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

use crate::{Offer, Result, StoreError, Tracked};

/// Who took part in an activity.
#[derive(Default)]
pub(crate) struct Who<'a> {
    pub offer: Option<&'a OfferId>,
    pub participant: Option<&'a ParticipantId>,
    pub person: Option<&'a PersonId>,
    pub visitor: Option<&'a VisitorId>,
}

/// Appends to the activity log; returns the entry's position.
pub(crate) fn record(
    conn: &Connection,
    kind: ActivityType,
    who: Who<'_>,
    details: Value,
    now: Millis,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO activities (id, type, offer_id, participant_id, person_id, visitor_id, details, occurred_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        ActivityId::generate().as_str(),
        kind.as_str(),
        who.offer.map(OfferId::as_str),
        who.participant.map(ParticipantId::as_str),
        who.person.map(PersonId::as_str),
        who.visitor.map(VisitorId::as_str),
        details.to_string(),
        now,
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Queues outbound work, committed with the change that caused it.
pub(crate) fn enqueue(conn: &Connection, kind: &str, payload: Value, now: Millis) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO jobs (kind, payload, run_at, created_at) VALUES (?1, ?2, ?3, ?3)",
    )?
    .execute(params![kind, payload.to_string(), now])?;
    Ok(())
}

pub(crate) fn load_offer(conn: &Connection, id: &OfferId) -> Result<Offer> {
    conn.prepare_cached(
        "SELECT id, status, live, draft, created_at, updated_at, approved_at,
                (SELECT COUNT(*) FROM participants p WHERE p.offer_id = offers.id)
         FROM offers WHERE id = ?1",
    )?
    .query_row([id.as_str()], offer_row)
    .optional()?
    .ok_or(StoreError::not_found("offer"))?
}

pub(crate) fn offer_row(
    row: &r2d2_sqlite::rusqlite::Row<'_>,
) -> r2d2_sqlite::rusqlite::Result<Result<Offer>> {
    let settings = |i: usize| -> r2d2_sqlite::rusqlite::Result<Result<Option<OfferSettings>>> {
        let text: Option<String> = row.get(i)?;
        Ok(text
            .map(|t| serde_json::from_str(&t))
            .transpose()
            .map_err(StoreError::from))
    };
    let status: String = row.get(1)?;
    let (live, draft) = (settings(2)?, settings(3)?);
    Ok((|| {
        Ok(Offer {
            id: OfferId::from_trusted(row.get(0)?),
            status: OfferStatus::parse(&status)
                .ok_or_else(|| StoreError::Database(format!("unknown offer status {status}")))?,
            live: live?,
            draft: draft?,
            created_at: row.get(4)?,
            updated_at: row.get(5)?,
            approved_at: row.get(6)?,
            participants: row.get(7)?,
        })
    })())
}

/// The person with this email, created if new; names fill in blanks only.
pub(crate) fn person_for_email(
    conn: &Connection,
    email: &Email,
    first_name: Option<&str>,
    last_name: Option<&str>,
    now: Millis,
) -> Result<PersonId> {
    let existing: Option<String> = conn
        .prepare_cached("SELECT id FROM people WHERE email = ?1")?
        .query_row([email.as_str()], |r| r.get(0))
        .optional()?;
    if let Some(id) = existing {
        conn.prepare_cached(
            "UPDATE people SET first_name = COALESCE(first_name, ?2), last_name = COALESCE(last_name, ?3)
             WHERE id = ?1",
        )?
        .execute(params![id, first_name, last_name])?;
        return Ok(PersonId::from_trusted(id));
    }
    let id = PersonId::generate();
    conn.prepare_cached(
        "INSERT INTO people (id, email, first_name, last_name, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![id.as_str(), email.as_str(), first_name, last_name, now])?;
    Ok(id)
}

pub(crate) fn person_by_email(conn: &Connection, email: &Email) -> Result<Option<PersonId>> {
    Ok(conn
        .prepare_cached("SELECT id FROM people WHERE email = ?1")?
        .query_row([email.as_str()], |r| r.get(0))
        .optional()?
        .map(PersonId::from_trusted))
}

/// Remembers a browser; ties it to a person when one is given and it has none yet.
pub(crate) fn see_visitor(
    conn: &Connection,
    visitor: &VisitorId,
    person: Option<&PersonId>,
    now: Millis,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO visitors (id, person_id, created_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET person_id = COALESCE(visitors.person_id, excluded.person_id)",
    )?
    .execute(params![visitor.as_str(), person.map(PersonId::as_str), now])?;
    Ok(())
}

pub(crate) fn visitor_person(conn: &Connection, visitor: &VisitorId) -> Result<Option<PersonId>> {
    Ok(conn
        .prepare_cached("SELECT person_id FROM visitors WHERE id = ?1")?
        .query_row([visitor.as_str()], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten()
        .map(PersonId::from_trusted))
}

/// A friend as the ledger sees it: a person if known, and their browsers.
pub(crate) struct FriendIds {
    pub person: Option<PersonId>,
    pub visitors: Vec<VisitorId>,
}

impl FriendIds {
    /// Resolves a browser to its person (if any) and all that person's browsers.
    pub(crate) fn of_visitor(conn: &Connection, visitor: &VisitorId) -> Result<Self> {
        match visitor_person(conn, visitor)? {
            Some(person) => Self::of_person(conn, person, Some(visitor)),
            None => Ok(Self {
                person: None,
                visitors: vec![visitor.clone()],
            }),
        }
    }

    pub(crate) fn of_person(
        conn: &Connection,
        person: PersonId,
        also: Option<&VisitorId>,
    ) -> Result<Self> {
        let mut visitors: Vec<VisitorId> = conn
            .prepare_cached("SELECT id FROM visitors WHERE person_id = ?1")?
            .query_map([person.as_str()], |r| r.get(0))?
            .map(|id| id.map(VisitorId::from_trusted))
            .collect::<Result<_, _>>()?;
        if let Some(v) = also.filter(|v| !visitors.contains(v)) {
            visitors.push(v.clone());
        }
        Ok(Self {
            person: Some(person),
            visitors,
        })
    }

    fn as_friend(&self) -> Friend {
        match (&self.person, self.visitors.first()) {
            (Some(p), _) => Friend::Person(p.to_string()),
            (None, Some(v)) => Friend::Visitor(v.to_string()),
            (None, None) => Friend::Visitor(String::new()),
        }
    }
}

/// A touch of a share link: attributes the browser to the participant.
pub(crate) fn touch(
    conn: &Connection,
    offer: &OfferId,
    settings: &OfferSettings,
    visitor: &VisitorId,
    participant: &ParticipantId,
    now: Millis,
) -> Result<()> {
    let current = conn
        .prepare_cached(
            "SELECT participant_id, touched_at FROM attributions WHERE offer_id = ?1 AND visitor_id = ?2",
        )?
        .query_row([offer.as_str(), visitor.as_str()], |r| {
            Ok(Touch { participant: r.get::<_, String>(0)?, at: r.get(1)? })
        })
        .optional()?;
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
        conn.prepare_cached(
            "INSERT INTO attributions (offer_id, visitor_id, participant_id, touched_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (offer_id, visitor_id) DO UPDATE SET participant_id = excluded.participant_id,
                 touched_at = excluded.touched_at",
        )?
        .execute(params![offer.as_str(), visitor.as_str(), kept.participant, kept.at])?;
    }
    Ok(())
}

/// The participant a friend counts for in an offer now, if any.
pub(crate) fn referrer_of(
    conn: &Connection,
    offer: &OfferId,
    settings: &OfferSettings,
    friend: &FriendIds,
    now: Millis,
) -> Result<Option<ParticipantId>> {
    let window = settings.window_millis();
    let mut touches = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT participant_id, touched_at FROM attributions WHERE offer_id = ?1 AND visitor_id = ?2",
    )?;
    for visitor in &friend.visitors {
        if let Some(t) = stmt
            .query_row([offer.as_str(), visitor.as_str()], |r| {
                Ok(Touch {
                    participant: r.get::<_, String>(0)?,
                    at: r.get(1)?,
                })
            })
            .optional()?
        {
            touches.push(t);
        }
    }
    touches.retain(|t| attribution::in_window(t, now, window));
    let chosen = match settings.attribution.model {
        AttributionModel::FirstTouch => touches.into_iter().min_by_key(|t| t.at),
        AttributionModel::LastTouch => touches.into_iter().max_by_key(|t| t.at),
    };
    if let Some(t) = chosen {
        return Ok(Some(ParticipantId::from_trusted(t.participant)));
    }
    // A friend who signed up with a share code is that participant's, for good.
    let Some(person) = &friend.person else {
        return Ok(None);
    };
    Ok(conn
        .prepare_cached(
            "SELECT referred_by FROM participants WHERE offer_id = ?1 AND person_id = ?2",
        )?
        .query_row([offer.as_str(), person.as_str()], |r| {
            r.get::<_, Option<String>>(0)
        })
        .optional()?
        .flatten()
        .map(ParticipantId::from_trusted))
}

/// Whether the friend is the participant itself (its email or its browsers).
pub(crate) fn is_self(
    conn: &Connection,
    participant: &ParticipantId,
    friend: &FriendIds,
) -> Result<bool> {
    let (person, visitor): (String, Option<String>) = conn
        .prepare_cached("SELECT person_id, visitor_id FROM participants WHERE id = ?1")?
        .query_row([participant.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    if friend.person.as_ref().is_some_and(|p| p.as_str() == person) {
        return Ok(true);
    }
    let mut owner = conn.prepare_cached("SELECT person_id FROM visitors WHERE id = ?1")?;
    for v in &friend.visitors {
        if visitor.as_deref() == Some(v.as_str()) {
            return Ok(true);
        }
        let owned_by: Option<String> = owner
            .query_row([v.as_str()], |r| r.get(0))
            .optional()?
            .flatten();
        if owned_by.as_deref() == Some(person.as_str()) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Gives credit for a fact to the friend's referrer (looked up unless known),
/// once per credit key.
pub(crate) fn award(
    conn: &Connection,
    offer: &Offer,
    friend: &FriendIds,
    known_referrer: Option<&ParticipantId>,
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
    let referrer = match known_referrer {
        Some(p) => p.clone(),
        None => match referrer_of(conn, &offer.id, settings, friend, now)? {
            Some(p) => p,
            None => return not("not_referred"),
        },
    };
    let not_for = |reason| {
        Ok(Tracked {
            credited: false,
            reason: Some(reason),
            participant_id: Some(referrer.clone()),
        })
    };
    if is_self(conn, &referrer, friend)? {
        return not_for("self_referral");
    }
    let goal = &settings.goal;
    let fact = fact(friend.as_friend());
    let event = goal.event.as_ref().map(|e| e.name());
    let Some(key) = credit::credit_key(goal.kind, event, settings.visit_counting, &fact) else {
        return not_for("not_a_goal_fact");
    };
    let inserted = conn
        .prepare_cached(
            "INSERT INTO credits (participant_id, key, offer_id, friend_person, friend_visitor, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
        )?
        .execute(params![
            referrer.as_str(),
            key,
            offer.id.as_str(),
            friend.person.as_ref().map(PersonId::as_str),
            friend.visitors.first().map(VisitorId::as_str),
            now
        ])?;
    if inserted == 0 {
        return not_for("already_credited");
    }
    let progress = load_progress(conn, &referrer)?;
    let outcome = credit::after_credit(
        progress,
        goal.count.unwrap_or(i64::MAX),
        settings.fulfillment.delivery,
    );
    conn.prepare_cached(
        "UPDATE participants SET credit = ?2, achieved_at = CASE WHEN ?3 THEN ?4 ELSE achieved_at END WHERE id = ?1",
    )?
    .execute(params![referrer.as_str(), outcome.progress.credit, outcome.achieved_now, now])?;
    let who = || Who {
        offer: Some(&offer.id),
        participant: Some(&referrer),
        person: friend.person.as_ref(),
        visitor: friend.visitors.first(),
    };
    record(
        conn,
        ActivityType::RefersToSocialApp,
        who(),
        json!({"credit": outcome.progress.credit, "goal_type": goal.kind, "key": key}),
        now,
    )?;
    if outcome.achieved_now {
        record(
            conn,
            ActivityType::AchievedGoal,
            Who {
                offer: Some(&offer.id),
                participant: Some(&referrer),
                ..Who::default()
            },
            json!({"credit": outcome.progress.credit, "goal_count": goal.count}),
            now,
        )?;
    }
    if outcome.fulfil_now {
        fulfil(conn, offer, &referrer, now)?;
    }
    Ok(Tracked {
        credited: true,
        reason: None,
        participant_id: Some(referrer),
    })
}

pub(crate) fn load_progress(conn: &Connection, participant: &ParticipantId) -> Result<Progress> {
    conn.prepare_cached("SELECT credit, achieved_at, fulfilled_at FROM participants WHERE id = ?1")?
        .query_row([participant.as_str()], |r| {
            Ok(Progress {
                credit: r.get(0)?,
                achieved: r.get::<_, Option<i64>>(1)?.is_some(),
                fulfilled: r.get::<_, Option<i64>>(2)?.is_some(),
            })
        })
        .optional()?
        .ok_or(StoreError::not_found("participant"))
}

/// Fulfils a participant: marks it, hands out the next unused promo code
/// (or records that the pool is empty), and queues the fulfilment email.
pub(crate) fn fulfil(
    conn: &Connection,
    offer: &Offer,
    participant: &ParticipantId,
    now: Millis,
) -> Result<Option<String>> {
    let marked = conn
        .prepare_cached(
            "UPDATE participants SET fulfilled_at = ?2 WHERE id = ?1 AND fulfilled_at IS NULL",
        )?
        .execute(params![participant.as_str(), now])?;
    if marked == 0 {
        return Err(StoreError::conflict(
            "already_fulfilled",
            "the participant is already fulfilled",
        ));
    }
    let code: Option<String> = conn
        .prepare_cached(
            "SELECT code FROM promo_codes WHERE offer_id = ?1 AND participant_id IS NULL ORDER BY seq LIMIT 1",
        )?
        .query_row([offer.id.as_str()], |r| r.get(0))
        .optional()?;
    let who = || Who {
        offer: Some(&offer.id),
        participant: Some(participant),
        ..Who::default()
    };
    match &code {
        Some(code) => {
            conn.prepare_cached(
                "UPDATE promo_codes SET participant_id = ?3, assigned_at = ?4 WHERE offer_id = ?1 AND code = ?2",
            )?
            .execute(params![offer.id.as_str(), code, participant.as_str(), now])?;
            conn.prepare_cached("UPDATE participants SET promo_code = ?2 WHERE id = ?1")?
                .execute(params![participant.as_str(), code])?;
        }
        None => {
            record(
                conn,
                ActivityType::PromoCodesExhausted,
                who(),
                json!({}),
                now,
            )?;
        }
    }
    record(
        conn,
        ActivityType::OfferFulfilled,
        who(),
        json!({"promo_code": code}),
        now,
    )?;
    let has_email = offer
        .live
        .as_ref()
        .or(offer.draft.as_ref())
        .is_some_and(|s| s.emails.fulfillment.is_some());
    if has_email {
        enqueue(
            conn,
            "email",
            json!({"template": "fulfillment", "offer_id": offer.id, "participant_id": participant}),
            now,
        )?;
    }
    Ok(code)
}
