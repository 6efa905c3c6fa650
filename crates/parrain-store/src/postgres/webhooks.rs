//! Webhook endpoints, and the fan-out that turns an activity into deliveries
//! in the transaction that records it (so an acknowledged fact always gets
//! its webhooks, and a rolled-back one never does).

use super::operators::audited;
use crate::Audit;
use async_trait::async_trait;
use parrain_core::activity::ActivityType;
use parrain_core::ids::WebhookId;
use parrain_core::ids::{ActivityId, MessageId, OfferId, ParticipantId, PersonId, VisitorId};
use parrain_core::Millis;
use postgres::{GenericClient, Row};
use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::cache::Endpoint;
use super::deliveries;
use super::log::{enqueue, Who};
use super::{fetch_limit, PgStore};
use crate::sqlite::{decode_cursor, page_of};
use crate::webhook_data;
use crate::JobPayload;
use crate::{
    AttemptRecord, Delivery, Job, NewWebhook, Page, PageRequest, Result, StoreError, Webhook,
    WebhookPatch, Webhooks,
};

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

const SELECT: &str = "SELECT id, url, description, events, offer_id, secret, previous_secret,
        previous_until, enabled, disabled_reason, created_at, updated_at, seq FROM webhooks";

fn webhook_row(r: &Row) -> (i64, Webhook) {
    let events: Vec<String> = serde_json::from_value(r.get(3)).unwrap_or_default();
    (
        r.get(12),
        Webhook {
            id: WebhookId::from_trusted(r.get(0)),
            url: r.get(1),
            description: r.get(2),
            events: events
                .iter()
                .filter_map(|e| ActivityType::parse(e))
                .collect(),
            offer_id: r.get::<_, Option<String>>(4).map(OfferId::from_trusted),
            secret: r.get(5),
            previous_secret: r.get(6),
            previous_until: r.get(7),
            enabled: r.get(8),
            disabled_reason: r.get(9),
            created_at: r.get(10),
            updated_at: r.get(11),
        },
    )
}

pub(crate) fn load(c: &mut impl GenericClient, id: &str) -> Result<Webhook> {
    c.query_opt(&format!("{SELECT} WHERE id = $1"), &[&id])?
        .map(|r| webhook_row(&r).1)
        .ok_or(StoreError::not_found("webhook"))
}

fn events_json(events: &[ActivityType]) -> Value {
    Value::from(events.iter().map(|e| e.as_str()).collect::<Vec<_>>())
}

fn check_offer(c: &mut impl GenericClient, offer: Option<&OfferId>) -> Result<()> {
    if let Some(offer) = offer {
        if c.query_opt("SELECT 1 FROM offers WHERE id = $1", &[&offer.as_str()])?
            .is_none()
        {
            return Err(StoreError::BadInput {
                field: "offer_id",
                message: format!("no offer {offer}"),
            });
        }
    }
    Ok(())
}

#[async_trait]
impl Webhooks for PgStore {
    async fn create_webhook(
        &self,
        new: NewWebhook,
        now: Millis,
        audit: Audit<Webhook>,
    ) -> Result<Webhook> {
        self.write(audited(audit, move |tx| {
            tx.with(|t| {
                check_offer(t, new.offer_id.as_ref())?;
                let id = WebhookId::generate();
                t.execute(
                    "INSERT INTO webhooks (id, url, description, events, offer_id, secret, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
                    &[
                        &id.as_str(),
                        &new.url,
                        &new.description,
                        &events_json(&new.events),
                        &new.offer_id.as_ref().map(OfferId::as_str),
                        &new.secret,
                        &now,
                    ],
                )?;
                load(t, id.as_str())
            })
        }))
        .await
    }

    async fn webhook(&self, id: &WebhookId) -> Result<Webhook> {
        let id = id.clone();
        self.read(move |c| load(c, id.as_str())).await
    }

    async fn list_webhooks(&self, page: PageRequest) -> Result<Page<Webhook>> {
        let before = decode_cursor(page.cursor.as_deref())?.unwrap_or(i64::MAX);
        self.read(move |c| {
            let rows = c
                .query(
                    &format!("{SELECT} WHERE seq < $1 ORDER BY seq DESC LIMIT $2"),
                    &[&before, &fetch_limit(page.limit)],
                )?
                .iter()
                .map(webhook_row)
                .collect();
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
        self.write(audited(audit, move |tx| {
            tx.with(|t| {
                let patch = patch.clone();
                let current = load(t, id.as_str())?;
                let offer = patch.offer_id.clone().unwrap_or(current.offer_id);
                check_offer(t, offer.as_ref())?;
                let enabled = patch.enabled.unwrap_or(current.enabled);
                let reason = if enabled {
                    None
                } else {
                    current
                        .disabled_reason
                        .or(Some("disabled by an operator".into()))
                };
                t.execute(
                    "UPDATE webhooks SET url = $2, description = $3, events = $4, offer_id = $5,
                         enabled = $6, disabled_reason = $7, updated_at = $8 WHERE id = $1",
                    &[
                        &id.as_str(),
                        &patch.url.unwrap_or(current.url),
                        &patch.description.unwrap_or(current.description),
                        &events_json(&patch.events.unwrap_or(current.events)),
                        &offer.as_ref().map(OfferId::as_str),
                        &enabled,
                        &reason,
                        &now,
                    ],
                )?;
                load(t, id.as_str())
            })
        }))
        .await
    }

    async fn delete_webhook(&self, id: &WebhookId, audit: Audit<()>) -> Result<()> {
        let id = id.clone();
        self.write(audited(audit, move |tx| {
            tx.with(|t| {
                load(t, id.as_str())?;
                deliveries::drop_pending(t, id.as_str())?;
                t.execute("DELETE FROM webhooks WHERE id = $1", &[&id.as_str()])?;
                Ok(())
            })
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
        self.write(audited(audit, move |tx| {
            tx.with(|t| {
                load(t, id.as_str())?;
                t.execute(
                    "UPDATE webhooks SET previous_secret = secret, previous_until = $3, secret = $2,
                         updated_at = $4 WHERE id = $1",
                    &[&id.as_str(), &secret, &grace_until, &now],
                )?;
                load(t, id.as_str())
            })
        }))
        .await
    }

    async fn list_deliveries(&self, id: &WebhookId, page: PageRequest) -> Result<Page<Delivery>> {
        let id = id.clone();
        let before = decode_cursor(page.cursor.as_deref())?.unwrap_or(i64::MAX);
        self.read(move |c| {
            load(c, id.as_str())?;
            deliveries::list(c, id.as_str(), before, page.limit)
        })
        .await
    }

    async fn delivery(&self, id: &WebhookId, message: &MessageId) -> Result<Delivery> {
        let (id, message) = (id.clone(), message.clone());
        self.read(move |c| deliveries::load(c, id.as_str(), message.as_str()))
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
        self.write(audited(audit, move |tx| {
            tx.with(|t| deliveries::replay(t, id.as_str(), message.as_str(), now))
        }))
        .await
    }

    async fn delivery_to_send(&self, message: &MessageId) -> Result<Option<(Delivery, Webhook)>> {
        let message = message.clone();
        self.read(move |c| deliveries::to_send(c, message.as_str()))
            .await
    }

    async fn record_attempt(&self, job: &Job, record: AttemptRecord, now: Millis) -> Result<bool> {
        let job = job.clone();
        self.write(move |tx| tx.with(|t| deliveries::record_attempt(t, &job, &record, now)))
            .await
    }
}
