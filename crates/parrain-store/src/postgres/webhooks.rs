//! The fan-out that turns an activity into webhook deliveries in the
//! transaction that records it, over the endpoints this engine keeps (so an acknowledged fact always gets
//! its webhooks, and a rolled-back one never does).

use parrain_core::activity::ActivityType;
use parrain_core::ids::{ActivityId, MessageId, OfferId};
use parrain_core::Millis;
use serde_json::{Map, Value};

use super::cache::Endpoint;
use super::log::{enqueue, Who};
use crate::webhook_data;
use crate::JobPayload;
use crate::Result;

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
    let payload = webhook_data::payload(&mut Rows(c), activity, kind, who, details, now)?;
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
