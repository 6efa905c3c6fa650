//! Webhook deliveries and their attempts: the per-endpoint delivery log.

use parrain_core::ids::{ActivityId, MessageId, WebhookId};
use parrain_core::Millis;
use postgres::{GenericClient, Row};

use super::fetch_limit;
use super::jobs::settle;
use super::log::enqueue;
use super::webhooks::load as load_webhook;
use crate::sqlite::page_of;
use crate::JobPayload;
use crate::{
    Attempt, AttemptRecord, Delivery, DeliveryState, Job, JobOutcome, Page, Result, StoreError,
    Webhook,
};

const SELECT: &str = "SELECT id, webhook_id, activity_id, event_type, payload, state,
        next_attempt_at, created_at, seq FROM webhook_deliveries";

fn delivery_row(r: &Row) -> (i64, Delivery) {
    let state: String = r.get(5);
    (
        r.get(8),
        Delivery {
            id: MessageId::from_trusted(r.get(0)),
            webhook_id: WebhookId::from_trusted(r.get(1)),
            activity_id: ActivityId::from_trusted(r.get(2)),
            event_type: r.get(3),
            payload: r.get(4),
            state: match state.as_str() {
                "succeeded" => DeliveryState::Succeeded,
                "failed" => DeliveryState::Failed,
                _ => DeliveryState::Pending,
            },
            next_attempt_at: r.get(6),
            created_at: r.get(7),
            attempts: Vec::new(),
        },
    )
}

fn attempts_of(c: &mut impl GenericClient, message: &str) -> Result<Vec<Attempt>> {
    Ok(c.query(
        "SELECT attempted_at, status, latency_ms, response, error FROM webhook_attempts
             WHERE delivery_id = $1 ORDER BY seq",
        &[&message],
    )?
    .iter()
    .map(|r| Attempt {
        attempted_at: r.get(0),
        status: r
            .get::<_, Option<i32>>(1)
            .and_then(|s| u16::try_from(s).ok()),
        latency_ms: r.get(2),
        response: r.get(3),
        error: r.get(4),
    })
    .collect())
}

fn with_attempts(c: &mut impl GenericClient, mut delivery: Delivery) -> Result<Delivery> {
    delivery.attempts = attempts_of(c, delivery.id.as_str())?;
    Ok(delivery)
}

pub(crate) fn list(
    c: &mut impl GenericClient,
    webhook: &str,
    before: i64,
    limit: u32,
) -> Result<Page<Delivery>> {
    let rows = c
        .query(
            &format!("{SELECT} WHERE webhook_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3"),
            &[&webhook, &before, &fetch_limit(limit)],
        )?
        .iter()
        .map(delivery_row)
        .collect();
    let mut page = page_of(rows, limit);
    page.items = page
        .items
        .into_iter()
        .map(|d| with_attempts(c, d))
        .collect::<Result<_>>()?;
    Ok(page)
}

fn find(c: &mut impl GenericClient, message: &str) -> Result<Option<Delivery>> {
    let found = c
        .query_opt(&format!("{SELECT} WHERE id = $1"), &[&message])?
        .map(|r| delivery_row(&r).1);
    found.map(|d| with_attempts(c, d)).transpose()
}

pub(crate) fn load(c: &mut impl GenericClient, webhook: &str, message: &str) -> Result<Delivery> {
    load_webhook(c, webhook)?;
    find(c, message)?
        .filter(|d| d.webhook_id.as_str() == webhook)
        .ok_or(StoreError::not_found("delivery"))
}

pub(crate) fn replay(
    c: &mut impl GenericClient,
    webhook: &str,
    message: &str,
    now: Millis,
) -> Result<Delivery> {
    let delivery = load(c, webhook, message)?;
    if delivery.state == DeliveryState::Pending {
        return Err(StoreError::conflict(
            "delivery_pending",
            "the delivery is still being attempted; replay it once it has succeeded or failed",
        ));
    }
    c.execute(
        "UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = $2, updated_at = $2
         WHERE id = $1",
        &[&message, &now],
    )?;
    let job = JobPayload::delivery(message, true);
    enqueue(c, job.kind().as_str(), job.to_json(), now)?;
    load(c, webhook, message)
}

pub(crate) fn drop_pending(c: &mut impl GenericClient, webhook: &str) -> Result<()> {
    c.execute(
        "DELETE FROM webhook_attempts WHERE delivery_id IN
             (SELECT id FROM webhook_deliveries WHERE webhook_id = $1)",
        &[&webhook],
    )?;
    c.execute(
        "DELETE FROM webhook_deliveries WHERE webhook_id = $1",
        &[&webhook],
    )?;
    Ok(())
}

pub(crate) fn to_send(
    c: &mut impl GenericClient,
    message: &str,
) -> Result<Option<(Delivery, Webhook)>> {
    let Some(delivery) = find(c, message)? else {
        return Ok(None);
    };
    match load_webhook(c, delivery.webhook_id.as_str()) {
        Ok(webhook) => Ok(Some((delivery, webhook))),
        Err(StoreError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

pub(crate) fn record_attempt(
    c: &mut impl GenericClient,
    job: &Job,
    record: &AttemptRecord,
    now: Millis,
) -> Result<bool> {
    if !settle(c, job, &record.outcome, now)? {
        return Ok(false);
    }
    let a = &record.attempt;
    c.execute(
        "INSERT INTO webhook_attempts (delivery_id, attempted_at, status, latency_ms, response, error)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            &record.delivery.as_str(),
            &a.attempted_at,
            &a.status.map(i32::from),
            &a.latency_ms,
            &a.response,
            &a.error,
        ],
    )?;
    let (state, next) = match &record.outcome {
        JobOutcome::Done => ("succeeded", None),
        JobOutcome::Retry { at, .. } => ("pending", Some(*at)),
        JobOutcome::Failed { .. } => ("failed", None),
    };
    c.execute(
        "UPDATE webhook_deliveries SET state = $2, next_attempt_at = $3, attempts = attempts + 1,
             updated_at = $4 WHERE id = $1",
        &[&record.delivery.as_str(), &state, &next, &now],
    )?;
    if let Some(reason) = &record.disable {
        c.execute(
            "UPDATE webhooks SET enabled = FALSE, disabled_reason = $2, updated_at = $3
             WHERE id = (SELECT webhook_id FROM webhook_deliveries WHERE id = $1)",
            &[&record.delivery.as_str(), reason, &now],
        )?;
    }
    Ok(true)
}
