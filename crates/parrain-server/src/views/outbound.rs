//! What the API shows of webhook endpoints, deliveries and people.

use parrain_core::activity::ActivityType;
use parrain_store::{Attempt, Delivery, DeliveryState, Person, Webhook};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::ts;

#[derive(Serialize, ToSchema)]
pub struct WebhookOut {
    pub id: String,
    pub url: String,
    pub description: Option<String>,
    pub events: Vec<ActivityType>,
    pub offer_id: Option<String>,
    pub enabled: bool,
    /// Why deliveries stopped (e.g. the endpoint answered 410 Gone).
    pub disabled_reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<Webhook> for WebhookOut {
    fn from(w: Webhook) -> Self {
        Self {
            id: w.id.to_string(),
            url: w.url,
            description: w.description,
            events: w.events,
            offer_id: w.offer_id.map(|o| o.to_string()),
            enabled: w.enabled,
            disabled_reason: w.disabled_reason,
            created_at: ts(w.created_at),
            updated_at: ts(w.updated_at),
        }
    }
}

/// An endpoint with its signing secret (creation, rotation, `/secret`).
#[derive(Serialize, ToSchema)]
pub struct WebhookSecretOut {
    #[serde(flatten)]
    pub webhook: WebhookOut,
    /// `whsec_…`: verify deliveries with it (Standard Webhooks).
    pub secret: String,
}

impl From<Webhook> for WebhookSecretOut {
    fn from(w: Webhook) -> Self {
        let secret = w.secret.clone();
        Self {
            webhook: w.into(),
            secret,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AttemptOut {
    pub attempted_at: String,
    /// The HTTP status; null when no response came.
    pub status: Option<u16>,
    pub latency_ms: i64,
    /// The start of the response body.
    pub response: Option<String>,
    pub error: Option<String>,
}

impl From<Attempt> for AttemptOut {
    fn from(a: Attempt) -> Self {
        Self {
            attempted_at: ts(a.attempted_at),
            status: a.status,
            latency_ms: a.latency_ms,
            response: a.response,
            error: a.error,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DeliveryOut {
    /// The `webhook-id` header (`msg_…`); the same on every attempt and replay.
    pub id: String,
    pub webhook_id: String,
    pub activity_id: String,
    pub event_type: String,
    #[schema(value_type = String)]
    pub state: DeliveryState,
    pub next_attempt_at: Option<String>,
    pub created_at: String,
    /// The body sent.
    #[schema(value_type = Object)]
    pub payload: Value,
    pub attempts: Vec<AttemptOut>,
}

impl DeliveryOut {
    /// The delivery as sent from a server at `public_url` (which writes the
    /// participant's share URL into the body).
    pub fn sent_from(d: Delivery, public_url: &str) -> Self {
        let payload = parrain_store::share_url_into(&d.payload, public_url);
        Self {
            id: d.id.to_string(),
            webhook_id: d.webhook_id.to_string(),
            activity_id: d.activity_id.to_string(),
            event_type: d.event_type,
            state: d.state,
            next_attempt_at: d.next_attempt_at.map(ts),
            created_at: ts(d.created_at),
            payload: serde_json::from_str(&payload).unwrap_or(Value::Null),
            attempts: d.attempts.into_iter().map(AttemptOut::from).collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PersonOut {
    pub id: String,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub created_at: String,
}

impl From<Person> for PersonOut {
    fn from(p: Person) -> Self {
        Self {
            id: p.id.to_string(),
            email: p.email,
            first_name: p.first_name,
            last_name: p.last_name,
            created_at: ts(p.created_at),
        }
    }
}
