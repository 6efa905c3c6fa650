//! Webhook endpoints, and the fan-out that turns an activity into deliveries
//! in the transaction that records it (so an acknowledged fact always gets
//! its webhooks, and a rolled-back one never does).

use super::operators::audited;
use crate::Audit;
use std::sync::Arc;

use async_trait::async_trait;
use parrain_core::activity::ActivityType;
use parrain_core::ids::WebhookId;
use parrain_core::ids::{ActivityId, MessageId, OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::Millis;
use r2d2_sqlite::rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::cache::{self, Endpoint};
use super::deliveries;
use super::ledger::{enqueue, Who};
use super::{decode_cursor, page_of, SqliteStore};
use crate::webhook_data;
use crate::JobPayload;
use crate::{
    AttemptRecord, Delivery, Job, NewWebhook, Page, PageRequest, Result, StoreError, Webhook,
    WebhookPatch, Webhooks,
};

pub(crate) fn rfc3339(millis: Millis) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

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
        map.extend(webhook_data::about(&mut Rows(conn), kind, who, details)?);
    }
    let payload = json!({
        "type": kind.as_str(),
        "timestamp": rfc3339(now),
        "data": data,
    })
    .to_string();
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

const SELECT: &str = "SELECT id, url, description, events, offer_id, secret, previous_secret,
        previous_until, enabled, disabled_reason, created_at, updated_at, seq FROM webhooks";

fn webhook_row(r: &Row<'_>) -> r2d2_sqlite::rusqlite::Result<(i64, Webhook)> {
    let events: String = r.get(3)?;
    let events: Vec<String> = serde_json::from_str(&events).unwrap_or_default();
    Ok((
        r.get(12)?,
        Webhook {
            id: WebhookId::from_trusted(r.get(0)?),
            url: r.get(1)?,
            description: r.get(2)?,
            events: events
                .iter()
                .filter_map(|e| ActivityType::parse(e))
                .collect(),
            offer_id: r.get::<_, Option<String>>(4)?.map(OfferId::from_trusted),
            secret: r.get(5)?,
            previous_secret: r.get(6)?,
            previous_until: r.get(7)?,
            enabled: r.get(8)?,
            disabled_reason: r.get(9)?,
            created_at: r.get(10)?,
            updated_at: r.get(11)?,
        },
    ))
}

pub(crate) fn load(conn: &Connection, id: &str) -> Result<Webhook> {
    conn.prepare_cached(&format!("{SELECT} WHERE id = ?1"))?
        .query_row([id], webhook_row)
        .optional()?
        .map(|(_, w)| w)
        .ok_or(StoreError::not_found("webhook"))
}

fn events_json(events: &[ActivityType]) -> String {
    Value::from(events.iter().map(|e| e.as_str()).collect::<Vec<_>>()).to_string()
}

fn check_offer(conn: &Connection, offer: Option<&OfferId>) -> Result<()> {
    if let Some(offer) = offer {
        let found: Option<i64> = conn
            .prepare_cached("SELECT 1 FROM offers WHERE id = ?1")?
            .query_row([offer.as_str()], |r| r.get(0))
            .optional()?;
        if found.is_none() {
            return Err(StoreError::BadInput {
                field: "offer_id",
                message: format!("no offer {offer}"),
            });
        }
    }
    Ok(())
}

#[async_trait]
impl Webhooks for SqliteStore {
    async fn create_webhook(
        &self,
        new: NewWebhook,
        now: Millis,
        audit: Audit<Webhook>,
    ) -> Result<Webhook> {
        self.write(audited(audit, move |conn| {
            check_offer(conn, new.offer_id.as_ref())?;
            let id = WebhookId::generate();
            cache::forget_webhooks();
            conn.execute(
                "INSERT INTO webhooks (id, url, description, events, offer_id, secret, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                params![
                    id.as_str(),
                    new.url,
                    new.description,
                    events_json(&new.events),
                    new.offer_id.as_ref().map(OfferId::as_str),
                    new.secret,
                    now
                ],
            )?;
            load(conn, id.as_str())
        }))
        .await
    }

    async fn webhook(&self, id: &WebhookId) -> Result<Webhook> {
        let id = id.clone();
        self.read(move |conn| load(conn, id.as_str())).await
    }

    async fn list_webhooks(&self, page: PageRequest) -> Result<Page<Webhook>> {
        let before = decode_cursor(page.cursor.as_deref())?.unwrap_or(i64::MAX);
        self.read(move |conn| {
            let rows = conn
                .prepare(&format!(
                    "{SELECT} WHERE seq < ?1 ORDER BY seq DESC LIMIT ?2"
                ))?
                .query_map(params![before, page.limit + 1], webhook_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(page_of(rows, page.limit))
        })
        .await
    }

    async fn update_webhook(
        &self,
        id: &WebhookId,
        patch: WebhookPatch,
        now: Millis,
        audit: Audit<Webhook>,
    ) -> Result<Webhook> {
        let id = id.clone();
        self.write(audited(audit, move |conn| {
            let current = load(conn, id.as_str())?;
            let offer = patch.offer_id.clone().unwrap_or(current.offer_id);
            check_offer(conn, offer.as_ref())?;
            let enabled = patch.enabled.unwrap_or(current.enabled);
            let reason = if enabled {
                None
            } else {
                current
                    .disabled_reason
                    .or(Some("disabled by an operator".into()))
            };
            cache::forget_webhooks();
            conn.execute(
                "UPDATE webhooks SET url = ?2, description = ?3, events = ?4, offer_id = ?5,
                     enabled = ?6, disabled_reason = ?7, updated_at = ?8 WHERE id = ?1",
                params![
                    id.as_str(),
                    patch.url.unwrap_or(current.url),
                    patch.description.unwrap_or(current.description),
                    events_json(&patch.events.unwrap_or(current.events)),
                    offer.as_ref().map(OfferId::as_str),
                    enabled,
                    reason,
                    now
                ],
            )?;
            load(conn, id.as_str())
        }))
        .await
    }

    async fn delete_webhook(&self, id: &WebhookId, audit: Audit<()>) -> Result<()> {
        let id = id.clone();
        self.write(audited(audit, move |conn| {
            load(conn, id.as_str())?;
            deliveries::drop_pending(conn, id.as_str())?;
            cache::forget_webhooks();
            conn.execute("DELETE FROM webhooks WHERE id = ?1", [id.as_str()])?;
            Ok(())
        }))
        .await
    }

    async fn rotate_secret(
        &self,
        id: &WebhookId,
        secret: String,
        grace_until: Millis,
        now: Millis,
        audit: Audit<Webhook>,
    ) -> Result<Webhook> {
        let id = id.clone();
        self.write(audited(audit, move |conn| {
            load(conn, id.as_str())?;
            cache::forget_webhooks();
            conn.execute(
                "UPDATE webhooks SET previous_secret = secret, previous_until = ?3, secret = ?2,
                     updated_at = ?4 WHERE id = ?1",
                params![id.as_str(), secret, grace_until, now],
            )?;
            load(conn, id.as_str())
        }))
        .await
    }

    async fn list_deliveries(&self, id: &WebhookId, page: PageRequest) -> Result<Page<Delivery>> {
        let id = id.clone();
        let before = decode_cursor(page.cursor.as_deref())?.unwrap_or(i64::MAX);
        self.read(move |conn| {
            load(conn, id.as_str())?;
            deliveries::list(conn, id.as_str(), before, page.limit)
        })
        .await
    }

    async fn delivery(&self, id: &WebhookId, message: &MessageId) -> Result<Delivery> {
        let (id, message) = (id.clone(), message.clone());
        self.read(move |conn| deliveries::load(conn, id.as_str(), message.as_str()))
            .await
    }

    async fn replay_delivery(
        &self,
        id: &WebhookId,
        message: &MessageId,
        now: Millis,
        audit: Audit<Delivery>,
    ) -> Result<Delivery> {
        let (id, message) = (id.clone(), message.clone());
        self.write(audited(audit, move |conn| {
            deliveries::replay(conn, id.as_str(), message.as_str(), now)
        }))
        .await
    }

    async fn delivery_to_send(&self, message: &MessageId) -> Result<Option<(Delivery, Webhook)>> {
        let message = message.clone();
        self.read(move |conn| deliveries::to_send(conn, message.as_str()))
            .await
    }

    async fn record_attempt(&self, job: &Job, record: AttemptRecord, now: Millis) -> Result<bool> {
        let job = job.clone();
        self.write(move |conn| deliveries::record_attempt(conn, &job, record, now))
            .await
    }
}
