//! Participants: sign-up, reading progress, and fulfilment by hand.

use async_trait::async_trait;
use parrain_core::activity::ActivityType;
use parrain_core::code::ReferralCode;
use parrain_core::credit::{self, Fact};
use parrain_core::ids::{OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::Millis;
use r2d2_sqlite::rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::json;

use super::ledger::{self, load_offer, FriendIds, Who};
use super::{decode_cursor, is_unique_violation, page_of, SqliteStore};
use crate::{
    FulfillOutcome, Offer, Page, PageRequest, Participant, ParticipantDetail, ParticipantFilter,
    Participants, ReferredFriend, Result, SignUp, SignedUp, StoreError,
};

const SELECT: &str = "SELECT p.id, p.offer_id, p.person_id, pe.email, pe.first_name, pe.last_name,
        p.code, p.fields, p.marketing_consent, p.referred_by, p.credit,
        json_extract(COALESCE(o.live, o.draft), '$.goal.count'),
        p.achieved_at, p.fulfilled_at, p.promo_code, p.created_at, p.rowid
    FROM participants p JOIN people pe ON pe.id = p.person_id JOIN offers o ON o.id = p.offer_id";

fn participant_row(r: &Row<'_>) -> r2d2_sqlite::rusqlite::Result<(i64, Participant)> {
    let fields: String = r.get(7)?;
    Ok((
        r.get(16)?,
        Participant {
            id: ParticipantId::from_trusted(r.get(0)?),
            offer_id: OfferId::from_trusted(r.get(1)?),
            person_id: PersonId::from_trusted(r.get(2)?),
            email: r.get(3)?,
            first_name: r.get(4)?,
            last_name: r.get(5)?,
            code: r.get(6)?,
            fields: serde_json::from_str(&fields).unwrap_or_default(),
            marketing_consent: r.get(8)?,
            referred_by: r
                .get::<_, Option<String>>(9)?
                .map(ParticipantId::from_trusted),
            credit: r.get(10)?,
            goal_count: r.get(11)?,
            achieved_at: r.get(12)?,
            fulfilled_at: r.get(13)?,
            promo_code: r.get(14)?,
            created_at: r.get(15)?,
        },
    ))
}

pub(crate) fn load_participant(conn: &Connection, id: &ParticipantId) -> Result<Participant> {
    conn.prepare_cached(&format!("{SELECT} WHERE p.id = ?1"))?
        .query_row([id.as_str()], participant_row)
        .optional()?
        .map(|(_, p)| p)
        .ok_or(StoreError::not_found("participant"))
}

/// The participant of an offer with this share code.
pub(crate) fn by_code(conn: &Connection, code: &str) -> Result<Option<(ParticipantId, OfferId)>> {
    Ok(conn
        .prepare_cached("SELECT id, offer_id FROM participants WHERE code = ?1")?
        .query_row([code], |r| {
            Ok((
                ParticipantId::from_trusted(r.get(0)?),
                OfferId::from_trusted(r.get(1)?),
            ))
        })
        .optional()?)
}

fn insert_participant(
    conn: &Connection,
    offer: &OfferId,
    person: &PersonId,
    sign_up: &SignUp,
    referred_by: Option<&ParticipantId>,
    now: Millis,
) -> Result<ParticipantId> {
    let id = ParticipantId::generate();
    for _ in 0..8 {
        let inserted = conn.execute(
            "INSERT INTO participants (id, offer_id, person_id, code, visitor_id, fields, marketing_consent,
                 referred_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                id.as_str(),
                offer.as_str(),
                person.as_str(),
                ReferralCode::generate().as_str(),
                sign_up.visitor_id.as_ref().map(VisitorId::as_str),
                serde_json::Value::Object(sign_up.fields.clone()).to_string(),
                sign_up.marketing_consent,
                referred_by.map(ParticipantId::as_str),
                now
            ],
        );
        match inserted {
            Err(e) if is_unique_violation(&e) => continue, // a code collision: draw again
            other => {
                other?;
                return Ok(id);
            }
        }
    }
    Err(StoreError::Database(
        "could not draw a free share code".into(),
    ))
}

/// The participant a sign-up was referred by: its share code if given, else attribution.
fn referrer_for_sign_up(
    conn: &Connection,
    offer: &Offer,
    friend: &FriendIds,
    code: Option<&str>,
    now: Millis,
) -> Result<Option<ParticipantId>> {
    let settings = offer.live_at(now).expect("checked live by the caller");
    let by_code = match code.and_then(|c| ReferralCode::parse(c).ok()) {
        Some(code) => by_code(conn, code.as_str())?
            .filter(|(_, o)| *o == offer.id)
            .map(|(p, _)| p),
        None => None,
    };
    let referrer = match by_code {
        Some(p) => {
            for visitor in &friend.visitors {
                ledger::touch(conn, &offer.id, settings, visitor, &p, now)?;
            }
            Some(p)
        }
        None => ledger::referrer_of(conn, &offer.id, settings, friend, now)?,
    };
    match referrer {
        Some(p) if !ledger::is_self(conn, &p, friend)? => Ok(Some(p)),
        _ => Ok(None),
    }
}

fn sign_up_now(
    conn: &Connection,
    offer_id: &OfferId,
    sign_up: SignUp,
    now: Millis,
) -> Result<SignedUp> {
    let offer = load_offer(conn, offer_id)?;
    let Some(settings) = offer.live_at(now) else {
        return Err(StoreError::conflict(
            "offer_not_live",
            format!(
                "the offer does not take sign-ups now ({})",
                offer.not_live_reason(now).unwrap_or("not live")
            ),
        ));
    };
    let problems = settings.sign_up_problems(
        sign_up.first_name.as_deref(),
        sign_up.last_name.as_deref(),
        &sign_up.fields,
    );
    if !problems.is_empty() {
        return Err(StoreError::Invalid(problems));
    }
    let person = ledger::person_for_email(
        conn,
        &sign_up.email,
        sign_up.first_name.as_deref(),
        sign_up.last_name.as_deref(),
        now,
    )?;
    if let Some(visitor) = &sign_up.visitor_id {
        ledger::see_visitor(conn, visitor, Some(&person), now)?;
    }
    let existing: Option<String> = conn
        .prepare_cached("SELECT id FROM participants WHERE offer_id = ?1 AND person_id = ?2")?
        .query_row([offer_id.as_str(), person.as_str()], |r| r.get(0))
        .optional()?;
    if let Some(id) = existing {
        let participant = load_participant(conn, &ParticipantId::from_trusted(id))?;
        return Ok(SignedUp {
            participant,
            created: false,
        });
    }
    let friend = FriendIds::of_person(conn, person.clone(), sign_up.visitor_id.as_ref())?;
    let referrer =
        referrer_for_sign_up(conn, &offer, &friend, sign_up.referral_code.as_deref(), now)?;
    let id = insert_participant(conn, offer_id, &person, &sign_up, referrer.as_ref(), now)?;
    ledger::record(
        conn,
        ActivityType::SignsUp,
        Who {
            offer: Some(offer_id),
            participant: Some(&id),
            person: Some(&person),
            visitor: sign_up.visitor_id.as_ref(),
        },
        json!({"referred_by": referrer, "marketing_consent": sign_up.marketing_consent}),
        now,
    )?;
    if let Some(referrer) = &referrer {
        ledger::award(
            conn,
            &offer,
            &friend,
            Some(referrer),
            |friend| Fact::SignUp { friend },
            now,
        )?;
    }
    if settings.emails.sign_up.is_some() {
        ledger::enqueue(
            conn,
            "email",
            json!({"template": "sign_up", "offer_id": offer_id, "participant_id": id}),
            now,
        )?;
    }
    let participant = load_participant(conn, &id)?;
    Ok(SignedUp {
        participant,
        created: true,
    })
}

fn fulfil_by_hand(conn: &Connection, id: &ParticipantId, now: Millis) -> Result<Participant> {
    let participant = load_participant(conn, id)?;
    let offer = load_offer(conn, &participant.offer_id)?;
    let progress = ledger::load_progress(conn, id)?;
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
    ledger::fulfil(conn, &offer, id, now)?;
    load_participant(conn, id)
}

#[async_trait]
impl Participants for SqliteStore {
    async fn sign_up(&self, offer: &OfferId, sign_up: SignUp, now: Millis) -> Result<SignedUp> {
        let offer = offer.clone();
        self.write(move |conn| sign_up_now(conn, &offer, sign_up, now))
            .await
    }

    async fn participant(&self, id: &ParticipantId) -> Result<ParticipantDetail> {
        let id = id.clone();
        self.read(move |conn| {
            let participant = load_participant(conn, &id)?;
            let mut stmt = conn.prepare(
                "SELECT c.friend_person, pe.email, MIN(c.friend_visitor), COUNT(*), MIN(c.created_at)
                 FROM credits c LEFT JOIN people pe ON pe.id = c.friend_person
                 WHERE c.participant_id = ?1
                 GROUP BY COALESCE(c.friend_person, c.friend_visitor) ORDER BY MIN(c.created_at)",
            )?;
            let friends = stmt
                .query_map([id.as_str()], |r| {
                    Ok(ReferredFriend {
                        person_id: r.get::<_, Option<String>>(0)?.map(PersonId::from_trusted),
                        email: r.get(1)?,
                        visitor_id: r.get::<_, Option<String>>(2)?.map(VisitorId::from_trusted),
                        credits: r.get(3)?,
                        first_credited_at: r.get(4)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(ParticipantDetail { participant, friends })
        })
        .await
    }

    async fn list_participants(
        &self,
        offer: &OfferId,
        filter: ParticipantFilter,
        page: PageRequest,
    ) -> Result<Page<Participant>> {
        let offer = offer.clone();
        let before = decode_cursor(page.cursor.as_deref())?.unwrap_or(i64::MAX);
        self.read(move |conn| {
            load_offer(conn, &offer)?;
            let sql = format!(
                "{SELECT} WHERE p.offer_id = ?1 AND p.rowid < ?2
                   AND (?3 IS NULL OR (p.achieved_at IS NOT NULL) = ?3)
                   AND (?4 IS NULL OR (p.fulfilled_at IS NOT NULL) = ?4)
                 ORDER BY p.rowid DESC LIMIT ?5"
            );
            let rows = conn
                .prepare(&sql)?
                .query_map(
                    params![
                        offer.as_str(),
                        before,
                        filter.achieved,
                        filter.fulfilled,
                        page.limit + 1
                    ],
                    participant_row,
                )?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(page_of(rows, page.limit))
        })
        .await
    }

    async fn fulfill(&self, id: &ParticipantId, now: Millis) -> Result<Participant> {
        let id = id.clone();
        self.write(move |conn| fulfil_by_hand(conn, &id, now)).await
    }

    async fn fulfill_many(
        &self,
        offer: &OfferId,
        ids: Vec<ParticipantId>,
        now: Millis,
    ) -> Result<Vec<FulfillOutcome>> {
        let offer = offer.clone();
        self.write(move |conn| {
            load_offer(conn, &offer)?;
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                let result = match load_participant(conn, &id) {
                    Ok(p) if p.offer_id != offer => Err(StoreError::not_found("participant")),
                    Ok(_) => fulfil_by_hand(conn, &id, now),
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
        })
        .await
    }
}

fn error_code(e: &StoreError) -> &'static str {
    match e {
        StoreError::NotFound { .. } => "not_found",
        StoreError::Conflict { code, .. } => code,
        _ => "invalid",
    }
}
