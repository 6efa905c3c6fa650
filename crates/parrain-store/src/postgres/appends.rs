//! Rows a request flow appends that nothing reads before its transaction
//! commits, written at its end in one statement for all the flows of the
//! transaction (a group's, `super::group`).
//!
//! - **Activities** with their tally rows: no request flow reads the
//!   activity log; the reports, timelines and exports that do read
//!   committed rows only. A webhook that listens to one gets its delivery
//!   at once, as before (`fan_out`): the delivery names the activity by
//!   its id, and its payload reads no activity.
//! - **The browser and attribution of a click that brought none**: the
//!   browser's id leaves the node only with the redirect, which is sent
//!   once the transaction has committed, so no flow can ask for them.
//! - **A new participant's access token**: its hash is the caller's, which
//!   has it only from the answer.
//!
//! A click of a new browser was three statements, a sign-up two of its
//! seven: a group of clicks is now three round trips (`BEGIN`, this
//! statement, `COMMIT`) however many clicks it holds. The statement also
//! reads the cache's generation, as each activity's own did
//! (`PgTx::saw`). Transactions outside the request flows (erasure,
//! retention, the operators' writes) write their activities at once, as
//! they did.

use std::sync::OnceLock;

use parrain_core::activity::ActivityType;
use parrain_core::attribution::Touch;
use parrain_core::ids::{ActivityId, OfferId, ParticipantId, VisitorId};
use parrain_core::Millis;
use postgres::types::ToSql;
use serde_json::Value;

use crate::flows::{stmt, Who};
use crate::report::HourStep;
use crate::Result;

use super::db::{bind, dollars, refs, renumbered};
use super::{PgTx, Sql as _};

/// The rows kept for the transaction's end, a column each.
#[derive(Default)]
pub(crate) struct Appends {
    activities: Activities,
    // The new browsers.
    visitors: Vec<String>,
    visitors_at: Vec<Millis>,
    visitors_ips: Vec<Option<String>>,
    // Their attributions.
    attributed_offers: Vec<String>,
    attributed_visitors: Vec<String>,
    attributed_to: Vec<String>,
    attributed_at: Vec<Millis>,
    attributed_channels: Vec<Option<String>>,
    // The access tokens.
    tokens: Vec<String>,
    token_participants: Vec<String>,
    tokens_at: Vec<Millis>,
}

/// Activities and their tally rows (for those of an offer).
#[derive(Default)]
struct Activities {
    ids: Vec<String>,
    kinds: Vec<&'static str>,
    offers: Vec<Option<String>>,
    participants: Vec<Option<String>>,
    people: Vec<Option<String>>,
    visitors: Vec<Option<String>>,
    details: Vec<Value>,
    at: Vec<Millis>,
    hours: Vec<Millis>,
    keys: Vec<String>,
    sessions: Vec<i64>,
    referred_sessions: Vec<i64>,
    referred_sign_ups: Vec<i64>,
}

/// A browser's attribution and visit session in an offer, held until the
/// transaction's next statement: a visit writes them one after the other,
/// and the next flow of a group begins with `see_visitor_in`, which writes
/// them in its own statement when it reads another browser or offer
/// (`LedgerTx::see_visitor_in`). Any other statement writes them first,
/// alone ([`PgTx::release_held`]), so every read sees them.
pub(crate) struct Held {
    pub(crate) offer: OfferId,
    pub(crate) visitor: VisitorId,
    /// The attribution: its touch and channel.
    pub(crate) touch: Option<(Touch<String>, Option<String>)>,
    /// The visit session: its start, and the visit's time.
    pub(crate) session: Option<(Millis, Millis)>,
}

impl Held {
    /// Whether it is a write of this browser in this offer.
    pub(crate) fn of(&self, offer: &OfferId, visitor: &VisitorId) -> bool {
        self.offer == *offer && self.visitor == *visitor
    }

    /// Which writes it holds, one of [`Held::SHAPES`]: both, the
    /// attribution, the session.
    pub(crate) fn shape(&self) -> usize {
        match (&self.touch, &self.session) {
            (Some(_), Some(_)) => 0,
            (Some(_), None) => 1,
            _ => 2,
        }
    }

    pub(crate) const SHAPES: usize = 3;

    /// Its `WITH` items, numbering their parameters from `?1`, and how many
    /// parameters they take.
    pub(crate) fn items(&self) -> (&'static str, usize) {
        static MADE: [OnceLock<String>; Held::SHAPES] = [const { OnceLock::new() }; Held::SHAPES];
        let both = [(stmt::SET_ATTRIBUTION, 5), (stmt::SET_VISIT_SESSION, 4)];
        let parts = match self.shape() {
            0 => &both[..],
            1 => &both[..1],
            _ => &both[1..],
        };
        let items = MADE[self.shape()].get_or_init(|| {
            let mut before = 0;
            let mut items = Vec::new();
            for (n, (sql, params)) in parts.iter().enumerate() {
                items.push(format!("h{n} AS ({})", renumbered(sql, before)));
                before += params;
            }
            items.join(", ")
        });
        (items, parts.iter().map(|(_, n)| n).sum())
    }

    /// The parameters of its items, in order.
    pub(crate) fn params(&self) -> Vec<crate::sql::Param<'_>> {
        let mut params = Vec::with_capacity(9);
        if let Some((touch, channel)) = &self.touch {
            params.extend(stmt::attribution_params(
                &self.offer,
                &self.visitor,
                touch,
                channel.as_deref(),
            ));
        }
        if let Some((start, now)) = self.session {
            params.extend::<[crate::sql::Param<'_>; 4]>([
                self.offer.as_str().into(),
                self.visitor.as_str().into(),
                start.into(),
                now.into(),
            ]);
        }
        params
    }
}

impl PgTx<'_> {
    /// Writes what is held for the next statement, if anything.
    pub(crate) fn release_held(&self) -> Result<()> {
        match self.memo.held.take() {
            Some(held) => {
                let sql = format!("WITH {} SELECT 1", held.items().0);
                crate::sql::Db::execute(self, &sql, &held.params())?;
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Holds a write of a browser in an offer for the next statement, with
    /// what is held of it already; what is held of another is written first.
    pub(crate) fn hold(
        &self,
        offer: &OfferId,
        visitor: &VisitorId,
        add: impl FnOnce(&mut Held),
    ) -> Result<()> {
        let mine = matches!(&*self.memo.held.borrow(), Some(h) if h.of(offer, visitor));
        if !mine {
            self.release_held()?;
        }
        let mut held = self.memo.held.borrow_mut();
        add(held.get_or_insert_with(|| Held {
            offer: offer.clone(),
            visitor: visitor.clone(),
            touch: None,
            session: None,
        }));
        Ok(())
    }

    /// Whether this transaction keeps appends for its end: a request
    /// flow's, run through the node's cache.
    pub(crate) fn appends(&self) -> bool {
        self.cache.is_some()
    }

    pub(crate) fn append_activity(
        &self,
        id: &ActivityId,
        kind: ActivityType,
        who: &Who<'_>,
        details: Value,
        now: Millis,
    ) {
        let step = HourStep::of(kind, &details, now);
        let a = &mut self.memo.appends.borrow_mut().activities;
        a.ids.push(id.as_str().to_owned());
        a.kinds.push(kind.as_str());
        a.offers.push(who.offer.map(|id| id.as_str().to_owned()));
        a.participants
            .push(who.participant.map(|id| id.as_str().to_owned()));
        a.people.push(who.person.map(|id| id.as_str().to_owned()));
        a.visitors
            .push(who.visitor.map(|id| id.as_str().to_owned()));
        a.details.push(details);
        a.at.push(now);
        a.hours.push(step.hour);
        a.keys.push(step.key);
        a.sessions.push(step.sessions);
        a.referred_sessions.push(step.referred_sessions);
        a.referred_sign_ups.push(step.referred_sign_ups);
    }

    pub(crate) fn append_browser(&self, visitor: &VisitorId, ip: Option<&str>, now: Millis) {
        let mut a = self.memo.appends.borrow_mut();
        a.visitors.push(visitor.as_str().to_owned());
        a.visitors_at.push(now);
        a.visitors_ips.push(ip.map(str::to_owned));
    }

    pub(crate) fn append_attribution(
        &self,
        offer: &OfferId,
        visitor: &VisitorId,
        participant: &ParticipantId,
        channel: Option<&str>,
        now: Millis,
    ) {
        let mut a = self.memo.appends.borrow_mut();
        a.attributed_offers.push(offer.as_str().to_owned());
        a.attributed_visitors.push(visitor.as_str().to_owned());
        a.attributed_to.push(participant.as_str().to_owned());
        a.attributed_at.push(now);
        a.attributed_channels.push(channel.map(str::to_owned));
    }

    pub(crate) fn append_token(&self, hash: &str, participant: &ParticipantId, now: Millis) {
        let mut a = self.memo.appends.borrow_mut();
        a.tokens.push(hash.to_owned());
        a.token_participants.push(participant.as_str().to_owned());
        a.tokens_at.push(now);
    }

    /// Writes what the transaction kept for its end, if anything, with what
    /// it holds for its next statement: called once its flows have run,
    /// before it commits. One statement, made of the parts with rows only:
    /// a part with none would still open its table and indexes.
    pub(crate) fn write_appends(&self) -> Result<()> {
        let a = self.memo.appends.take();
        let act = &a.activities;
        let parts = [
            !act.ids.is_empty(),
            !a.visitors.is_empty(),
            !a.attributed_visitors.is_empty(),
            !a.tokens.is_empty(),
        ];
        if !parts.contains(&true) {
            return self.release_held();
        }
        let held = self.memo.held.take();
        let columns: [&[&(dyn ToSql + Sync)]; 4] = [
            &[
                &act.ids,
                &act.kinds,
                &act.offers,
                &act.participants,
                &act.people,
                &act.visitors,
                &act.details,
                &act.at,
                &act.hours,
                &act.keys,
                &act.sessions,
                &act.referred_sessions,
                &act.referred_sign_ups,
            ],
            &[&a.visitors, &a.visitors_at, &a.visitors_ips],
            &[
                &a.attributed_offers,
                &a.attributed_visitors,
                &a.attributed_to,
                &a.attributed_at,
                &a.attributed_channels,
            ],
            &[&a.tokens, &a.token_participants, &a.tokens_at],
        ];
        let sql = statement(parts, held.as_ref());
        let generation: i64 = self.prep(|t| {
            let held = match &held {
                Some(held) => bind(&t.statement(sql)?, &held.params())?,
                None => Vec::new(),
            };
            let params: Vec<&(dyn ToSql + Sync)> = refs(&held)
                .into_iter()
                .chain(
                    columns
                        .iter()
                        .zip(parts)
                        .filter(|(_, present)| *present)
                        .flat_map(|(c, _)| c.iter().copied()),
                )
                .collect();
            Ok(t.query_one(sql, &params)?.get(0))
        })?;
        self.saw(generation)
    }
}

/// The parts of the statement, each a `WITH` item numbering its parameters
/// from `?1`: activities and their tally rows, browsers, attributions,
/// access tokens.
const PARTS: [&str; 4] = [
    "a AS (
         INSERT INTO activities (id, type, offer_id, participant_id, person_id, visitor_id,
                                 details, occurred_at)
         SELECT * FROM unnest(?1::TEXT[], ?2::TEXT[], ?3::TEXT[], ?4::TEXT[], ?5::TEXT[],
                              ?6::TEXT[], ?7::JSONB[], ?8::BIGINT[])
         RETURNING id, seq),
     d AS (
         INSERT INTO activity_hour_deltas (offer_id, hour, type, key, sessions,
                                           referred_sessions, referred_sign_ups, seq)
         SELECT u.offer_id, u.hour, u.type, u.key, u.sessions, u.referred_sessions,
                u.referred_sign_ups, a.seq
         FROM unnest(?1::TEXT[], ?3::TEXT[], ?2::TEXT[], ?9::BIGINT[], ?10::TEXT[],
                     ?11::BIGINT[], ?12::BIGINT[], ?13::BIGINT[])
              AS u(id, offer_id, type, hour, key, sessions, referred_sessions,
                   referred_sign_ups)
         JOIN a ON a.id = u.id
         WHERE u.offer_id IS NOT NULL)",
    "v AS (
         INSERT INTO visitors (id, created_at, ip, ip_seen_at)
         SELECT id, at, ip, CASE WHEN ip IS NOT NULL THEN at END
         FROM unnest(?1::TEXT[], ?2::BIGINT[], ?3::TEXT[]) AS u(id, at, ip)
         ON CONFLICT (id) DO NOTHING)",
    "t AS (
         INSERT INTO attributions (offer_id, visitor_id, participant_id, touched_at, channel)
         SELECT * FROM unnest(?1::TEXT[], ?2::TEXT[], ?3::TEXT[], ?4::BIGINT[], ?5::TEXT[])
         ON CONFLICT (offer_id, visitor_id) DO NOTHING)",
    "k AS (
         INSERT INTO participant_tokens (token_hash, participant_id, kind, created_at)
         SELECT hash, participant, 'access', at
         FROM unnest(?1::TEXT[], ?2::TEXT[], ?3::BIGINT[]) AS u(hash, participant, at))",
];

/// Parameters of each part.
const PARAMS: [usize; 4] = [13, 3, 5, 3];

/// The statement of the parts present, after the writes held if any,
/// made once for each combination.
fn statement(parts: [bool; 4], held: Option<&Held>) -> &'static str {
    const COMBINATIONS: usize = 16 * (Held::SHAPES + 1);
    static MADE: [OnceLock<String>; COMBINATIONS] = [const { OnceLock::new() }; COMBINATIONS];
    let mask = parts
        .iter()
        .enumerate()
        .fold(0, |n, (i, &p)| n | usize::from(p) << i);
    let index = mask + 16 * held.map_or(0, |h| h.shape() + 1);
    MADE[index].get_or_init(|| {
        let mut items = Vec::new();
        let mut before = 0;
        if let Some(held) = held {
            let (sql, params) = held.items();
            items.push(sql.to_owned());
            before += params;
        }
        for ((part, params), present) in PARTS.iter().zip(PARAMS).zip(parts) {
            if present {
                items.push(renumbered(part, before));
                before += params;
            }
        }
        dollars(&format!(
            "WITH {} SELECT generation FROM cache_generation",
            items.join(", ")
        ))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_combination_of_parts_numbers_its_parameters_in_order() {
        let sql = super::statement([true, false, true, true], None);
        assert!(sql.starts_with("WITH a AS ("), "{sql}");
        assert!(!sql.contains("INSERT INTO visitors"), "{sql}");
        assert!(
            sql.contains(
                "unnest($14::TEXT[], $15::TEXT[], $16::TEXT[], $17::BIGINT[], $18::TEXT[])"
            ),
            "{sql}"
        );
        assert!(
            sql.contains("unnest($19::TEXT[], $20::TEXT[], $21::BIGINT[])"),
            "{sql}"
        );
        assert!(!sql.contains("$22") && !sql.contains('?'), "{sql}");
    }

    #[test]
    fn the_writes_held_come_first_and_the_parts_number_after_them() {
        use parrain_core::attribution::Touch;
        let held = super::Held {
            offer: parrain_core::ids::OfferId::generate(),
            visitor: parrain_core::ids::VisitorId::generate(),
            touch: Some((
                Touch {
                    participant: "par_x".to_owned(),
                    at: 1,
                },
                None,
            )),
            session: Some((1, 2)),
        };
        assert_eq!(held.params().len(), held.items().1);
        let sql = super::statement([false, false, false, true], Some(&held));
        assert!(
            sql.starts_with("WITH h0 AS (INSERT INTO attributions"),
            "{sql}"
        );
        assert!(sql.contains("VALUES ($1, $2, $3, $4, $5)"), "{sql}");
        assert!(sql.contains("h1 AS (INSERT INTO visit_sessions"), "{sql}");
        assert!(sql.contains("VALUES ($6, $7, $8, $9)"), "{sql}");
        assert!(
            sql.contains("unnest($10::TEXT[], $11::TEXT[], $12::BIGINT[])"),
            "{sql}"
        );
        assert!(!sql.contains("$13") && !sql.contains('?'), "{sql}");
    }
}
