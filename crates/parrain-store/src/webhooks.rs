//! Webhook endpoints and their delivery log, written once over the shared
//! SQL layer (`crate::sql`).
//!
//! The fan-out that turns an activity into deliveries runs with every
//! activity recorded, over the endpoints each engine keeps in memory
//! (`crate::flows::ledger::fan_out`); what an operator does to an endpoint,
//! and what the worker records of an attempt, is here.

use async_trait::async_trait;
use parrain_core::activity::ActivityType;
use parrain_core::ids::{ActivityId, MessageId, OfferId, WebhookId};
use parrain_core::Millis;
use serde_json::Value;

use crate::flows::LedgerTx;
use crate::job::settle;
use crate::model::{decode_cursor, page_of};
use crate::sql::{audited, Db, Engine, Param, Row};
use crate::{
    Attempt, AttemptRecord, Audit, Delivery, DeliveryState, Job, JobOutcome, JobPayload,
    NewWebhook, Page, PageRequest, Result, StoreError, Webhook, WebhookPatch, Webhooks,
};

const SELECT: &str = "SELECT id, url, description, events, offer_id, secret, previous_secret,
        previous_until, enabled, disabled_reason, created_at, updated_at, seq FROM webhooks";

fn webhook_of(r: &Row) -> Result<(i64, Webhook)> {
    let events: Vec<String> = r
        .opt_json(3)?
        .and_then(|e| serde_json::from_value(e).ok())
        .unwrap_or_default();
    Ok((
        r.int(12)?,
        Webhook {
            id: WebhookId::from_trusted(r.text(0)?),
            url: r.text(1)?,
            description: r.opt_text(2)?,
            events: events
                .iter()
                .filter_map(|e| ActivityType::parse(e))
                .collect(),
            offer_id: r.opt_text(4)?.map(OfferId::from_trusted),
            secret: r.text(5)?,
            previous_secret: r.opt_text(6)?,
            previous_until: r.opt_int(7)?,
            enabled: r.bool(8)?,
            disabled_reason: r.opt_text(9)?,
            created_at: r.int(10)?,
            updated_at: r.int(11)?,
        },
    ))
}

fn load(db: &dyn Db, id: &str) -> Result<Webhook> {
    let found = db.query_opt(&format!("{SELECT} WHERE id = ?1"), &[id.into()])?;
    Ok(webhook_of(&found.ok_or(StoreError::not_found("webhook"))?)?.1)
}

fn events_json(events: &[ActivityType]) -> Value {
    Value::from(events.iter().map(|e| e.as_str()).collect::<Vec<_>>())
}

fn check_offer(db: &dyn Db, offer: Option<&OfferId>) -> Result<()> {
    if let Some(offer) = offer {
        if !db.exists(
            "SELECT 1 FROM offers WHERE id = ?1",
            &[offer.as_str().into()],
        )? {
            return Err(StoreError::BadInput {
                field: "offer_id",
                message: format!("no offer {offer}"),
            });
        }
    }
    Ok(())
}

const DELIVERIES: &str = "SELECT id, webhook_id, activity_id, event_type, payload, state,
        next_attempt_at, created_at, seq FROM webhook_deliveries";

fn delivery_of(db: &dyn Db, r: &Row) -> Result<(i64, Delivery)> {
    let id = r.text(0)?;
    let attempts = db
        .query(
            "SELECT attempted_at, status, latency_ms, response, error FROM webhook_attempts
             WHERE delivery_id = ?1 ORDER BY seq",
            &[(&id).into()],
        )?
        .iter()
        .map(|a| {
            Ok(Attempt {
                attempted_at: a.int(0)?,
                status: a.opt_int(1)?.and_then(|s| u16::try_from(s).ok()),
                latency_ms: a.int(2)?,
                response: a.opt_text(3)?,
                error: a.opt_text(4)?,
            })
        })
        .collect::<Result<_>>()?;
    Ok((
        r.int(8)?,
        Delivery {
            id: MessageId::from_trusted(id),
            webhook_id: WebhookId::from_trusted(r.text(1)?),
            activity_id: ActivityId::from_trusted(r.text(2)?),
            event_type: r.text(3)?,
            payload: r.text(4)?,
            state: match r.text(5)?.as_str() {
                "succeeded" => DeliveryState::Succeeded,
                "failed" => DeliveryState::Failed,
                _ => DeliveryState::Pending,
            },
            next_attempt_at: r.opt_int(6)?,
            created_at: r.int(7)?,
            attempts,
        },
    ))
}

fn find_delivery(db: &dyn Db, message: &str) -> Result<Option<Delivery>> {
    let found = db.query_opt(&format!("{DELIVERIES} WHERE id = ?1"), &[message.into()])?;
    Ok(found
        .map(|r| delivery_of(db, &r))
        .transpose()?
        .map(|(_, d)| d))
}

fn load_delivery(db: &dyn Db, webhook: &str, message: &str) -> Result<Delivery> {
    load(db, webhook)?;
    find_delivery(db, message)?
        .filter(|d| d.webhook_id.as_str() == webhook)
        .ok_or(StoreError::not_found("delivery"))
}

#[async_trait]
impl<E: Engine> Webhooks for E {
    async fn create_webhook(
        &self,
        new: NewWebhook,
        now: Millis,
        audit: Audit<Webhook>,
    ) -> Result<Webhook> {
        self.write_db(audited::<E, _, _>(audit, move |tx| {
            check_offer(tx, new.offer_id.as_ref())?;
            let id = WebhookId::generate();
            E::webhooks_changed();
            tx.execute(
                "INSERT INTO webhooks (id, url, description, events, offer_id, secret,
                     created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                &[
                    id.as_str().into(),
                    (&new.url).into(),
                    new.description.as_deref().into(),
                    (&events_json(&new.events)).into(),
                    new.offer_id.as_ref().map(OfferId::as_str).into(),
                    (&new.secret).into(),
                    now.into(),
                ],
            )?;
            load(tx, id.as_str())
        }))
        .await
    }

    async fn webhook(&self, id: &WebhookId) -> Result<Webhook> {
        let id = id.clone();
        self.read_db(move |db| load(db, id.as_str())).await
    }

    async fn list_webhooks(&self, page: PageRequest) -> Result<Page<Webhook>> {
        let before = decode_cursor(page.cursor.as_deref())?.unwrap_or(i64::MAX);
        self.read_db(move |db| {
            let rows = db
                .query(
                    &format!("{SELECT} WHERE seq < ?1 ORDER BY seq DESC LIMIT ?2"),
                    &[before.into(), (i64::from(page.limit) + 1).into()],
                )?
                .iter()
                .map(webhook_of)
                .collect::<Result<_>>()?;
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
        self.write_db(audited::<E, _, _>(audit, move |tx| {
            let patch = patch.clone();
            let current = load(tx, id.as_str())?;
            let offer = patch.offer_id.clone().unwrap_or(current.offer_id);
            check_offer(tx, offer.as_ref())?;
            let enabled = patch.enabled.unwrap_or(current.enabled);
            let reason = if enabled {
                None
            } else {
                current
                    .disabled_reason
                    .or(Some("disabled by an operator".into()))
            };
            let url = patch.url.unwrap_or(current.url);
            let description = patch.description.unwrap_or(current.description);
            let events = events_json(&patch.events.unwrap_or(current.events));
            E::webhooks_changed();
            tx.execute(
                "UPDATE webhooks SET url = ?2, description = ?3, events = ?4, offer_id = ?5,
                     enabled = ?6, disabled_reason = ?7, updated_at = ?8 WHERE id = ?1",
                &[
                    id.as_str().into(),
                    (&url).into(),
                    description.as_deref().into(),
                    (&events).into(),
                    offer.as_ref().map(OfferId::as_str).into(),
                    enabled.into(),
                    reason.as_deref().into(),
                    now.into(),
                ],
            )?;
            load(tx, id.as_str())
        }))
        .await
    }

    async fn delete_webhook(&self, id: &WebhookId, audit: Audit<()>) -> Result<()> {
        let id = id.clone();
        self.write_db(audited::<E, _, _>(audit, move |tx| {
            load(tx, id.as_str())?;
            for sql in [
                "DELETE FROM webhook_attempts WHERE delivery_id IN
                     (SELECT id FROM webhook_deliveries WHERE webhook_id = ?1)",
                "DELETE FROM webhook_deliveries WHERE webhook_id = ?1",
                "DELETE FROM webhooks WHERE id = ?1",
            ] {
                tx.execute(sql, &[id.as_str().into()])?;
            }
            E::webhooks_changed();
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
        self.write_db(audited::<E, _, _>(audit, move |tx| {
            load(tx, id.as_str())?;
            E::webhooks_changed();
            tx.execute(
                "UPDATE webhooks SET previous_secret = secret, previous_until = ?3, secret = ?2,
                     updated_at = ?4 WHERE id = ?1",
                &[
                    id.as_str().into(),
                    (&secret).into(),
                    grace_until.into(),
                    now.into(),
                ],
            )?;
            load(tx, id.as_str())
        }))
        .await
    }

    async fn list_deliveries(&self, id: &WebhookId, page: PageRequest) -> Result<Page<Delivery>> {
        let id = id.clone();
        let before = decode_cursor(page.cursor.as_deref())?.unwrap_or(i64::MAX);
        self.read_db(move |db| {
            load(db, id.as_str())?;
            let rows = db
                .query(
                    &format!(
                        "{DELIVERIES} WHERE webhook_id = ?1 AND seq < ?2
                         ORDER BY seq DESC LIMIT ?3"
                    ),
                    &[
                        id.as_str().into(),
                        before.into(),
                        (i64::from(page.limit) + 1).into(),
                    ],
                )?
                .iter()
                .map(|r| delivery_of(db, r))
                .collect::<Result<_>>()?;
            Ok(page_of(rows, page.limit))
        })
        .await
    }

    async fn delivery(&self, id: &WebhookId, message: &MessageId) -> Result<Delivery> {
        let (id, message) = (id.clone(), message.clone());
        self.read_db(move |db| load_delivery(db, id.as_str(), message.as_str()))
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
        self.write_db(audited::<E, _, _>(audit, move |tx| {
            let (webhook, message) = (id.as_str(), message.as_str());
            let delivery = load_delivery(tx, webhook, message)?;
            if delivery.state == DeliveryState::Pending {
                return Err(StoreError::conflict(
                    "delivery_pending",
                    "the delivery is still being attempted; replay it once it has succeeded or failed",
                ));
            }
            tx.execute(
                "UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = ?2,
                     updated_at = ?2
                 WHERE id = ?1",
                &[message.into(), now.into()],
            )?;
            tx.enqueue(JobPayload::delivery(message, true), now)?;
            load_delivery(tx, webhook, message)
        }))
        .await
    }

    async fn delivery_to_send(&self, message: &MessageId) -> Result<Option<(Delivery, Webhook)>> {
        let message = message.clone();
        self.read_db(move |db| {
            let Some(delivery) = find_delivery(db, message.as_str())? else {
                return Ok(None);
            };
            match load(db, delivery.webhook_id.as_str()) {
                Ok(webhook) => Ok(Some((delivery, webhook))),
                Err(StoreError::NotFound { .. }) => Ok(None),
                Err(e) => Err(e),
            }
        })
        .await
    }

    async fn record_attempt(&self, job: &Job, record: AttemptRecord, now: Millis) -> Result<bool> {
        let job = job.clone();
        self.write_db(move |tx| {
            if !settle(tx, &job, &record.outcome, now)? {
                return Ok(false);
            }
            let a = &record.attempt;
            let delivery = record.delivery.as_str();
            tx.execute(
                "INSERT INTO webhook_attempts
                     (delivery_id, attempted_at, status, latency_ms, response, error)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                &[
                    delivery.into(),
                    a.attempted_at.into(),
                    a.status.map(i64::from).into(),
                    a.latency_ms.into(),
                    a.response.as_deref().into(),
                    a.error.as_deref().into(),
                ],
            )?;
            let (state, next) = match &record.outcome {
                JobOutcome::Done => ("succeeded", None),
                JobOutcome::Retry { at, .. } => ("pending", Some(*at)),
                JobOutcome::Failed { .. } => ("failed", None),
            };
            tx.execute(
                "UPDATE webhook_deliveries SET state = ?2, next_attempt_at = ?3,
                     attempts = attempts + 1, updated_at = ?4 WHERE id = ?1",
                &[delivery.into(), state.into(), next.into(), now.into()],
            )?;
            if let Some(reason) = &record.disable {
                E::webhooks_changed();
                tx.execute(
                    "UPDATE webhooks SET enabled = ?4, disabled_reason = ?2, updated_at = ?3
                     WHERE id = (SELECT webhook_id FROM webhook_deliveries WHERE id = ?1)",
                    &[
                        delivery.into(),
                        reason.into(),
                        now.into(),
                        Param::Bool(false),
                    ],
                )?;
            }
            Ok(true)
        })
        .await
    }
}
