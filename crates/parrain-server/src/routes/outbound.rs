//! The delivery queue as `/healthz` reports it: how much mail waits (all of
//! it, while no SMTP server is configured) and how many webhooks.

use parrain_store::QueueCounts;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct OutboundHealth {
    pub email: EmailHealth,
    pub webhooks: QueueHealth,
}

#[derive(Serialize, ToSchema)]
pub struct EmailHealth {
    /// Whether an SMTP server is set (`--smtp-url`); without one, mail waits.
    pub smtp_configured: bool,
    /// Emails queued and not yet sent.
    pub waiting: i64,
    /// Emails given up on (the server refused them for good).
    pub failed: i64,
}

#[derive(Serialize, ToSchema)]
pub struct QueueHealth {
    pub waiting: i64,
    pub failed: i64,
}

pub async fn outbound_health(state: &AppState) -> ApiResult<OutboundHealth> {
    let email: QueueCounts = state
        .store
        .queue_counts(parrain_store::JobKind::Email)
        .await?;
    let hooks = state
        .store
        .queue_counts(parrain_store::JobKind::Webhook)
        .await?;
    Ok(OutboundHealth {
        email: EmailHealth {
            smtp_configured: state.config.outbound.smtp_url.is_some(),
            waiting: email.waiting,
            failed: email.failed,
        },
        webhooks: QueueHealth {
            waiting: hooks.waiting,
            failed: hooks.failed,
        },
    })
}
