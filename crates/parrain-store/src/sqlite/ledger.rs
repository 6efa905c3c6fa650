//! SQLite's side of the write flows (the [`LedgerTx`] primitives are written
//! once, in `crate::flows::ledger`): the activity log tallied in place by
//! the single writer, and what the writer keeps between writes
//! ([`super::cache`]) and counts once a write commits ([`super::tally`]).

use std::sync::Arc;

use parrain_core::activity::ActivityType;
use parrain_core::ids::{ActivityId, OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::Millis;
use r2d2_sqlite::rusqlite::Connection;
use serde_json::Value;

use super::cache::{self, Endpoint};
use crate::flows::{fan_out, LedgerTx, NewParticipant, Who};
use crate::report::HourStep;
use crate::sql::Db;
use crate::{Offer, Participant, Result, StoreError};

impl LedgerTx for Connection {
    /// Kept by the writer between writes (see [`super::cache`]); without the
    /// participant count, which no flow reads and which would cost a count
    /// of the offer's participants on every click.
    fn offer(&self, id: &OfferId) -> Result<Arc<Offer>> {
        if let Some(offer) = cache::offer(id) {
            return Ok(offer);
        }
        let row = self.query_opt(
            "SELECT id, status, live, draft, created_at, updated_at, approved_at, 0
             FROM offers WHERE id = ?1",
            &[id.as_str().into()],
        )?;
        let offer = Arc::new(crate::offers::offer_of(
            &row.ok_or(StoreError::not_found("offer"))?,
        )?);
        cache::keep_offer(&offer);
        Ok(offer)
    }

    fn smart_list_offers(&self) -> Result<Vec<OfferId>> {
        if let Some(ids) = cache::smart_list() {
            return Ok(ids.to_vec());
        }
        let ids = self.all(
            "SELECT id FROM offers WHERE status = 'approved'
               AND (json_extract(live, '$.goal.type') = 'smart_list_trigger'
                    OR json_extract(live, '$.eligibility.customer_event') IS NOT NULL
                    OR json_extract(live, '$.goal.reversal') IS NOT NULL)",
            &[],
            |r| Ok(OfferId::from_trusted(r.text(0)?)),
        )?;
        cache::keep_smart_list(&Arc::new(ids.clone()));
        Ok(ids)
    }

    /// Appends to the activity log and to the offer's hour of
    /// `activity_hours`, which reports read (`tally::hour`).
    fn record(&self, kind: ActivityType, who: Who<'_>, details: Value, now: Millis) -> Result<()> {
        let id = ActivityId::generate();
        Db::execute(
            self,
            "INSERT INTO activities (id, type, offer_id, participant_id, person_id, visitor_id, details, occurred_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            &[
                id.as_str().into(),
                kind.as_str().into(),
                who.offer.map(OfferId::as_str).into(),
                who.participant.map(ParticipantId::as_str).into(),
                who.person.map(PersonId::as_str).into(),
                who.visitor.map(VisitorId::as_str).into(),
                (&details).into(),
                now.into(),
            ],
        )?;
        if let Some(offer) = who.offer {
            let step = HourStep::of(kind, &details, now);
            super::tally::hour(self, offer, kind, step, self.last_insert_rowid())?;
        }
        super::tally::activity(kind.as_str());
        fan_out(
            self,
            &enabled_endpoints(self)?,
            &id,
            kind,
            &who,
            &details,
            now,
        )
    }

    fn queued(&self, kind: &str) {
        super::tally::job(kind);
    }

    fn kept_visitor(&self, visitor: &VisitorId) -> Option<Option<PersonId>> {
        cache::visitor_person(visitor)
    }

    fn keep_visitor(&self, visitor: &VisitorId, person: Option<PersonId>) {
        cache::saw_visitor(visitor, person);
    }

    fn participant_by_code(&self, code: &str) -> Result<Option<(ParticipantId, OfferId)>> {
        if let Some(owner) = cache::code(code) {
            return Ok(Some(owner));
        }
        let owner = self.first(
            "SELECT id, offer_id FROM participants WHERE code = ?1",
            &[code.into()],
            |r| {
                let participant = ParticipantId::from_trusted(r.text(0)?);
                Ok((participant, OfferId::from_trusted(r.text(1)?)))
            },
        )?;
        if let Some(owner) = &owner {
            cache::keep_code(code, owner);
        }
        Ok(owner)
    }

    fn insert_participant(&self, new: &NewParticipant<'_>) -> Result<bool> {
        let inserted = Db::execute(
            self,
            "INSERT INTO participants (id, offer_id, person_id, code, visitor_id, fields, marketing_consent,
                 referred_by, created_at, sign_up_ip, referred_method)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (code) DO NOTHING",
            &new.params(),
        )?;
        if inserted == 1 {
            Db::execute(
                self,
                "UPDATE offers SET participants = participants + 1 WHERE id = ?1",
                &[new.offer.as_str().into()],
            )?;
        }
        Ok(inserted == 1)
    }

    fn participant(&self, id: &ParticipantId) -> Result<Participant> {
        super::participants::load_participant(self, id)
    }
}

/// The enabled endpoints, kept by the writer until one changes.
fn enabled_endpoints(conn: &Connection) -> Result<Arc<Vec<Endpoint>>> {
    if let Some(kept) = cache::webhooks() {
        return Ok(kept);
    }
    let endpoints = conn.all(
        "SELECT id, offer_id, events FROM webhooks WHERE enabled = 1",
        &[],
        |r| {
            Ok(Endpoint {
                id: r.text(0)?,
                offer: r.opt_text(1)?,
                events: serde_json::from_str(&r.text(2)?)?,
            })
        },
    )?;
    let endpoints = Arc::new(endpoints);
    cache::keep_webhooks(&endpoints);
    Ok(endpoints)
}
