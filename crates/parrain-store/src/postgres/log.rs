//! The activity log and the outbox: what every write that records a fact
//! appends, in its own transaction.

use parrain_core::activity::ActivityType;
use parrain_core::ids::{ActivityId, OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::Millis;
use postgres::GenericClient;
use serde_json::Value;

pub(crate) use crate::flows::Who;
use crate::report::HourStep;
use crate::Result;

/// Appends to the activity log (and to the offer's hour of
/// `activity_hours`, which reports read), with a webhook delivery for every
/// endpoint that listens for it; returns the entry's position.
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
    if let Some(offer) = who.offer {
        let step = HourStep::of(&details, now);
        c.execute(
            "INSERT INTO activity_hours AS h (offer_id, hour, type, count, sessions, referred_sessions,
                                              referred_sign_ups, first_seq, last_seq)
             VALUES ($1, $2, $3, 1, $4, $5, $6, $7, $7)
             ON CONFLICT (offer_id, hour, type) DO UPDATE SET
                count = h.count + 1,
                sessions = h.sessions + EXCLUDED.sessions,
                referred_sessions = h.referred_sessions + EXCLUDED.referred_sessions,
                referred_sign_ups = h.referred_sign_ups + EXCLUDED.referred_sign_ups,
                first_seq = LEAST(h.first_seq, EXCLUDED.first_seq),
                last_seq = GREATEST(h.last_seq, EXCLUDED.last_seq)",
            &[
                &offer.as_str(),
                &step.hour,
                &kind.as_str(),
                &step.sessions,
                &step.referred_sessions,
                &step.referred_sign_ups,
                &seq,
            ],
        )?;
    }
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
