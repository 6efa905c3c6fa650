//! The fan-out that turns an activity into webhook deliveries in the
//! transaction that records it, over the endpoints this engine keeps (so an acknowledged fact always gets
//! its webhooks, and a rolled-back one never does).

use parrain_core::activity::ActivityType;
use parrain_core::ids::{ActivityId, MessageId, OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::Millis;
use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::cache::Endpoint;
use super::log::{enqueue, Who};
use crate::webhook_data;
use crate::JobPayload;
use crate::Result;

fn rfc3339(millis: Millis) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// The enabled endpoints, with the cache's generation read in the same
/// statement (see `cache`).
pub(crate) fn enabled(c: &mut impl super::Sql) -> Result<(Vec<Endpoint>, i64)> {
    let rows = c.query(
        "SELECT g.generation, w.id, w.offer_id, w.events
         FROM cache_generation g LEFT JOIN webhooks w ON w.enabled ORDER BY w.seq",
        &[],
    )?;
    let generation = rows.first().map_or(0, |r| r.get(0));
    let endpoints = rows
        .iter()
        .filter_map(|r| {
            let id: Option<String> = r.get(1);
            Some(Endpoint {
                id: id?,
                offer: r.get(2),
                events: serde_json::from_value(r.get(3)).unwrap_or_default(),
            })
        })
        .collect();
    Ok((endpoints, generation))
}

/// Queues a delivery of this activity to each of `endpoints` that wants it.
pub(crate) fn fan_out(
    c: &mut impl super::Sql,
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
    let mut data = json!({
        "id": activity,
        "type": kind.as_str(),
        "offer_id": who.offer.map(OfferId::as_str),
        "participant_id": who.participant.map(ParticipantId::as_str),
        "person_id": who.person.map(PersonId::as_str),
        "visitor_id": who.visitor.map(VisitorId::as_str),
        "details": details,
        "occurred_at": rfc3339(now),
    });
    if let Value::Object(map) = &mut data {
        map.extend(webhook_data::about(&mut Rows(c), kind, who, details)?);
    }
    let payload = json!({
        "type": kind.as_str(),
        "timestamp": rfc3339(now),
        "data": data,
    })
    .to_string();
    for endpoint in endpoints {
        let message = MessageId::generate();
        c.execute(
            "INSERT INTO webhook_deliveries (id, webhook_id, activity_id, event_type, payload,
                 next_attempt_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6, $6)",
            &[
                &message.as_str(),
                &endpoint,
                &activity.as_str(),
                &kind.as_str(),
                &payload,
                &now,
            ],
        )?;
        let job = JobPayload::delivery(message.as_str(), false);
        enqueue(c, job.kind().as_str(), job.to_json(), now)?;
    }
    Ok(())
}

/// The transaction's connection, running `webhook_data`'s statements.
struct Rows<'a, C>(&'a mut C);

impl<C: super::Sql> webhook_data::Lookup for Rows<'_, C> {
    fn rows(&mut self, sql: &'static str, params: &[&str]) -> Result<Vec<Map<String, Value>>> {
        let rows = self.0.query(
            &super::privacy::dollars(sql),
            &super::privacy::params(params),
        )?;
        Ok(rows.iter().map(super::privacy::row_map).collect())
    }
}
