//! The database steps the flows are made of: [`LedgerTx`], written once over
//! the shared SQL layer (`crate::sql`), each a statement or two inside the
//! flow's transaction, read in place from the engine's own rows
//! ([`Db::first`], [`Db::all`]).
//!
//! An engine writes only what it does differently: how it appends to the
//! activity log and counts a participant (SQLite tallies in place;
//! PostgreSQL appends deltas its folder adds up), where the offers, share
//! codes and webhook endpoints come from (SQLite's writer keeps them;
//! PostgreSQL's node keeps them under the cache generation), and what a
//! transaction remembers of the browser it has just seen
//! ([`LedgerTx::kept_visitor`] and the like). The fan-out of an activity to
//! its webhooks is [`fan_out`], called by each engine's `record`.

use std::sync::Arc;

use parrain_core::activity::ActivityType;
use parrain_core::attribution::{Found, Touch};
use parrain_core::credit::Progress;
use parrain_core::email::Email;
use parrain_core::fraud::Sighting;
use parrain_core::ids::{ActivityId, MessageId, OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::Millis;
use serde_json::{Map, Value};

use super::review::{ReferrerSignals, ReviewTx};
use super::{FriendIds, NewParticipant, Who};
use crate::referrers;
use crate::review::sighting;
use crate::sql::{Db, Param};
use crate::webhook_data;
use crate::{JobPayload, Offer, Participant, Result, StoreError};

/// `head`, then `lock` on an engine whose transactions run side by side
/// (PostgreSQL's row locks), then `tail`: one statement, written once,
/// chosen at compile time.
macro_rules! locking {
    ($head:literal, $lock:literal, $tail:literal) => {
        if Self::LOCKS {
            concat!($head, $lock, $tail)
        } else {
            concat!($head, $tail)
        }
    };
}

/// An enabled webhook endpoint, as the fan-out matches activities to it.
#[derive(Debug, Clone)]
pub(crate) struct Endpoint {
    pub(crate) id: String,
    /// Only this offer's activities, when set.
    pub(crate) offer: Option<String>,
    /// The activity types it listens for.
    pub(crate) events: Vec<String>,
}

impl Endpoint {
    pub(crate) fn listens(&self, offer: Option<&str>, kind: &str) -> bool {
        (self.offer.is_none() || self.offer.as_deref() == offer)
            && self.events.iter().any(|e| e == kind)
    }
}

impl NewParticipant<'_> {
    /// Its columns: id, offer_id, person_id, code, visitor_id, fields,
    /// marketing_consent, referred_by, created_at, sign_up_ip, referred_method.
    pub(crate) fn params(&self) -> [Param<'_>; 11] {
        [
            self.id.as_str().into(),
            self.offer.as_str().into(),
            self.person.as_str().into(),
            self.code.as_str().into(),
            self.visitor.map(VisitorId::as_str).into(),
            self.fields.into(),
            self.marketing_consent.map(i64::from).into(),
            self.referred_by.map(|f| f.participant.as_str()).into(),
            self.now.into(),
            self.ip.as_deref().into(),
            self.referred_by.map(|f| f.method.as_str()).into(),
        ]
    }
}

fn id<T>(wrap: fn(String) -> T) -> impl Fn(&dyn crate::sql::Get) -> Result<T> {
    move |r| Ok(wrap(r.text(0)?))
}

/// [`LedgerTx::see_visitor`]'s statement, which reads back the browser's
/// person and address (parameters: [`stmt::see_visitor_params`]).
macro_rules! see_visitor_sql {
    () => {
        "INSERT INTO visitors (id, person_id, created_at, ip, ip_seen_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET person_id = COALESCE(visitors.person_id, excluded.person_id),
             ip = COALESCE(excluded.ip, visitors.ip),
             ip_seen_at = COALESCE(excluded.ip_seen_at, visitors.ip_seen_at)
         RETURNING person_id, ip, ip_seen_at"
    };
}
pub(crate) use see_visitor_sql;

/// The statements of the steps an engine may answer otherwise first (a
/// PostgreSQL batch of server events reads ahead what its events ask):
/// the engine's own version ends in the same statement.
pub(crate) mod stmt {
    use parrain_core::attribution::Touch;
    use parrain_core::email::Email;
    use parrain_core::ids::{OfferId, ParticipantId, PersonId, VisitorId};
    use parrain_core::Millis;

    use super::id;
    use crate::sql::{Db, Param};
    use crate::Result;

    /// The parameters of `see_visitor_sql`.
    pub(crate) fn see_visitor_params<'a>(
        visitor: &'a VisitorId,
        person: Option<&'a PersonId>,
        ip: Option<&'a str>,
        now: Millis,
    ) -> [Param<'a>; 5] {
        [
            visitor.as_str().into(),
            person.map(PersonId::as_str).into(),
            now.into(),
            ip.into(),
            ip.map(|_| now).into(),
        ]
    }

    pub(crate) fn person_by_email(db: &impl Db, email: &Email) -> Result<Option<PersonId>> {
        db.first(
            "SELECT id FROM people WHERE email = ?1",
            &[email.as_str().into()],
            id(PersonId::from_trusted),
        )
    }

    pub(crate) fn insert_person(
        db: &impl Db,
        id: &PersonId,
        email: &Email,
        first: Option<&str>,
        last: Option<&str>,
        now: Millis,
    ) -> Result<()> {
        db.execute(
            "INSERT INTO people (id, email, first_name, last_name, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            &[id.as_str().into(), email.as_str().into(), first.into(), last.into(), now.into()],
        )?;
        Ok(())
    }

    pub(crate) fn person_exists(db: &impl Db, id: &PersonId) -> Result<bool> {
        let found = db.first(
            "SELECT 1 FROM people WHERE id = ?1",
            &[id.as_str().into()],
            |_| Ok(()),
        )?;
        Ok(found.is_some())
    }

    /// `None` for an unknown browser, `Some(None)` for an anonymous one.
    pub(crate) fn visitor_person(
        db: &impl Db,
        visitor: &VisitorId,
    ) -> Result<Option<Option<PersonId>>> {
        db.first(
            "SELECT person_id FROM visitors WHERE id = ?1",
            &[visitor.as_str().into()],
            |r| Ok(r.opt_text(0)?.map(PersonId::from_trusted)),
        )
    }

    pub(crate) fn person_visitors(db: &impl Db, person: &PersonId) -> Result<Vec<VisitorId>> {
        db.all(
            "SELECT id FROM visitors WHERE person_id = ?1 ORDER BY created_at, id",
            &[person.as_str().into()],
            id(VisitorId::from_trusted),
        )
    }

    pub(crate) fn server_event(db: &impl Db, id: &str) -> Result<Option<String>> {
        db.first(
            "SELECT result FROM server_events WHERE id = ?1",
            &[id.into()],
            |r| r.text(0),
        )
    }

    pub(crate) fn visit_session(
        db: &impl Db,
        offer: &OfferId,
        visitor: &VisitorId,
    ) -> Result<Option<(Millis, Millis)>> {
        db.first(
            "SELECT started_at, last_seen FROM visit_sessions WHERE offer_id = ?1 AND visitor_id = ?2",
            &[offer.as_str().into(), visitor.as_str().into()],
            |r| Ok((r.int(0)?, r.int(1)?)),
        )
    }

    /// A browser's visit session in an offer: offer, browser, start, now.
    pub(crate) const SET_VISIT_SESSION: &str =
        "INSERT INTO visit_sessions (offer_id, visitor_id, started_at, last_seen) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (offer_id, visitor_id) DO UPDATE SET started_at = excluded.started_at,
             last_seen = CASE WHEN visit_sessions.last_seen > excluded.last_seen
                         THEN visit_sessions.last_seen ELSE excluded.last_seen END";

    pub(crate) fn set_visit_session(
        db: &impl Db,
        offer: &OfferId,
        visitor: &VisitorId,
        start: Millis,
        now: Millis,
    ) -> Result<()> {
        db.execute(
            SET_VISIT_SESSION,
            &[
                offer.as_str().into(),
                visitor.as_str().into(),
                start.into(),
                now.into(),
            ],
        )?;
        Ok(())
    }

    /// A browser's attribution in an offer ([`attribution_params`]); a
    /// `NULL` channel keeps the one recorded when the touch is the same
    /// participant's.
    pub(crate) const SET_ATTRIBUTION: &str =
        "INSERT INTO attributions (offer_id, visitor_id, participant_id, touched_at, channel)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (offer_id, visitor_id) DO UPDATE SET
             channel = CASE WHEN excluded.channel IS NULL
                             AND attributions.participant_id = excluded.participant_id
                        THEN attributions.channel ELSE excluded.channel END,
             participant_id = excluded.participant_id,
             touched_at = excluded.touched_at";

    pub(crate) fn attribution_params<'a>(
        offer: &'a OfferId,
        visitor: &'a VisitorId,
        touch: &'a Touch<String>,
        channel: Option<&'a str>,
    ) -> [Param<'a>; 5] {
        [
            offer.as_str().into(),
            visitor.as_str().into(),
            touch.participant.as_str().into(),
            touch.at.into(),
            channel.into(),
        ]
    }

    pub(crate) fn save_server_event(
        db: &impl Db,
        id: &str,
        result: &str,
        now: Millis,
    ) -> Result<()> {
        db.execute(
            "INSERT INTO server_events (id, result, received_at) VALUES (?1, ?2, ?3)",
            &[id.into(), result.into(), now.into()],
        )?;
        Ok(())
    }

    pub(crate) fn insert_browser(
        db: &impl Db,
        visitor: &VisitorId,
        ip: Option<&str>,
        now: Millis,
    ) -> Result<()> {
        db.execute(
            "INSERT INTO visitors (id, created_at, ip, ip_seen_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO NOTHING",
            &[
                visitor.as_str().into(),
                now.into(),
                ip.into(),
                ip.map(|_| now).into(),
            ],
        )?;
        Ok(())
    }

    pub(crate) fn insert_attribution(
        db: &impl Db,
        offer: &OfferId,
        visitor: &VisitorId,
        participant: &ParticipantId,
        channel: Option<&str>,
        now: Millis,
    ) -> Result<()> {
        db.execute(
            "INSERT INTO attributions (offer_id, visitor_id, participant_id, touched_at, channel)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (offer_id, visitor_id) DO NOTHING",
            &[
                offer.as_str().into(),
                visitor.as_str().into(),
                participant.as_str().into(),
                now.into(),
                channel.into(),
            ],
        )?;
        Ok(())
    }

    pub(crate) fn keep_access_token(
        db: &impl Db,
        hash: &str,
        participant: &ParticipantId,
        now: Millis,
    ) -> Result<()> {
        db.execute(
            "INSERT INTO participant_tokens (token_hash, participant_id, kind, created_at)
             VALUES (?1, ?2, 'access', ?3)",
            &[hash.into(), participant.as_str().into(), now.into()],
        )?;
        Ok(())
    }
}

/// The database steps the flows are made of, inside one transaction.
pub(crate) trait LedgerTx: ReviewTx + crate::sql::Sql + Db + Sized {
    /// Whether rows are locked (`FOR UPDATE`) before they are read to be
    /// changed: on PostgreSQL, where transactions run side by side.
    const LOCKS: bool = false;

    fn offer(&self, id: &OfferId) -> Result<Arc<Offer>>;
    /// Approved offers server events concern: those whose goal is a
    /// smart-list trigger, and those whose list of existing customers grows
    /// by a named event (`eligibility.customer_event`).
    fn smart_list_offers(&self) -> Result<Vec<OfferId>>;
    /// Appends to the activity log (and whatever listens to it).
    fn record(&self, kind: ActivityType, who: Who<'_>, details: Value, now: Millis) -> Result<()>;
    /// Inserts a browser that came without a visitor id, which the
    /// redirect has just named: no flow can ask for its row, nor for its
    /// attribution ([`LedgerTx::insert_attribution`]), before this
    /// transaction commits. The id is new, so the conflict clause is only a
    /// guard.
    fn insert_browser(&self, visitor: &VisitorId, ip: Option<&str>, now: Millis) -> Result<()> {
        stmt::insert_browser(self, visitor, ip, now)
    }
    /// The attribution of a browser [`LedgerTx::insert_browser`] inserted.
    fn insert_attribution(
        &self,
        offer: &OfferId,
        visitor: &VisitorId,
        participant: &ParticipantId,
        channel: Option<&str>,
        now: Millis,
    ) -> Result<()> {
        stmt::insert_attribution(self, offer, visitor, participant, channel, now)
    }
    /// Inserts a participant; `false` when its share code is already taken.
    fn insert_participant(&self, new: &NewParticipant<'_>) -> Result<bool>;
    fn participant(&self, id: &ParticipantId) -> Result<Participant>;

    /// A job of `kind` was queued in this transaction (its workers are
    /// woken once it commits).
    fn queued(&self, kind: &str);
    /// What this transaction last wrote of `visitor`'s person, if it did.
    fn kept_visitor(&self, _visitor: &VisitorId) -> Option<Option<PersonId>> {
        None
    }
    fn keep_visitor(&self, _visitor: &VisitorId, _person: Option<PersonId>) {}
    /// What this transaction last read or wrote of an attribution, if it did.
    fn kept_attribution(&self, _: &OfferId, _: &VisitorId) -> Option<Option<Touch<String>>> {
        None
    }
    fn keep_attribution(&self, _: &OfferId, _: &VisitorId, _: Option<&Touch<String>>) {}
    /// The address `visitor` was last seen at, as this transaction last
    /// wrote it, if it kept it.
    fn kept_sighting(&self, _visitor: &VisitorId) -> Option<Option<Sighting>> {
        None
    }
    fn keep_sighting(&self, _visitor: &VisitorId, _seen: Option<Sighting>) {}
    /// What the fraud rules ask of a referrer, if this transaction read it
    /// when it locked the referrer to credit it.
    fn kept_signals(&self, _referrer: &ParticipantId) -> Option<ReferrerSignals> {
        None
    }
    /// A participant's progress, if this transaction read it when it locked
    /// the participant and has not changed it since.
    fn kept_progress(&self, _participant: &ParticipantId) -> Option<Progress> {
        None
    }
    /// The participant's progress is being changed: what was kept of it is not true any more.
    fn forget_progress(&self, _participant: &ParticipantId) {}

    /// Queues outbound work in the outbox.
    fn enqueue(&self, job: JobPayload, now: Millis) -> Result<()> {
        let kind = job.kind().as_str();
        self.execute(
            "INSERT INTO jobs (kind, payload, run_at, created_at) VALUES (?1, ?2, ?3, ?3)",
            &[kind.into(), (&job.to_json()).into(), now.into()],
        )?;
        self.queued(kind);
        Ok(())
    }

    fn person_by_email(&self, email: &Email) -> Result<Option<PersonId>> {
        stmt::person_by_email(self, email)
    }

    fn insert_person(
        &self,
        id: &PersonId,
        email: &Email,
        first: Option<&str>,
        last: Option<&str>,
        now: Millis,
    ) -> Result<()> {
        stmt::insert_person(self, id, email, first, last, now)
    }

    /// Fills names the person does not have yet.
    fn fill_person_names(
        &self,
        id: &PersonId,
        first: Option<&str>,
        last: Option<&str>,
    ) -> Result<()> {
        self.execute(
            "UPDATE people SET first_name = COALESCE(first_name, ?2), last_name = COALESCE(last_name, ?3)
             WHERE id = ?1",
            &[id.as_str().into(), first.into(), last.into()],
        )?;
        Ok(())
    }

    fn person_exists(&self, id: &PersonId) -> Result<bool> {
        stmt::person_exists(self, id)
    }

    /// Remembers a browser; ties it to `person` if it has no person yet, and
    /// notes the client address it came from, if given.
    fn see_visitor(
        &self,
        visitor: &VisitorId,
        person: Option<&PersonId>,
        ip: Option<&str>,
        now: Millis,
    ) -> Result<()> {
        let row = self.first(
            see_visitor_sql!(),
            &stmt::see_visitor_params(visitor, person, ip, now),
            |r| Ok((r.opt_text(0)?, sighting(r.opt_text(1)?, r.opt_int(2)?))),
        )?;
        let (person, seen) = row.unwrap_or_default();
        self.saw_visitor(visitor, person.map(PersonId::from_trusted), seen);
        Ok(())
    }

    /// What [`LedgerTx::see_visitor`] read back of a browser, kept: the
    /// flows ask for its person right after, often twice, and a credit's
    /// fraud rules for its address.
    fn saw_visitor(&self, visitor: &VisitorId, person: Option<PersonId>, seen: Option<Sighting>) {
        self.keep_visitor(visitor, person);
        self.keep_sighting(visitor, seen);
    }

    /// [`LedgerTx::see_visitor`] for a page's request in an offer (a visit,
    /// a page's event), which asks next for the browser's recorded referrer
    /// and its attribution in that offer: an engine may read them with it.
    fn see_visitor_in(
        &self,
        _offer: &OfferId,
        visitor: &VisitorId,
        ip: Option<&str>,
        now: Millis,
    ) -> Result<()> {
        self.see_visitor(visitor, None, ip, now)
    }

    /// The referrer recorded for the first of `friends` that has one
    /// ([`referrers::recorded`]).
    fn recorded_referrer(
        &self,
        offer: &OfferId,
        friends: &[&str],
    ) -> Result<Option<Found<ParticipantId>>> {
        referrers::recorded(self, offer, friends)
    }

    /// Records `found` as `friend`'s referrer unless it has one; returns the
    /// one that stands ([`referrers::record`]). `to_credit`: the flow
    /// credits it next ([`LedgerTx::insert_credit`]), and an engine that
    /// locks a referrer to credit it may lock it with this statement.
    fn record_referrer(
        &self,
        offer: &OfferId,
        friend: &str,
        found: &Found<ParticipantId>,
        _to_credit: bool,
        now: Millis,
    ) -> Result<Found<ParticipantId>> {
        referrers::record(self, offer, friend, found, now)
    }

    /// `None` for an unknown browser, `Some(None)` for an anonymous one.
    fn visitor_person(&self, visitor: &VisitorId) -> Result<Option<Option<PersonId>>> {
        if let Some(person) = self.kept_visitor(visitor) {
            return Ok(Some(person));
        }
        stmt::visitor_person(self, visitor)
    }

    fn person_visitors(&self, person: &PersonId) -> Result<Vec<VisitorId>> {
        stmt::person_visitors(self, person)
    }

    fn attribution(&self, offer: &OfferId, visitor: &VisitorId) -> Result<Option<Touch<String>>> {
        if let Some(touch) = self.kept_attribution(offer, visitor) {
            return Ok(touch);
        }
        let touch = self.first(
            "SELECT participant_id, touched_at FROM attributions WHERE offer_id = ?1 AND visitor_id = ?2",
            &[offer.as_str().into(), visitor.as_str().into()],
            |r| Ok(Touch { participant: r.text(0)?, at: r.int(1)? }),
        )?;
        self.keep_attribution(offer, visitor, touch.as_ref());
        Ok(touch)
    }

    /// Attributes the browser by `touch`; `channel` is the network of the
    /// share link clicked (`None` keeps the one recorded when the touch is
    /// the same participant's, as a visit after the click is).
    fn set_attribution(
        &self,
        offer: &OfferId,
        visitor: &VisitorId,
        touch: &Touch<String>,
        channel: Option<&str>,
    ) -> Result<()> {
        self.execute(
            stmt::SET_ATTRIBUTION,
            &stmt::attribution_params(offer, visitor, touch, channel),
        )?;
        self.keep_attribution(offer, visitor, Some(touch));
        Ok(())
    }

    /// The network of the share link that attributed the browser to
    /// `participant`, if it named one.
    fn attribution_channel(
        &self,
        offer: &OfferId,
        visitor: &VisitorId,
        participant: &ParticipantId,
    ) -> Result<Option<String>> {
        Ok(self
            .first(
                "SELECT channel FROM attributions
                 WHERE offer_id = ?1 AND visitor_id = ?2 AND participant_id = ?3",
                &[
                    offer.as_str().into(),
                    visitor.as_str().into(),
                    participant.as_str().into(),
                ],
                |r| r.opt_text(0),
            )?
            .flatten())
    }

    /// The visitor's current visit session on the offer: (start, last seen).
    fn visit_session(
        &self,
        offer: &OfferId,
        visitor: &VisitorId,
    ) -> Result<Option<(Millis, Millis)>> {
        stmt::visit_session(self, offer, visitor)
    }

    fn set_visit_session(
        &self,
        offer: &OfferId,
        visitor: &VisitorId,
        start: Millis,
        now: Millis,
    ) -> Result<()> {
        stmt::set_visit_session(self, offer, visitor, start, now)
    }

    fn participant_by_code(&self, code: &str) -> Result<Option<(ParticipantId, OfferId)>> {
        self.first(
            "SELECT id, offer_id FROM participants WHERE code = ?1",
            &[code.into()],
            |r| {
                Ok((
                    ParticipantId::from_trusted(r.text(0)?),
                    OfferId::from_trusted(r.text(1)?),
                ))
            },
        )
    }

    fn participant_of(&self, offer: &OfferId, person: &PersonId) -> Result<Option<ParticipantId>> {
        self.first(
            "SELECT id FROM participants WHERE offer_id = ?1 AND person_id = ?2",
            &[offer.as_str().into(), person.as_str().into()],
            id(ParticipantId::from_trusted),
        )
    }

    /// The participant's person and the browser it signed up from.
    fn participant_owner(&self, id: &ParticipantId) -> Result<(PersonId, Option<VisitorId>)> {
        self.first(
            "SELECT person_id, visitor_id FROM participants WHERE id = ?1",
            &[id.as_str().into()],
            |r| {
                Ok((
                    PersonId::from_trusted(r.text(0)?),
                    r.opt_text(1)?.map(VisitorId::from_trusted),
                ))
            },
        )?
        .ok_or(StoreError::not_found("participant"))
    }

    fn referred_by(&self, offer: &OfferId, person: &PersonId) -> Result<Option<ParticipantId>> {
        Ok(self
            .first(
                "SELECT referred_by FROM participants WHERE offer_id = ?1 AND person_id = ?2",
                &[offer.as_str().into(), person.as_str().into()],
                |r| r.opt_text(0),
            )?
            .flatten()
            .map(ParticipantId::from_trusted))
    }

    /// Inserts a credit; `false` when this (participant, key) already has one,
    /// or the participant is gone. PostgreSQL's own (`postgres::ledger`)
    /// first locks the referrer's row until commit: its credits, its
    /// progress and its fraud signals are then read and changed by one
    /// transaction at a time, as SQLite's single writer would.
    fn insert_credit(
        &self,
        participant: &ParticipantId,
        key: &str,
        offer: &OfferId,
        friend: &FriendIds,
        now: Millis,
    ) -> Result<bool> {
        let inserted = self.execute(
            "WITH referrer AS (SELECT id FROM participants WHERE id = ?1)
             INSERT INTO credits (participant_id, key, offer_id, friend_person, friend_visitor, created_at)
             SELECT referrer.id, ?2, ?3, ?4, ?5, ?6 FROM referrer WHERE true ON CONFLICT DO NOTHING",
            &[
                participant.as_str().into(),
                key.into(),
                offer.as_str().into(),
                friend.person.as_ref().map(PersonId::as_str).into(),
                friend.visitors.first().map(VisitorId::as_str).into(),
                now.into(),
            ],
        )?;
        Ok(inserted == 1)
    }

    fn progress(&self, participant: &ParticipantId) -> Result<Progress> {
        if let Some(progress) = self.kept_progress(participant) {
            return Ok(progress);
        }
        let sql = locking!(
            "SELECT credit, achieved_at, fulfilled_at FROM participants WHERE id = ?1",
            " FOR UPDATE",
            ""
        );
        self.first(sql, &[participant.as_str().into()], |r| {
            Ok(Progress {
                credit: r.int(0)?,
                achieved: r.opt_int(1)?.is_some(),
                fulfilled: r.opt_int(2)?.is_some(),
            })
        })?
        .ok_or(StoreError::not_found("participant"))
    }

    fn set_credit(
        &self,
        participant: &ParticipantId,
        credit: i64,
        achieved_at: Option<Millis>,
    ) -> Result<()> {
        self.forget_progress(participant);
        self.execute(
            "UPDATE participants SET credit = ?2, achieved_at = COALESCE(achieved_at, ?3) WHERE id = ?1",
            &[participant.as_str().into(), credit.into(), achieved_at.into()],
        )?;
        Ok(())
    }

    /// Marks the participant fulfilled; `false` when it already was.
    fn mark_fulfilled(&self, participant: &ParticipantId, now: Millis) -> Result<bool> {
        self.forget_progress(participant);
        let marked = self.execute(
            "UPDATE participants SET fulfilled_at = ?2 WHERE id = ?1 AND fulfilled_at IS NULL",
            &[participant.as_str().into(), now.into()],
        )?;
        Ok(marked == 1)
    }

    /// Hands the next unused promo code of the offer to the participant.
    fn take_promo_code(
        &self,
        offer: &OfferId,
        participant: &ParticipantId,
        now: Millis,
    ) -> Result<Option<String>> {
        let sql = locking!(
            "SELECT code FROM promo_codes WHERE offer_id = ?1 AND pool = 'default' AND participant_id IS NULL
             ORDER BY seq LIMIT 1",
            " FOR UPDATE SKIP LOCKED",
            ""
        );
        let code = self.first(sql, &[offer.as_str().into()], |r| r.text(0))?;
        if let Some(code) = &code {
            self.execute(
                "UPDATE promo_codes SET participant_id = ?3, assigned_at = ?4
                 WHERE offer_id = ?1 AND code = ?2 AND participant_id IS NULL",
                &[
                    offer.as_str().into(),
                    code.into(),
                    participant.as_str().into(),
                    now.into(),
                ],
            )?;
            self.execute(
                "UPDATE participants SET promo_code = ?2 WHERE id = ?1",
                &[participant.as_str().into(), code.into()],
            )?;
        }
        Ok(code)
    }

    /// The stored result of a server event already applied.
    fn server_event(&self, id: &str) -> Result<Option<String>> {
        stmt::server_event(self, id)
    }

    fn save_server_event(&self, id: &str, result: &str, now: Millis) -> Result<()> {
        stmt::save_server_event(self, id, result, now)
    }

    /// Keeps a new participant's access token (its stored form, SPEC §12).
    fn keep_access_token(
        &self,
        hash: &str,
        participant: &ParticipantId,
        now: Millis,
    ) -> Result<()> {
        stmt::keep_access_token(self, hash, participant, now)
    }
}

/// Queues a delivery of the activity just recorded to each of `endpoints`
/// that listens for it, in the transaction that records it (so an
/// acknowledged fact always gets its webhooks, and a rolled-back one never
/// does).
pub(crate) fn fan_out(
    tx: &impl LedgerTx,
    endpoints: &[Endpoint],
    activity: &ActivityId,
    kind: ActivityType,
    who: &Who<'_>,
    details: &Value,
    now: Millis,
) -> Result<()> {
    let offer = who.offer.map(OfferId::as_str);
    let endpoints: Vec<&str> = endpoints
        .iter()
        .filter(|e| e.listens(offer, kind.as_str()))
        .map(|e| e.id.as_str())
        .collect();
    if endpoints.is_empty() {
        return Ok(());
    }
    let payload = webhook_data::payload(&mut Rows(tx), activity, kind, who, details, now)?;
    for endpoint in endpoints {
        let message = MessageId::generate();
        tx.execute(
            "INSERT INTO webhook_deliveries (id, webhook_id, activity_id, event_type, payload,
                 next_attempt_at, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?6)",
            &[
                message.as_str().into(),
                endpoint.into(),
                activity.as_str().into(),
                kind.as_str().into(),
                Param::Text(Some(&payload)),
                now.into(),
            ],
        )?;
        tx.enqueue(JobPayload::delivery(message.as_str(), false), now)?;
    }
    Ok(())
}

/// The transaction, running `webhook_data`'s statements.
struct Rows<'a, T>(&'a T);

impl<T: LedgerTx> webhook_data::Lookup for Rows<'_, T> {
    fn rows(&mut self, sql: &'static str, params: &[&str]) -> Result<Vec<Map<String, Value>>> {
        crate::sql::Sql::rows(self.0, sql, params)
    }
}
