//! SQLite's side of the write flows: the activity log and outbox, and the
//! [`LedgerTx`] primitives the flows of `crate::flows` are made of, each a
//! statement or two inside the writer's transaction.

use std::sync::Arc;

use parrain_core::activity::ActivityType;
use parrain_core::attribution::Touch;
use parrain_core::credit::Progress;
use parrain_core::email::Email;
use parrain_core::ids::{ActivityId, OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::offer::{OfferSettings, OfferStatus};
use parrain_core::Millis;
use r2d2_sqlite::rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use super::cache;

pub(crate) use crate::flows::Who;
use crate::flows::{FriendIds, LedgerTx, NewParticipant};
use crate::report::HourStep;
use crate::JobPayload;
use crate::{Offer, Participant, Result, StoreError};

/// Appends to the activity log (and to the offer's hour of
/// `activity_hours`, which reports read: `tally::hour`), with a webhook
/// delivery for every endpoint that listens for it; returns the entry's
/// position.
pub(crate) fn record(
    conn: &Connection,
    kind: ActivityType,
    who: Who<'_>,
    details: Value,
    now: Millis,
) -> Result<i64> {
    let id = ActivityId::generate();
    conn.prepare_cached(
        "INSERT INTO activities (id, type, offer_id, participant_id, person_id, visitor_id, details, occurred_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        id.as_str(),
        kind.as_str(),
        who.offer.map(OfferId::as_str),
        who.participant.map(ParticipantId::as_str),
        who.person.map(PersonId::as_str),
        who.visitor.map(VisitorId::as_str),
        details.to_string(),
        now,
    ])?;
    let seq = conn.last_insert_rowid();
    if let Some(offer) = who.offer {
        super::tally::hour(conn, offer, kind, HourStep::of(kind, &details, now), seq)?;
    }
    super::tally::activity(kind.as_str());
    super::webhooks::fan_out(conn, &id, kind, &who, &details, now)?;
    Ok(seq)
}

/// Queues outbound work, committed with the change that caused it.
pub(crate) fn enqueue(conn: &Connection, kind: &str, payload: Value, now: Millis) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO jobs (kind, payload, run_at, created_at) VALUES (?1, ?2, ?3, ?3)",
    )?
    .execute(params![kind, payload.to_string(), now])?;
    super::tally::job(kind);
    Ok(())
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
                .ok_or_else(|| StoreError::database(format!("unknown offer status {status}")))?,
            live: live?,
            draft: draft?,
            created_at: row.get(4)?,
            updated_at: row.get(5)?,
            approved_at: row.get(6)?,
            participants: row.get(7)?,
        })
    })())
}

fn opt_id<T>(value: Option<String>, wrap: fn(String) -> T) -> Option<T> {
    value.map(wrap)
}

impl LedgerTx for Connection {
    /// Kept by the writer between writes (see [`super::cache`]); without the
    /// participant count, which no flow reads and which would cost a count
    /// of the offer's participants on every click.
    fn offer(&self, id: &OfferId) -> Result<Arc<Offer>> {
        if let Some(offer) = cache::offer(id) {
            return Ok(offer);
        }
        let offer = Arc::new(
            self.prepare_cached(
                "SELECT id, status, live, draft, created_at, updated_at, approved_at, 0
                 FROM offers WHERE id = ?1",
            )?
            .query_row([id.as_str()], offer_row)
            .optional()?
            .ok_or(StoreError::not_found("offer"))??,
        );
        cache::keep_offer(&offer);
        Ok(offer)
    }

    fn smart_list_offers(&self) -> Result<Vec<OfferId>> {
        if let Some(ids) = cache::smart_list() {
            return Ok(ids.to_vec());
        }
        let ids: Vec<OfferId> = self
            .prepare_cached(
                "SELECT id FROM offers WHERE status = 'approved'
                   AND (json_extract(live, '$.goal.type') = 'smart_list_trigger'
                        OR json_extract(live, '$.eligibility.customer_event') IS NOT NULL
                        OR json_extract(live, '$.goal.reversal') IS NOT NULL)",
            )?
            .query_map([], |r| r.get(0).map(OfferId::from_trusted))?
            .collect::<Result<_, _>>()?;
        cache::keep_smart_list(&Arc::new(ids.clone()));
        Ok(ids)
    }

    fn record(&self, kind: ActivityType, who: Who<'_>, details: Value, now: Millis) -> Result<()> {
        record(self, kind, who, details, now).map(drop)
    }

    fn enqueue(&self, job: JobPayload, now: Millis) -> Result<()> {
        enqueue(self, job.kind().as_str(), job.to_json(), now)
    }

    fn person_by_email(&self, email: &Email) -> Result<Option<PersonId>> {
        Ok(self
            .prepare_cached("SELECT id FROM people WHERE email = ?1")?
            .query_row([email.as_str()], |r| r.get(0))
            .optional()?
            .map(PersonId::from_trusted))
    }

    fn insert_person(
        &self,
        id: &PersonId,
        email: &Email,
        first: Option<&str>,
        last: Option<&str>,
        now: Millis,
    ) -> Result<()> {
        self.prepare_cached(
            "INSERT INTO people (id, email, first_name, last_name, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![id.as_str(), email.as_str(), first, last, now])?;
        Ok(())
    }

    fn fill_person_names(
        &self,
        id: &PersonId,
        first: Option<&str>,
        last: Option<&str>,
    ) -> Result<()> {
        self.prepare_cached(
            "UPDATE people SET first_name = COALESCE(first_name, ?2), last_name = COALESCE(last_name, ?3)
             WHERE id = ?1",
        )?
        .execute(params![id.as_str(), first, last])?;
        Ok(())
    }

    fn person_exists(&self, id: &PersonId) -> Result<bool> {
        Ok(self
            .prepare_cached("SELECT 1 FROM people WHERE id = ?1")?
            .exists([id.as_str()])?)
    }

    fn see_visitor(
        &self,
        visitor: &VisitorId,
        person: Option<&PersonId>,
        ip: Option<&str>,
        now: Millis,
    ) -> Result<()> {
        let person: Option<String> = self
            .prepare_cached(
                "INSERT INTO visitors (id, person_id, created_at, ip, ip_seen_at)
                 VALUES (?1, ?2, ?3, ?4, CASE WHEN ?4 IS NULL THEN NULL ELSE ?3 END)
                 ON CONFLICT (id) DO UPDATE SET person_id = COALESCE(visitors.person_id, excluded.person_id),
                     ip = COALESCE(excluded.ip, visitors.ip),
                     ip_seen_at = COALESCE(excluded.ip_seen_at, visitors.ip_seen_at)
                 RETURNING person_id",
            )?
            .query_row(
                params![visitor.as_str(), person.map(PersonId::as_str), now, ip],
                |r| r.get(0),
            )?;
        cache::saw_visitor(visitor, opt_id(person, PersonId::from_trusted));
        Ok(())
    }

    fn visitor_person(&self, visitor: &VisitorId) -> Result<Option<Option<PersonId>>> {
        if let Some(person) = cache::visitor_person(visitor) {
            return Ok(Some(person));
        }
        Ok(self
            .prepare_cached("SELECT person_id FROM visitors WHERE id = ?1")?
            .query_row([visitor.as_str()], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .map(|p| opt_id(p, PersonId::from_trusted)))
    }

    fn person_visitors(&self, person: &PersonId) -> Result<Vec<VisitorId>> {
        let ids = self
            .prepare_cached("SELECT id FROM visitors WHERE person_id = ?1 ORDER BY created_at, id")?
            .query_map([person.as_str()], |r| r.get(0).map(VisitorId::from_trusted))?
            .collect::<Result<_, _>>()?;
        Ok(ids)
    }

    fn attribution(&self, offer: &OfferId, visitor: &VisitorId) -> Result<Option<Touch<String>>> {
        Ok(self
            .prepare_cached(
                "SELECT participant_id, touched_at FROM attributions WHERE offer_id = ?1 AND visitor_id = ?2",
            )?
            .query_row([offer.as_str(), visitor.as_str()], |r| {
                Ok(Touch { participant: r.get(0)?, at: r.get(1)? })
            })
            .optional()?)
    }

    fn set_attribution(
        &self,
        offer: &OfferId,
        visitor: &VisitorId,
        touch: &Touch<String>,
        channel: Option<&str>,
    ) -> Result<()> {
        self.prepare_cached(
            "INSERT INTO attributions (offer_id, visitor_id, participant_id, touched_at, channel)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (offer_id, visitor_id) DO UPDATE SET
                 channel = CASE WHEN excluded.channel IS NULL
                                 AND attributions.participant_id = excluded.participant_id
                            THEN attributions.channel ELSE excluded.channel END,
                 participant_id = excluded.participant_id,
                 touched_at = excluded.touched_at",
        )?
        .execute(params![
            offer.as_str(),
            visitor.as_str(),
            touch.participant,
            touch.at,
            channel
        ])?;
        Ok(())
    }

    fn attribution_channel(
        &self,
        offer: &OfferId,
        visitor: &VisitorId,
        participant: &ParticipantId,
    ) -> Result<Option<String>> {
        Ok(self
            .prepare_cached(
                "SELECT channel FROM attributions
                 WHERE offer_id = ?1 AND visitor_id = ?2 AND participant_id = ?3",
            )?
            .query_row(
                [offer.as_str(), visitor.as_str(), participant.as_str()],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    fn visit_session(
        &self,
        offer: &OfferId,
        visitor: &VisitorId,
    ) -> Result<Option<(Millis, Millis)>> {
        Ok(self
            .prepare_cached(
                "SELECT started_at, last_seen FROM visit_sessions WHERE offer_id = ?1 AND visitor_id = ?2",
            )?
            .query_row([offer.as_str(), visitor.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    fn set_visit_session(
        &self,
        offer: &OfferId,
        visitor: &VisitorId,
        start: Millis,
        now: Millis,
    ) -> Result<()> {
        self.prepare_cached(
            "INSERT INTO visit_sessions (offer_id, visitor_id, started_at, last_seen) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (offer_id, visitor_id) DO UPDATE SET started_at = ?3, last_seen = MAX(last_seen, ?4)",
        )?
        .execute(params![offer.as_str(), visitor.as_str(), start, now])?;
        Ok(())
    }

    fn participant_by_code(&self, code: &str) -> Result<Option<(ParticipantId, OfferId)>> {
        if let Some(owner) = cache::code(code) {
            return Ok(Some(owner));
        }
        let owner = self
            .prepare_cached("SELECT id, offer_id FROM participants WHERE code = ?1")?
            .query_row([code], |r| {
                Ok((
                    ParticipantId::from_trusted(r.get(0)?),
                    OfferId::from_trusted(r.get(1)?),
                ))
            })
            .optional()?;
        if let Some(owner) = &owner {
            cache::keep_code(code, owner);
        }
        Ok(owner)
    }

    fn participant_of(&self, offer: &OfferId, person: &PersonId) -> Result<Option<ParticipantId>> {
        Ok(self
            .prepare_cached("SELECT id FROM participants WHERE offer_id = ?1 AND person_id = ?2")?
            .query_row([offer.as_str(), person.as_str()], |r| r.get(0))
            .optional()?
            .map(ParticipantId::from_trusted))
    }

    fn participant_owner(&self, id: &ParticipantId) -> Result<(PersonId, Option<VisitorId>)> {
        self.prepare_cached("SELECT person_id, visitor_id FROM participants WHERE id = ?1")?
            .query_row([id.as_str()], |r| {
                Ok((
                    PersonId::from_trusted(r.get(0)?),
                    opt_id(r.get(1)?, VisitorId::from_trusted),
                ))
            })
            .optional()?
            .ok_or(StoreError::not_found("participant"))
    }

    fn referred_by(&self, offer: &OfferId, person: &PersonId) -> Result<Option<ParticipantId>> {
        Ok(self
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

    fn insert_participant(&self, new: &NewParticipant<'_>) -> Result<bool> {
        let inserted = self
            .prepare_cached(
                "INSERT INTO participants (id, offer_id, person_id, code, visitor_id, fields, marketing_consent,
                     referred_by, created_at, sign_up_ip, referred_method)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT (code) DO NOTHING",
            )?
            .execute(params![
                new.id.as_str(),
                new.offer.as_str(),
                new.person.as_str(),
                new.code.as_str(),
                new.visitor.map(VisitorId::as_str),
                new.fields.to_string(),
                new.marketing_consent,
                new.referred_by.map(|f| f.participant.as_str()),
                new.now,
                new.ip.as_deref(),
                new.referred_by.map(|f| f.method.as_str()),
            ])?;
        if inserted == 1 {
            self.prepare_cached("UPDATE offers SET participants = participants + 1 WHERE id = ?1")?
                .execute([new.offer.as_str()])?;
        }
        Ok(inserted == 1)
    }

    fn participant(&self, id: &ParticipantId) -> Result<Participant> {
        super::participants::load_participant(self, id)
    }

    fn insert_credit(
        &self,
        participant: &ParticipantId,
        key: &str,
        offer: &OfferId,
        friend: &FriendIds,
        now: Millis,
    ) -> Result<bool> {
        let inserted = self
            .prepare_cached(
                "INSERT INTO credits (participant_id, key, offer_id, friend_person, friend_visitor, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                participant.as_str(),
                key,
                offer.as_str(),
                friend.person.as_ref().map(PersonId::as_str),
                friend.visitors.first().map(VisitorId::as_str),
                now
            ])?;
        Ok(inserted == 1)
    }

    fn progress(&self, participant: &ParticipantId) -> Result<Progress> {
        self.prepare_cached(
            "SELECT credit, achieved_at, fulfilled_at FROM participants WHERE id = ?1",
        )?
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

    fn set_credit(
        &self,
        participant: &ParticipantId,
        credit: i64,
        achieved_at: Option<Millis>,
    ) -> Result<()> {
        self.prepare_cached(
            "UPDATE participants SET credit = ?2, achieved_at = COALESCE(achieved_at, ?3) WHERE id = ?1",
        )?
        .execute(params![participant.as_str(), credit, achieved_at])?;
        Ok(())
    }

    fn mark_fulfilled(&self, participant: &ParticipantId, now: Millis) -> Result<bool> {
        let marked = self
            .prepare_cached(
                "UPDATE participants SET fulfilled_at = ?2 WHERE id = ?1 AND fulfilled_at IS NULL",
            )?
            .execute(params![participant.as_str(), now])?;
        Ok(marked == 1)
    }

    fn take_promo_code(
        &self,
        offer: &OfferId,
        participant: &ParticipantId,
        now: Millis,
    ) -> Result<Option<String>> {
        let code: Option<String> = self
            .prepare_cached(
                "SELECT code FROM promo_codes WHERE offer_id = ?1 AND pool = 'default' AND participant_id IS NULL
                 ORDER BY seq LIMIT 1",
            )?
            .query_row([offer.as_str()], |r| r.get(0))
            .optional()?;
        if let Some(code) = &code {
            self.prepare_cached(
                "UPDATE promo_codes SET participant_id = ?3, assigned_at = ?4 WHERE offer_id = ?1 AND code = ?2",
            )?
            .execute(params![offer.as_str(), code, participant.as_str(), now])?;
            self.prepare_cached("UPDATE participants SET promo_code = ?2 WHERE id = ?1")?
                .execute(params![participant.as_str(), code])?;
        }
        Ok(code)
    }

    fn server_event(&self, id: &str) -> Result<Option<String>> {
        Ok(self
            .prepare_cached("SELECT result FROM server_events WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?)
    }

    fn save_server_event(&self, id: &str, result: &str, now: Millis) -> Result<()> {
        self.prepare_cached(
            "INSERT INTO server_events (id, result, received_at) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![id, result, now])?;
        Ok(())
    }

    fn keep_access_token(
        &self,
        hash: &str,
        participant: &ParticipantId,
        now: Millis,
    ) -> Result<()> {
        self.prepare_cached(
            "INSERT INTO participant_tokens (token_hash, participant_id, kind, created_at)
             VALUES (?1, ?2, 'access', ?3)",
        )?
        .execute(params![hash, participant.as_str(), now])?;
        Ok(())
    }
}
