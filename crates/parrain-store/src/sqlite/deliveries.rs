//! Webhook deliveries and their attempts: the per-endpoint delivery log.

use parrain_core::ids::{ActivityId, MessageId, WebhookId};
use parrain_core::Millis;
use r2d2_sqlite::rusqlite::{params, Connection, OptionalExtension, Row};

use super::jobs::settle;
use super::ledger::enqueue;
use super::page_of;
use super::webhooks::load as load_webhook;
use crate::JobPayload;
use crate::{
    Attempt, AttemptRecord, Delivery, DeliveryState, Job, JobOutcome, Page, Result, StoreError,
    Webhook,
};

const SELECT: &str = "SELECT id, webhook_id, activity_id, event_type, payload, state,
        next_attempt_at, created_at, seq FROM webhook_deliveries";

fn delivery_row(r: &Row<'_>) -> r2d2_sqlite::rusqlite::Result<(i64, Delivery)> {
    let state: String = r.get(5)?;
    Ok((
        r.get(8)?,
        Delivery {
            id: MessageId::from_trusted(r.get(0)?),
            webhook_id: WebhookId::from_trusted(r.get(1)?),
            activity_id: ActivityId::from_trusted(r.get(2)?),
            event_type: r.get(3)?,
            payload: r.get(4)?,
            state: match state.as_str() {
                "succeeded" => DeliveryState::Succeeded,
                "failed" => DeliveryState::Failed,
                _ => DeliveryState::Pending,
            },
            next_attempt_at: r.get(6)?,
            created_at: r.get(7)?,
            attempts: Vec::new(),
        },
    ))
}

fn attempts_of(conn: &Connection, message: &str) -> Result<Vec<Attempt>> {
    Ok(conn
        .prepare_cached(
            "SELECT attempted_at, status, latency_ms, response, error FROM webhook_attempts
             WHERE delivery_id = ?1 ORDER BY seq",
        )?
        .query_map([message], |r| {
            Ok(Attempt {
                attempted_at: r.get(0)?,
                status: r.get(1)?,
                latency_ms: r.get(2)?,
                response: r.get(3)?,
                error: r.get(4)?,
            })
        })?
        .collect::<Result<_, _>>()?)
}

fn with_attempts(conn: &Connection, mut delivery: Delivery) -> Result<Delivery> {
    delivery.attempts = attempts_of(conn, delivery.id.as_str())?;
    Ok(delivery)
}

pub(crate) fn list(
    conn: &Connection,
    webhook: &str,
    before: i64,
    limit: u32,
) -> Result<Page<Delivery>> {
    let rows = conn
        .prepare_cached(&format!(
            "{SELECT} WHERE webhook_id = ?1 AND seq < ?2 ORDER BY seq DESC LIMIT ?3"
        ))?
        .query_map(params![webhook, before, limit + 1], delivery_row)?
        .collect::<Result<Vec<_>, _>>()?;
    let mut page = page_of(rows, limit);
    page.items = page
        .items
        .into_iter()
        .map(|d| with_attempts(conn, d))
        .collect::<Result<_>>()?;
    Ok(page)
}

fn find(conn: &Connection, message: &str) -> Result<Option<Delivery>> {
    let found = conn
        .prepare_cached(&format!("{SELECT} WHERE id = ?1"))?
        .query_row([message], delivery_row)
        .optional()?;
    found.map(|(_, d)| with_attempts(conn, d)).transpose()
}

pub(crate) fn load(conn: &Connection, webhook: &str, message: &str) -> Result<Delivery> {
    load_webhook(conn, webhook)?;
    find(conn, message)?
        .filter(|d| d.webhook_id.as_str() == webhook)
        .ok_or(StoreError::not_found("delivery"))
}

pub(crate) fn replay(
    conn: &Connection,
    webhook: &str,
    message: &str,
    now: Millis,
) -> Result<Delivery> {
    let delivery = load(conn, webhook, message)?;
    if delivery.state == DeliveryState::Pending {
        return Err(StoreError::conflict(
            "delivery_pending",
            "the delivery is still being attempted; replay it once it has succeeded or failed",
        ));
    }
    conn.prepare_cached(
        "UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = ?2, updated_at = ?2
         WHERE id = ?1",
    )?
    .execute(params![message, now])?;
    let job = JobPayload::delivery(message, true);
    enqueue(conn, job.kind().as_str(), job.to_json(), now)?;
    load(conn, webhook, message)
}

pub(crate) fn drop_pending(conn: &Connection, webhook: &str) -> Result<()> {
    conn.execute(
        "DELETE FROM webhook_attempts WHERE delivery_id IN
             (SELECT id FROM webhook_deliveries WHERE webhook_id = ?1)",
        [webhook],
    )?;
    conn.execute(
        "DELETE FROM webhook_deliveries WHERE webhook_id = ?1",
        [webhook],
    )?;
    Ok(())
}

pub(crate) fn to_send(conn: &Connection, message: &str) -> Result<Option<(Delivery, Webhook)>> {
    let Some(delivery) = find(conn, message)? else {
        return Ok(None);
    };
    match load_webhook(conn, delivery.webhook_id.as_str()) {
        Ok(webhook) => Ok(Some((delivery, webhook))),
        Err(StoreError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

pub(crate) fn record_attempt(
    conn: &Connection,
    job: &Job,
    record: AttemptRecord,
    now: Millis,
) -> Result<bool> {
    if !settle(conn, job, &record.outcome, now)? {
        return Ok(false);
    }
    let a = &record.attempt;
    conn.prepare_cached(
        "INSERT INTO webhook_attempts (delivery_id, attempted_at, status, latency_ms, response, error)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![record.delivery.as_str(), a.attempted_at, a.status, a.latency_ms, a.response, a.error])?;
    let (state, next) = match &record.outcome {
        JobOutcome::Done => ("succeeded", None),
        JobOutcome::Retry { at, .. } => ("pending", Some(*at)),
        JobOutcome::Failed { .. } => ("failed", None),
    };
    conn.prepare_cached(
        "UPDATE webhook_deliveries SET state = ?2, next_attempt_at = ?3, attempts = attempts + 1,
             updated_at = ?4 WHERE id = ?1",
    )?
    .execute(params![record.delivery.as_str(), state, next, now])?;
    if let Some(reason) = &record.disable {
        super::cache::forget_webhooks();
        conn.prepare_cached(
            "UPDATE webhooks SET enabled = 0, disabled_reason = ?2, updated_at = ?3
             WHERE id = (SELECT webhook_id FROM webhook_deliveries WHERE id = ?1)",
        )?
        .execute(params![record.delivery.as_str(), reason, now])?;
    }
    Ok(true)
}
