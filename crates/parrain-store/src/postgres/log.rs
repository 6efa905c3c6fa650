//! The activity log and the outbox: what every write that records a fact
//! appends, in its own transaction.

use parrain_core::activity::ActivityType;
use parrain_core::ids::{ActivityId, OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::Millis;
use postgres::GenericClient;
use serde_json::Value;

pub(crate) use crate::flows::Who;
use crate::Result;

/// Appends to the activity log, with a webhook delivery for every endpoint
/// that listens for it; returns the entry's position.
pub(crate) fn record(
    c: &mut impl GenericClient,
    kind: ActivityType,
    who: Who<'_>,
    details: Value,
    now: Millis,
) -> Result<i64> {
    let id = ActivityId::generate();
    let seq: i64 = c
        .query_one(
            "INSERT INTO activities (id, type, offer_id, participant_id, person_id, visitor_id, details, occurred_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING seq",
            &[
                &id.as_str(),
                &kind.as_str(),
                &who.offer.map(OfferId::as_str),
                &who.participant.map(ParticipantId::as_str),
                &who.person.map(PersonId::as_str),
                &who.visitor.map(VisitorId::as_str),
                &details,
                &now,
            ],
        )?
        .get(0);
    super::webhooks::fan_out(c, &id, kind, &who, &details, now)?;
    Ok(seq)
}

/// Queues outbound work, committed with the change that caused it.
pub(crate) fn enqueue(
    c: &mut impl GenericClient,
    kind: &str,
    payload: Value,
    now: Millis,
) -> Result<()> {
    c.execute(
        "INSERT INTO jobs (kind, payload, run_at, created_at) VALUES ($1, $2, $3, $3)",
        &[&kind, &payload, &now],
    )?;
    Ok(())
}
