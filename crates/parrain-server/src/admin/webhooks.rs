//! `/admin/webhooks`: the endpoints that receive activities, added and
//! removed by hand, each with its latest deliveries (state, attempts, the
//! last response code, the next retry).
//!
//! A new endpoint passes the same checks as `POST /v1/webhooks` (known
//! activity types, an http(s) URL that is not private unless allowed).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use minijinja::context;
use parrain_core::activity::ActivityType;
use parrain_core::ids::{OfferId, WebhookId};
use parrain_store::{Audit, AuditEntry, Delivery, NewWebhook, PageRequest, Webhook};
use serde::Serialize;

use super::activities::when;
use super::render;
use super::session::{NoFields, Operator, OwnerForm};
use super::PageError;
use crate::error::ApiError;
use crate::outbound::signature;
use crate::routes::webhooks::{check_url, parse_events};
use crate::AppState;

pub const TEMPLATES: [(&str, &str); 1] = [(
    "webhooks.html",
    include_str!("../../templates/admin/webhooks.html"),
)];

/// Deliveries shown under each endpoint.
const RECENT: u32 = 10;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/webhooks", get(list).post(create))
        .route("/admin/webhooks/{id}/delete", post(delete))
}

#[derive(Serialize)]
struct DeliveryRow {
    id: String,
    event_type: String,
    state: &'static str,
    attempts: usize,
    /// The last attempt's HTTP status, if a response came.
    response: Option<u16>,
    error: Option<String>,
    next_retry: Option<String>,
    created: String,
}

impl From<Delivery> for DeliveryRow {
    fn from(d: Delivery) -> Self {
        let last = d.attempts.last();
        Self {
            id: d.id.to_string(),
            state: match d.state {
                parrain_store::DeliveryState::Pending => "pending",
                parrain_store::DeliveryState::Succeeded => "succeeded",
                parrain_store::DeliveryState::Failed => "failed",
            },
            response: last.and_then(|a| a.status),
            error: last.and_then(|a| a.error.clone()),
            attempts: d.attempts.len(),
            next_retry: d.next_attempt_at.map(when),
            event_type: d.event_type,
            created: when(d.created_at),
        }
    }
}

#[derive(Serialize)]
struct EndpointRow {
    id: String,
    url: String,
    description: Option<String>,
    events: Vec<&'static str>,
    offer_id: Option<String>,
    enabled: bool,
    disabled_reason: Option<String>,
    created: String,
    deliveries: Vec<DeliveryRow>,
}

/// What the add form held, to show it again beside an error.
#[derive(Debug, Default, Serialize)]
struct Entered {
    url: String,
    description: String,
    offer_id: String,
    events: Vec<String>,
}

/// An endpoint just added, with its signing secret.
#[derive(Serialize)]
struct Added {
    url: String,
    secret: String,
}

#[derive(Serialize)]
struct OfferChoice {
    id: String,
    name: String,
}

async fn draw(
    state: &AppState,
    operator: Operator,
    entered: Entered,
    added: Option<Added>,
    error: Option<String>,
) -> Response {
    let all = PageRequest {
        cursor: None,
        limit: 100,
    };
    let webhooks = match state.store.list_webhooks(all).await {
        Ok(list) => list.items,
        Err(e) => return PageError::from(e).into_response(),
    };
    let mut endpoints = Vec::with_capacity(webhooks.len());
    for w in webhooks {
        let recent = PageRequest {
            cursor: None,
            limit: RECENT,
        };
        let deliveries = match state.store.list_deliveries(&w.id, recent).await {
            Ok(list) => list.items.into_iter().map(DeliveryRow::from).collect(),
            Err(e) => return PageError::from(e).into_response(),
        };
        endpoints.push(endpoint_row(w, deliveries));
    }
    let offers = PageRequest {
        cursor: None,
        limit: 500,
    };
    let offers: Vec<OfferChoice> = match state.store.list_offers(None, offers).await {
        Ok(list) => list
            .items
            .iter()
            .map(|o| OfferChoice {
                id: o.id.to_string(),
                name: o.editable().name.clone(),
            })
            .collect(),
        Err(e) => return PageError::from(e).into_response(),
    };
    let types: Vec<&str> = ActivityType::ALL.iter().map(|t| t.as_str()).collect();
    render(
        "webhooks.html",
        context! {
            title => "Webhooks",
            may => operator.rights(),
            operator => operator.0.email,
            csrf => operator.0.csrf_token,
            endpoints,
            offers,
            types,
            entered,
            added,
            error,
        },
    )
}

fn endpoint_row(w: Webhook, deliveries: Vec<DeliveryRow>) -> EndpointRow {
    EndpointRow {
        id: w.id.to_string(),
        url: w.url,
        description: w.description,
        events: w.events.iter().map(|e| e.as_str()).collect(),
        offer_id: w.offer_id.map(|o| o.to_string()),
        enabled: w.enabled,
        disabled_reason: w.disabled_reason,
        created: when(w.created_at),
        deliveries,
    }
}

async fn list(State(state): State<AppState>, operator: Operator) -> Response {
    draw(&state, operator, Entered::default(), None, None).await
}

/// The add form: `events` repeats, one per ticked type.
async fn create(
    State(state): State<AppState>,
    OwnerForm(operator, pairs): OwnerForm<Vec<(String, String)>>,
) -> Response {
    let mut entered = Entered::default();
    for (k, v) in pairs {
        match &*k {
            "url" => entered.url = v.trim().to_owned(),
            "description" => entered.description = v.trim().to_owned(),
            "offer_id" => entered.offer_id = v,
            "events" => entered.events.push(v),
            _ => {}
        }
    }
    let checked = async {
        let events = parse_events(&entered.events)?;
        check_url(&state, &entered.url).await?;
        let offer_id = match entered.offer_id.as_str() {
            "" => None,
            raw => Some(
                OfferId::parse(raw)
                    .map_err(|_| ApiError::bad_field("offer_id", "that offer does not exist"))?,
            ),
        };
        Ok::<_, ApiError>((events, offer_id))
    }
    .await;
    let (events, offer_id) = match checked {
        Ok(ok) => ok,
        Err(e) => return draw(&state, operator, entered, None, Some(e.message())).await,
    };
    let new = NewWebhook {
        url: entered.url.clone(),
        description: Some(entered.description.clone()).filter(|d| !d.is_empty()),
        events,
        offer_id,
        secret: signature::new_secret(),
    };
    let entry = super::audit::entry(&state, operator.email(), "webhook.create", "", "");
    let audit = Audit::of(move |webhook: &Webhook| {
        let (target, detail) = (webhook.id.to_string(), webhook.url.clone());
        Some(AuditEntry {
            target,
            detail,
            ..entry.clone()
        })
    });
    match state
        .store
        .create_webhook(new, state.clock.now(), audit)
        .await
    {
        Ok(webhook) => {
            let added = Added {
                url: webhook.url,
                secret: webhook.secret,
            };
            draw(&state, operator, Entered::default(), Some(added), None).await
        }
        Err(e) => {
            let message = ApiError::from(e).message();
            draw(&state, operator, entered, None, Some(message)).await
        }
    }
}

async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OwnerForm(operator, NoFields {}): OwnerForm<NoFields>,
) -> Response {
    let Ok(id) = WebhookId::parse(&id) else {
        return PageError::not_found("webhook").into_response();
    };
    let audit = super::audit::by(&state, &operator, "webhook.delete", id.as_str(), "");
    match state.store.delete_webhook(&id, audit).await {
        Ok(()) => Redirect::to("/admin/webhooks").into_response(),
        Err(e) => PageError::from(e).into_response(),
    }
}
