//! The fan-out that turns an activity into webhook deliveries in the
//! transaction that records it, over the endpoints this engine keeps (so an acknowledged fact always gets
//! its webhooks, and a rolled-back one never does).

use std::sync::Arc;

use parrain_core::activity::ActivityType;
use parrain_core::ids::{ActivityId, MessageId, OfferId};
use parrain_core::Millis;
use r2d2_sqlite::rusqlite::{params, Connection};
use serde_json::{Map, Value};

use super::cache::{self, Endpoint};
use super::ledger::{enqueue, Who};
use crate::webhook_data;
use crate::JobPayload;
use crate::Result;

/// Queues a delivery of this activity to each enabled endpoint that wants it.
pub(crate) fn fan_out(
    conn: &Connection,
    activity: &ActivityId,
    kind: ActivityType,
    who: &Who<'_>,
    details: &Value,
    now: Millis,
) -> Result<()> {
    let enabled = enabled_endpoints(conn)?;
    let offer = who.offer.map(OfferId::as_str);
    let endpoints: Vec<&str> = enabled
        .iter()
        .filter(|e| e.offer.is_none() || e.offer.as_deref() == offer)
        .filter(|e| e.events.iter().any(|t| t == kind.as_str()))
        .map(|e| e.id.as_str())
        .collect();
    if endpoints.is_empty() {
        return Ok(());
    }
    let payload = webhook_data::payload(&mut Rows(conn), activity, kind, who, details, now)?;
    for endpoint in endpoints {
        let message = MessageId::generate();
        conn.prepare_cached(
            "INSERT INTO webhook_deliveries (id, webhook_id, activity_id, event_type, payload,
                 next_attempt_at, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?6)",
        )?
        .execute(params![
            message.as_str(),
            endpoint,
            activity.as_str(),
            kind.as_str(),
            payload,
            now
        ])?;
        let job = JobPayload::delivery(message.as_str(), false);
        enqueue(conn, job.kind().as_str(), job.to_json(), now)?;
    }
    Ok(())
}

/// The writer's connection, running `webhook_data`'s statements.
struct Rows<'a>(&'a Connection);

impl webhook_data::Lookup for Rows<'_> {
    fn rows(&mut self, sql: &'static str, params: &[&str]) -> Result<Vec<Map<String, Value>>> {
        crate::privacy::Sql::rows(self.0, sql, params)
    }
}

/// The enabled endpoints, kept by the writer until one changes.
fn enabled_endpoints(conn: &Connection) -> Result<Arc<Vec<Endpoint>>> {
    if let Some(kept) = cache::webhooks() {
        return Ok(kept);
    }
    let endpoints = conn
        .prepare_cached("SELECT id, offer_id, events FROM webhooks WHERE enabled = 1")?
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get(1)?, r.get::<_, String>(2)?))
        })?
        .map(|row| {
            let (id, offer, events) = row?;
            let events = serde_json::from_str(&events)?;
            Ok(Endpoint { id, offer, events })
        })
        .collect::<Result<Vec<_>>>()?;
    let endpoints = Arc::new(endpoints);
    cache::keep_webhooks(&endpoints);
    Ok(endpoints)
}
