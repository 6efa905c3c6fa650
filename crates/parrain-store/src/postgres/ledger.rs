//! PostgreSQL's side of the write flows (the [`LedgerTx`] primitives are
//! written once, in `crate::flows::ledger`): the activity log and new
//! participants appended as deltas its folder adds up (`fold`), rows locked
//! before they are changed, what one transaction reads once (`tx::Memo`),
//! and what the node keeps (`cache`), each read with the cache's generation
//! in the same statement. A credit check reads what it asks with the
//! statements that write (`see_visitor_in`, `record_referrer`,
//! `insert_credit`, kept in [`CreditMemo`]).

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock, OnceLock};

use parrain_core::activity::ActivityType;
use parrain_core::attribution::{Found, Touch};
use parrain_core::credit::Progress;
use parrain_core::email::Email;
use parrain_core::fraud::Sighting;
use parrain_core::ids::{ActivityId, OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::Millis;
use serde_json::Value;

use crate::flows::ledger::see_visitor_sql;
use crate::flows::{
    fan_out, stmt, FriendIds, LedgerTx, NewParticipant, ReferrerSignals, Who, HOUR,
};
use crate::referrers;
use crate::report::HourStep;
use crate::review::sighting;
use crate::sql::Db;
use crate::{Offer, Participant, Result, StoreError};

use super::appends::Held;
use super::cache::{Endpoint, Fill};
use super::{PgTx, Sql as _};

/// What a credit check read of its referrer and of the friend's browser,
/// kept for the transaction (see [`PgTx::lock_and_credit`]).
#[derive(Default)]
pub(crate) struct CreditMemo {
    /// By referrer: what the statement that locked it read.
    referrers: RefCell<HashMap<String, Locked>>,
    /// The address of the browser last seen (`see_visitor`), as it left it.
    sighting: RefCell<Option<(VisitorId, Option<Sighting>)>>,
    /// The referrers recorded in an offer for a browser and its person, read
    /// with the browser (`see_visitor_in`) for the referrer lookup that
    /// follows, which takes them.
    ahead: RefCell<Option<(OfferId, Recorded)>>,
    /// The participants whose rows this transaction has locked.
    locked: RefCell<HashSet<String>>,
    /// A browser's visit session in an offer, read with the browser
    /// (`see_visitor_in`) for the visit that follows, until it is written.
    session: RefCell<Option<SessionRead>>,
}

/// A browser's visit session in an offer as read: (offer, browser), then
/// (start, last seen) if it has one.
type SessionRead = ((OfferId, VisitorId), Option<(Millis, Millis)>);

/// By friend (a browser or a person): its recorded referrer, if any.
type Recorded = HashMap<String, Option<Found<ParticipantId>>>;

struct Locked {
    /// Until the transaction changes it.
    progress: Option<Progress>,
    signals: ReferrerSignals,
}

impl CreditMemo {
    /// The next flow of a group starts (see `tx::Memo::next_flow`).
    pub(crate) fn next_flow(&self) {
        self.referrers.borrow_mut().clear();
        self.sighting.take();
        self.ahead.take();
        self.session.take();
    }

    /// The transaction holds the lock of this participant's row, taken
    /// before its flows ran (`super::group`).
    pub(crate) fn holds(&self, id: String) {
        self.locked.borrow_mut().insert(id);
    }
}

impl PgTx<'_> {
    /// Keeps `fill`, read under `generation`, if the transaction runs
    /// through the node's cache.
    fn keep(&self, generation: i64, fill: impl FnOnce() -> Fill) -> Result<()> {
        match self.cache {
            Some(_) => self.fill(generation, fill()),
            None => Ok(()),
        }
    }

    /// The enabled webhook endpoints, which every recorded activity is
    /// matched against: kept by the node for the request flows.
    fn endpoints(&self) -> Result<Arc<Vec<Endpoint>>> {
        if let Some((endpoints, generation)) = self.cache.and_then(|c| c.webhooks()) {
            self.uses(generation)?;
            return Ok(endpoints);
        }
        let rows = self.query(
            "SELECT g.generation, w.id, w.offer_id, w.events
             FROM cache_generation g LEFT JOIN webhooks w ON w.enabled ORDER BY w.seq",
            &[],
        )?;
        let mut endpoints = Vec::new();
        for r in &rows {
            if let Some(id) = r.opt_text(1)? {
                let events = r.opt_json(3)?.unwrap_or_default();
                let events = serde_json::from_value(events).unwrap_or_default();
                endpoints.push(Endpoint {
                    id,
                    offer: r.opt_text(2)?,
                    events,
                });
            }
        }
        let endpoints = Arc::new(endpoints);
        let generation = rows.first().map_or(Ok(0), |r| r.int(0))?;
        self.keep(generation, || Fill::Webhooks(endpoints.clone()))?;
        Ok(endpoints)
    }
}

impl LedgerTx for PgTx<'_> {
    const LOCKS: bool = true;

    /// Without the participant count, which no flow reads. Read once per
    /// transaction (see `tx::Memo`), and kept by the node for the request
    /// flows (see `cache`).
    fn offer(&self, id: &OfferId) -> Result<Arc<Offer>> {
        if let Some(offer) = self.memo.offers.borrow().get(id.as_str()) {
            return Ok(offer.clone());
        }
        let offer = match self.cache.and_then(|c| c.offer(id.as_str())) {
            Some((offer, generation)) => {
                self.uses(generation)?;
                offer
            }
            None => {
                let row = self
                    .query_opt(
                        "SELECT id, status, live, draft, created_at, updated_at, approved_at, 0,
                                (SELECT generation FROM cache_generation)
                         FROM offers WHERE id = ?1",
                        &[id.as_str().into()],
                    )?
                    .ok_or(StoreError::not_found("offer"))?;
                let offer = Arc::new(crate::offers::offer_of(&row)?);
                self.keep(row.int(8)?, || Fill::Offer(offer.clone()))?;
                offer
            }
        };
        self.memo
            .offers
            .borrow_mut()
            .insert(id.as_str().to_owned(), offer.clone());
        Ok(offer)
    }

    fn smart_list_offers(&self) -> Result<Vec<OfferId>> {
        if let Some(offers) = self.memo.smart_list.borrow().as_ref() {
            return Ok(offers.clone());
        }
        let offers: Vec<OfferId> = match self.cache.and_then(|c| c.smart_list()) {
            Some((offers, generation)) => {
                self.uses(generation)?;
                offers.as_ref().clone()
            }
            None => {
                let row = self.prep(|t| {
                    Ok(t.query_one(
                        "SELECT generation, ARRAY(SELECT id FROM offers WHERE status = 'approved'
                             AND (live #>> '{goal,type}' = 'smart_list_trigger'
                                  OR live #>> '{eligibility,customer_event}' IS NOT NULL
                                  OR live #> '{goal,reversal}' IS NOT NULL) ORDER BY seq)
                         FROM cache_generation",
                        &[],
                    )?)
                })?;
                let ids: Vec<String> = row.get(1);
                let offers: Vec<_> = ids.into_iter().map(OfferId::from_trusted).collect();
                self.keep(row.get(0), || Fill::SmartList(Arc::new(offers.clone())))?;
                offers
            }
        };
        *self.memo.smart_list.borrow_mut() = Some(offers.clone());
        Ok(offers)
    }

    /// Appends to the activity log, and a tally for the offer's hour of
    /// `activity_hours` as a row of its own, folded into the hour later
    /// (`fold`): the hour's row itself would be updated by every concurrent
    /// request. One statement appends both and reads the cache's generation.
    /// A request flow's activity is kept for the transaction's end, which
    /// writes those of all its flows in one statement (`super::appends`).
    fn record(&self, kind: ActivityType, who: Who<'_>, details: Value, now: Millis) -> Result<()> {
        let endpoints = self.endpoints()?;
        let id = ActivityId::generate();
        if self.appends() {
            fan_out(self, &endpoints, &id, kind, &who, &details, now)?;
            self.append_activity(&id, kind, &who, details, now);
            super::log::recorded(kind.as_str());
            return Ok(());
        }
        let step = HourStep::of(kind, &details, now);
        let generation: i64 = self.prep(|t| {
            Ok(t.query_one(
                "WITH a AS (
                     INSERT INTO activities (id, type, offer_id, participant_id, person_id, visitor_id, details, occurred_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING seq),
                 d AS (
                     INSERT INTO activity_hour_deltas (offer_id, hour, type, key, sessions,
                                                       referred_sessions, referred_sign_ups, seq)
                     SELECT $3, $9, $2, $13, $10, $11, $12, a.seq FROM a WHERE $3::TEXT IS NOT NULL)
                 SELECT (SELECT generation FROM cache_generation) FROM a",
                &[
                    &id.as_str() as &(dyn postgres::types::ToSql + Sync),
                    &kind.as_str(),
                    &who.offer.map(OfferId::as_str),
                    &who.participant.map(ParticipantId::as_str),
                    &who.person.map(PersonId::as_str),
                    &who.visitor.map(VisitorId::as_str),
                    &details,
                    &now,
                    &step.hour,
                    &step.sessions,
                    &step.referred_sessions,
                    &step.referred_sign_ups,
                    &step.key,
                ],
            )?
            .get(0))
        })?;
        super::log::recorded(kind.as_str());
        fan_out(self, &endpoints, &id, kind, &who, &details, now)?;
        if self.cache.is_some() {
            self.saw(generation)?;
        }
        Ok(())
    }

    /// Inserts a credit with the referrer locked: a statement locks the
    /// referrer's row unless this transaction holds it already (see
    /// `record_referrer`), then, once the lock is held and so seeing every
    /// credit committed before, one statement inserts the credit and reads
    /// what the credit check asks next of the referrer: its progress,
    /// owner, sign-up address, email, its own browser's address, and its
    /// credits of the past hour for the velocity rule. `false` when the
    /// credit is already there, or the referrer is not.
    fn insert_credit(
        &self,
        participant: &ParticipantId,
        key: &str,
        offer: &OfferId,
        friend: &FriendIds,
        now: Millis,
    ) -> Result<bool> {
        let id = participant.as_str();
        self.memo.credit.referrers.borrow_mut().remove(id);
        if !self.memo.credit.locked.borrow().contains(id) {
            let sql = "SELECT 1 FROM participants WHERE id = ?1 FOR UPDATE";
            if self.first(sql, &[id.into()], |_| Ok(()))?.is_none() {
                return Ok(false);
            }
            self.memo.credit.locked.borrow_mut().insert(id.to_owned());
        }
        let row = self.first(
            "WITH c AS (
                 INSERT INTO credits (participant_id, key, offer_id, friend_person, friend_visitor, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING RETURNING 1)
             SELECT (SELECT count(*) FROM c),
                    (SELECT count(*) FROM credits WHERE participant_id = ?1 AND created_at >= ?7),
                    p.person_id, p.visitor_id, p.credit, p.achieved_at, p.fulfilled_at,
                    p.sign_up_ip, p.created_at, o.email, v.ip, v.ip_seen_at
             FROM participants p LEFT JOIN people o ON o.id = p.person_id
                  LEFT JOIN visitors v ON v.id = p.visitor_id
             WHERE p.id = ?1",
            &[
                id.into(),
                key.into(),
                offer.as_str().into(),
                friend.person.as_ref().map(PersonId::as_str).into(),
                friend.visitors.first().map(VisitorId::as_str).into(),
                now.into(),
                (now - HOUR).into(),
            ],
            |r| {
                let owner = (
                    PersonId::from_trusted(r.text(2)?),
                    r.opt_text(3)?.map(VisitorId::from_trusted),
                );
                let progress = Progress {
                    credit: r.int(4)?,
                    achieved: r.opt_int(5)?.is_some(),
                    fulfilled: r.opt_int(6)?.is_some(),
                };
                let ips = [
                    sighting(r.opt_text(7)?, r.opt_int(8)?),
                    sighting(r.opt_text(10)?, r.opt_int(11)?),
                ];
                // The new credit is not seen by the statement that inserts it.
                let credits = r.int(1)? + r.int(0)?;
                let signals = ReferrerSignals {
                    ips: ips.into_iter().flatten().collect(),
                    email: r.opt_text(9)?.and_then(|e| Email::parse(&e).ok()),
                    credits_last_hour: u32::try_from(credits).unwrap_or(u32::MAX),
                };
                Ok((r.int(0)? == 1, owner, progress, signals))
            },
        )?;
        let Some((inserted, owner, progress, signals)) = row else {
            return Ok(false);
        };
        self.memo.owners.borrow_mut().insert(id.to_owned(), owner);
        if inserted {
            let locked = Locked {
                progress: Some(progress),
                signals,
            };
            self.memo
                .credit
                .referrers
                .borrow_mut()
                .insert(id.to_owned(), locked);
        }
        Ok(inserted)
    }

    /// With the browser's recorded referrers, attribution and visit
    /// session in the offer, which a visit and the credit check ask next.
    fn see_visitor_in(
        &self,
        offer: &OfferId,
        visitor: &VisitorId,
        ip: Option<&str>,
        now: Millis,
    ) -> Result<()> {
        const SEE: &str = concat!(
            "v AS (",
            see_visitor_sql!(),
            ")
             SELECT v.person_id, v.ip, v.ip_seen_at, a.participant_id, a.touched_at,
                    r.friend, r.participant_id || ' ' || r.method,
                    s.started_at, s.last_seen
             FROM v LEFT JOIN attributions a ON a.offer_id = ?6 AND a.visitor_id = ?1
                  LEFT JOIN friend_referrers r ON r.offer_id = ?6
                                              AND r.friend IN (?1, v.person_id)
                  LEFT JOIN visit_sessions s ON s.offer_id = ?6 AND s.visitor_id = ?1"
        );
        // What the flow before held of another browser or offer is written
        // by this statement, which does not read it (the reads of one
        // statement do not see its writes).
        let held = match self.memo.held.take() {
            Some(h) if !h.of(offer, visitor) => Some(h),
            same => {
                *self.memo.held.borrow_mut() = same;
                None
            }
        };
        let mut params = held.as_ref().map(Held::params).unwrap_or_default();
        params.extend(stmt::see_visitor_params(visitor, None, ip, now));
        params.push(offer.as_str().into());
        let sql: &str = match &held {
            None => {
                static ALONE: LazyLock<String> = LazyLock::new(|| format!("WITH {SEE}"));
                &ALONE
            }
            Some(held) => {
                static AFTER: [OnceLock<String>; Held::SHAPES] =
                    [const { OnceLock::new() }; Held::SHAPES];
                let (items, n) = held.items();
                AFTER[held.shape()]
                    .get_or_init(|| format!("WITH {items}, {}", super::db::renumbered(SEE, n)))
            }
        };
        let rows = self.all(sql, &params, |r| {
            let touch = match r.opt_text(3)? {
                Some(participant) => Some(Touch {
                    participant,
                    at: r.int(4)?,
                }),
                None => None,
            };
            let seen = sighting(r.opt_text(1)?, r.opt_int(2)?);
            let session = match (r.opt_int(7)?, r.opt_int(8)?) {
                (Some(start), Some(last)) => Some((start, last)),
                _ => None,
            };
            Ok((
                r.opt_text(0)?,
                seen,
                touch,
                r.opt_text(5)?,
                r.opt_text(6)?,
                session,
            ))
        })?;
        let Some((person, seen, touch, _, _, session)) = rows.first().cloned() else {
            return Ok(());
        };
        *self.memo.credit.session.borrow_mut() = Some(((offer.clone(), visitor.clone()), session));
        let mut ahead = HashMap::new();
        ahead.insert(visitor.as_str().to_owned(), None);
        if let Some(person) = &person {
            ahead.insert(person.clone(), None);
        }
        for (_, _, _, friend, record, _) in rows {
            if let (Some(friend), Some(record)) = (friend, record) {
                ahead.insert(friend, Some(referrers::parse(&record)?));
            }
        }
        self.saw_visitor(visitor, person.map(PersonId::from_trusted), seen);
        self.keep_attribution(offer, visitor, touch.as_ref());
        *self.memo.credit.ahead.borrow_mut() = Some((offer.clone(), ahead));
        Ok(())
    }

    /// From what `see_visitor_in` read, as far as it goes.
    fn recorded_referrer(
        &self,
        offer: &OfferId,
        friends: &[&str],
    ) -> Result<Option<Found<ParticipantId>>> {
        let ahead = match self.memo.credit.ahead.take() {
            Some((of, ahead)) if of == *offer => ahead,
            _ => HashMap::new(),
        };
        for (i, friend) in friends.iter().enumerate() {
            match ahead.get(*friend) {
                Some(Some(found)) => return Ok(Some(found.clone())),
                Some(None) => {}
                None => return referrers::recorded(self, offer, &friends[i..]),
            }
        }
        Ok(None)
    }

    /// To credit it, locks the referrer with the statement that records it
    /// (the usual case: the friend had no record), so that `insert_credit`
    /// need not.
    fn record_referrer(
        &self,
        offer: &OfferId,
        friend: &str,
        found: &Found<ParticipantId>,
        to_credit: bool,
        now: Millis,
    ) -> Result<Found<ParticipantId>> {
        self.memo.credit.ahead.take();
        if !to_credit {
            return referrers::record(self, offer, friend, found, now);
        }
        let now = now.to_string();
        let inserted = crate::sql::Sql::strings(
            self,
            concat!(
                "WITH r AS (",
                referrers::record_sql!(),
                " AS found)
                 SELECT r.found, (SELECT 1 FROM participants WHERE id = ?3 FOR UPDATE) FROM r"
            ),
            &referrers::record_params(offer, friend, found, &now),
        )?;
        if !inserted.is_empty() {
            let id = found.participant.as_str().to_owned();
            self.memo.credit.locked.borrow_mut().insert(id);
        }
        referrers::stands(self, offer, friend, inserted.first())
    }

    /// As `see_visitor_in` read it, if it did and nothing wrote it since.
    fn visit_session(
        &self,
        offer: &OfferId,
        visitor: &VisitorId,
    ) -> Result<Option<(Millis, Millis)>> {
        if let Some(((o, v), session)) = self.memo.credit.session.borrow().as_ref() {
            if o == offer && v == visitor {
                return Ok(*session);
            }
        }
        stmt::visit_session(self, offer, visitor)
    }

    /// Held for the next statement (`super::appends::Held`).
    fn set_visit_session(
        &self,
        offer: &OfferId,
        visitor: &VisitorId,
        start: Millis,
        now: Millis,
    ) -> Result<()> {
        self.memo.credit.session.take();
        self.hold(offer, visitor, |held| held.session = Some((start, now)))
    }

    /// Held for the next statement (`super::appends::Held`).
    fn set_attribution(
        &self,
        offer: &OfferId,
        visitor: &VisitorId,
        touch: &Touch<String>,
        channel: Option<&str>,
    ) -> Result<()> {
        // A second touch is a write of its own: its channel may keep the first's.
        if matches!(&*self.memo.held.borrow(), Some(h) if h.touch.is_some()) {
            self.release_held()?;
        }
        self.hold(offer, visitor, |held| {
            held.touch = Some((touch.clone(), channel.map(str::to_owned)));
        })?;
        self.keep_attribution(offer, visitor, Some(touch));
        Ok(())
    }

    fn kept_signals(&self, referrer: &ParticipantId) -> Option<ReferrerSignals> {
        let referrers = self.memo.credit.referrers.borrow();
        referrers.get(referrer.as_str()).map(|l| l.signals.clone())
    }

    fn kept_progress(&self, participant: &ParticipantId) -> Option<Progress> {
        let referrers = self.memo.credit.referrers.borrow();
        referrers.get(participant.as_str()).and_then(|l| l.progress)
    }

    fn forget_progress(&self, participant: &ParticipantId) {
        if let Some(l) = self
            .memo
            .credit
            .referrers
            .borrow_mut()
            .get_mut(participant.as_str())
        {
            l.progress = None;
        }
    }

    fn kept_sighting(&self, visitor: &VisitorId) -> Option<Option<Sighting>> {
        match self.memo.credit.sighting.borrow().as_ref() {
            Some((seen, at)) if seen == visitor => Some(at.clone()),
            _ => None,
        }
    }

    fn keep_sighting(&self, visitor: &VisitorId, seen: Option<Sighting>) {
        *self.memo.credit.sighting.borrow_mut() = Some((visitor.clone(), seen));
    }

    fn queued(&self, kind: &str) {
        super::log::queued(kind);
    }

    fn kept_visitor(&self, visitor: &VisitorId) -> Option<Option<PersonId>> {
        match self.memo.visitor.borrow().as_ref() {
            Some((seen, person)) if seen == visitor => Some(person.clone()),
            _ => None,
        }
    }

    fn kept_attribution(
        &self,
        offer: &OfferId,
        visitor: &VisitorId,
    ) -> Option<Option<Touch<String>>> {
        match self.memo.attribution.borrow().as_ref() {
            Some(((o, v), touch)) if o == offer && v == visitor => Some(touch.clone()),
            _ => None,
        }
    }

    fn keep_attribution(
        &self,
        offer: &OfferId,
        visitor: &VisitorId,
        touch: Option<&Touch<String>>,
    ) {
        *self.memo.attribution.borrow_mut() =
            Some(((offer.clone(), visitor.clone()), touch.cloned()));
    }

    fn participant_by_code(&self, code: &str) -> Result<Option<(ParticipantId, OfferId)>> {
        if let Some((owner, generation)) = self.cache.and_then(|c| c.code(code)) {
            self.uses(generation)?;
            return Ok(Some(owner));
        }
        // An unknown code is not kept: a later sign-up may take it.
        let Some((owner, generation)) = self.first(
            "SELECT id, offer_id, (SELECT generation FROM cache_generation)
             FROM participants WHERE code = ?1",
            &[code.into()],
            |r| {
                let participant = ParticipantId::from_trusted(r.text(0)?);
                Ok(((participant, OfferId::from_trusted(r.text(1)?)), r.int(2)?))
            },
        )?
        else {
            return Ok(None);
        };
        self.keep(generation, || Fill::Code(code.to_owned(), owner.clone()))?;
        Ok(Some(owner))
    }

    fn participant_owner(&self, id: &ParticipantId) -> Result<(PersonId, Option<VisitorId>)> {
        if let Some(owner) = self.memo.owners.borrow().get(id.as_str()) {
            return Ok(owner.clone());
        }
        let owner = match self.cache.and_then(|c| c.owner(id.as_str())) {
            Some((owner, generation)) => {
                self.uses(generation)?;
                owner
            }
            None => {
                let (owner, generation) = self
                    .first(
                        "SELECT person_id, visitor_id, (SELECT generation FROM cache_generation)
                         FROM participants WHERE id = ?1",
                        &[id.as_str().into()],
                        |r| {
                            let person = PersonId::from_trusted(r.text(0)?);
                            let visitor = r.opt_text(1)?.map(VisitorId::from_trusted);
                            Ok(((person, visitor), r.int(2)?))
                        },
                    )?
                    .ok_or(StoreError::not_found("participant"))?;
                self.keep(generation, || Fill::Owner(id.clone(), owner.clone()))?;
                owner
            }
        };
        self.memo
            .owners
            .borrow_mut()
            .insert(id.as_str().to_owned(), owner.clone());
        Ok(owner)
    }

    fn insert_browser(&self, visitor: &VisitorId, ip: Option<&str>, now: Millis) -> Result<()> {
        if !self.appends() {
            return stmt::insert_browser(self, visitor, ip, now);
        }
        self.append_browser(visitor, ip, now);
        Ok(())
    }

    fn insert_attribution(
        &self,
        offer: &OfferId,
        visitor: &VisitorId,
        participant: &ParticipantId,
        channel: Option<&str>,
        now: Millis,
    ) -> Result<()> {
        if !self.appends() {
            return stmt::insert_attribution(self, offer, visitor, participant, channel, now);
        }
        self.append_attribution(offer, visitor, participant, channel, now);
        Ok(())
    }

    fn keep_access_token(
        &self,
        hash: &str,
        participant: &ParticipantId,
        now: Millis,
    ) -> Result<()> {
        if !self.appends() {
            return stmt::keep_access_token(self, hash, participant, now);
        }
        self.append_token(hash, participant, now);
        Ok(())
    }

    /// Counted by the folder (a row of `participant_deltas`, appended by the
    /// same statement): the offer's row itself would be updated by every
    /// concurrent sign-up.
    fn insert_participant(&self, new: &NewParticipant<'_>) -> Result<bool> {
        let inserted = self.first(
            "WITH p AS (
                 INSERT INTO participants (id, offer_id, person_id, code, visitor_id, fields,
                     marketing_consent, referred_by, created_at, sign_up_ip, referred_method)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT (code) DO NOTHING RETURNING offer_id),
             d AS (INSERT INTO participant_deltas (offer_id) SELECT offer_id FROM p)
             SELECT COUNT(*) FROM p",
            &new.params(),
            |r| r.int(0),
        )?;
        Ok(inserted == Some(1))
    }

    fn participant(&self, id: &ParticipantId) -> Result<Participant> {
        self.prep(|t| super::participants::load_participant(t, id))
    }

    // What a batch of server events read at once (`super::batch`) answers
    // these without a round trip; what the batch writes keeps it true.

    fn person_by_email(&self, email: &Email) -> Result<Option<PersonId>> {
        if let Some(batch) = self.memo.batch.borrow().as_ref() {
            if let Some(person) = batch.by_email.get(email.as_str()) {
                return Ok(person.clone());
            }
        }
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
        stmt::insert_person(self, id, email, first, last, now)?;
        if let Some(batch) = self.memo.batch.borrow_mut().as_mut() {
            batch
                .by_email
                .insert(email.as_str().to_owned(), Some(id.clone()));
            batch.exists.insert(id.as_str().to_owned(), true);
            batch.visitors.insert(id.as_str().to_owned(), Vec::new());
        }
        Ok(())
    }

    fn person_exists(&self, id: &PersonId) -> Result<bool> {
        if let Some(batch) = self.memo.batch.borrow().as_ref() {
            if let Some(exists) = batch.exists.get(id.as_str()) {
                return Ok(*exists);
            }
        }
        stmt::person_exists(self, id)
    }

    fn visitor_person(&self, visitor: &VisitorId) -> Result<Option<Option<PersonId>>> {
        if let Some(person) = self.kept_visitor(visitor) {
            return Ok(Some(person));
        }
        if let Some(batch) = self.memo.batch.borrow().as_ref() {
            if let Some(person) = batch.browsers.get(visitor.as_str()) {
                return Ok(person.clone());
            }
        }
        stmt::visitor_person(self, visitor)
    }

    /// A browser written by this transaction: what a batch read of it and
    /// of its person's browsers is read again.
    fn keep_visitor(&self, visitor: &VisitorId, person: Option<PersonId>) {
        if let Some(batch) = self.memo.batch.borrow_mut().as_mut() {
            batch.browsers.remove(visitor.as_str());
            if let Some(person) = &person {
                batch.visitors.remove(person.as_str());
            }
        }
        *self.memo.visitor.borrow_mut() = Some((visitor.clone(), person));
    }

    fn person_visitors(&self, person: &PersonId) -> Result<Vec<VisitorId>> {
        if let Some(batch) = self.memo.batch.borrow().as_ref() {
            if let Some(visitors) = batch.visitors.get(person.as_str()) {
                return Ok(visitors.clone());
            }
        }
        stmt::person_visitors(self, person)
    }

    fn server_event(&self, id: &str) -> Result<Option<String>> {
        if let Some(batch) = self.memo.batch.borrow().as_ref() {
            if let Some(result) = batch.results.get(id) {
                return Ok(result.clone());
            }
        }
        stmt::server_event(self, id)
    }

    /// In a batch, written with the batch's other results at its end.
    fn save_server_event(&self, id: &str, result: &str, now: Millis) -> Result<()> {
        if let Some(batch) = self.memo.batch.borrow_mut().as_mut() {
            batch.results.insert(id.to_owned(), Some(result.to_owned()));
            batch.unsaved.push((id.to_owned(), result.to_owned()));
            return Ok(());
        }
        stmt::save_server_event(self, id, result, now)
    }
}
