//! The activity log and the outbox: what every write that records a fact
//! appends, in its own transaction.

use std::cell::RefCell;

use parrain_core::activity::ActivityType;
use parrain_core::ids::{ActivityId, OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::Millis;
use serde_json::Value;

use super::cache::Endpoint;
use super::Sql;
pub(crate) use crate::flows::Who;
use crate::report::HourStep;
use crate::Result;

thread_local! {
    /// The activity types recorded by the transaction open on this thread
    /// (a transaction runs on one blocking thread from start to commit).
    static RECORDED: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
    /// The kinds of the jobs it queued, once each.
    static QUEUED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// A transaction starts: nothing it recorded or queued yet.
pub(crate) fn forget_recorded() {
    RECORDED.with(|r| r.borrow_mut().clear());
    QUEUED.with(|q| q.borrow_mut().clear());
}

/// The kinds of jobs the last transaction on this thread queued, once it
/// has committed (the caller rings the workers' bell for them).
pub(crate) fn take_queued() -> Vec<String> {
    QUEUED.with(|q| std::mem::take(&mut *q.borrow_mut()))
}

/// The transaction committed: `parrain_activities_total` counts what it
/// recorded (a transaction rolled back or run again counts nothing).
pub(crate) fn count_recorded() {
    for kind in RECORDED.with(|r| std::mem::take(&mut *r.borrow_mut())) {
        metrics::counter!("parrain_activities_total", "type" => kind).increment(1);
    }
}

/// Appends to the activity log (and a tally for the offer's hour of
/// `activity_hours`, which reports read), with a webhook delivery for every
/// one of `endpoints` that listens for it; returns the entry's position and
/// the cache's generation, read by the same statement (see `cache`).
pub(crate) fn record(
    c: &mut impl Sql,
    kind: ActivityType,
    who: Who<'_>,
    details: Value,
    now: Millis,
    endpoints: &[Endpoint],
) -> Result<(i64, i64)> {
    let id = ActivityId::generate();
    // The hour's tally is a row of its own, folded into the hour later
    // (`fold`): the hour's row itself would be updated by every concurrent
    // request. One statement appends both.
    let step = HourStep::of(kind, &details, now);
    let row = c.query_one(
        "WITH a AS (
             INSERT INTO activities (id, type, offer_id, participant_id, person_id, visitor_id, details, occurred_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING seq),
         d AS (
             INSERT INTO activity_hour_deltas (offer_id, hour, type, key, sessions,
                                               referred_sessions, referred_sign_ups, seq)
             SELECT $3, $9, $2, $13, $10, $11, $12, a.seq FROM a WHERE $3::TEXT IS NOT NULL)
         SELECT a.seq, (SELECT generation FROM cache_generation) FROM a",
        &[
            &id.as_str(),
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
    )?;
    RECORDED.with(|r| r.borrow_mut().push(kind.as_str()));
    super::webhooks::fan_out(c, endpoints, &id, kind, &who, &details, now)?;
    Ok((row.get(0), row.get(1)))
}

/// Queues outbound work, committed with the change that caused it.
pub(crate) fn enqueue(c: &mut impl Sql, kind: &str, payload: Value, now: Millis) -> Result<()> {
    c.execute(
        "INSERT INTO jobs (kind, payload, run_at, created_at) VALUES ($1, $2, $3, $3)",
        &[&kind, &payload, &now],
    )?;
    QUEUED.with(|q| {
        let mut q = q.borrow_mut();
        if !q.iter().any(|k| k == kind) {
            q.push(kind.to_owned());
        }
    });
    Ok(())
}
