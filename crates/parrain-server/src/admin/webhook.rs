//! `/admin/webhooks/{id}`: one endpoint. Its settings edited (URL, events,
//! offer, description, on or off) with the checks of `PATCH
//! /v1/webhooks/{id}`, its deliveries (the newest 50) with every attempt,
//! a finished delivery replayed, and the signing secret rotated (the old
//! one signs too for 24 hours; the new one is shown once). Owners only
//! change anything, and each change is in the audit log.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use minijinja::context;
use parrain_core::activity::ActivityType;
use parrain_core::ids::{MessageId, OfferId, WebhookId};
use parrain_store::{Delivery, DeliveryState, PageRequest, StoreError, WebhookPatch};
use serde::Serialize;

use super::activities::when;
use super::audit;
use super::render;
use super::session::{NoFields, Operator, OwnerForm};
use super::PageError;
use crate::error::ApiError;
use crate::outbound::signature;
use crate::routes::webhooks::{check_url, parse_events, ROTATION_GRACE_MS};
use crate::AppState;

pub const TEMPLATES: [(&str, &str); 1] = [(
    "webhook.html",
    include_str!("../../templates/admin/webhook.html"),
)];

/// Deliveries shown.
const SHOWN: u32 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/webhooks/{id}", get(page).post(save))
        .route("/admin/webhooks/{id}/rotate", post(rotate))
        .route(
            "/admin/webhooks/{id}/deliveries/{delivery}/replay",
            post(replay),
        )
}

#[derive(Serialize)]
struct AttemptRow {
    when: String,
    status: Option<u16>,
    latency_ms: i64,
    response: Option<String>,
    error: Option<String>,
}

#[derive(Serialize)]
struct DeliveryRow {
    id: String,
    event_type: String,
    state: &'static str,
    created: String,
    next_retry: Option<String>,
    attempts: Vec<AttemptRow>,
    can_replay: bool,
}

fn row(d: Delivery) -> DeliveryRow {
    DeliveryRow {
        id: d.id.to_string(),
        state: match d.state {
            DeliveryState::Pending => "pending",
            DeliveryState::Succeeded => "succeeded",
            DeliveryState::Failed => "failed",
        },
        can_replay: d.state != DeliveryState::Pending,
        event_type: d.event_type,
        created: when(d.created_at),
        next_retry: d.next_attempt_at.map(when),
        attempts: (d.attempts.into_iter())
            .map(|a| AttemptRow {
                when: when(a.attempted_at),
                status: a.status,
                latency_ms: a.latency_ms,
                response: a.response,
                error: a.error,
            })
            .collect(),
    }
}

#[derive(Serialize)]
struct OfferChoice {
    id: String,
    name: String,
}

/// What the edit form shows: the endpoint, or what was posted beside an error.
#[derive(Serialize, Default)]
struct Form {
    url: String,
    description: String,
    offer_id: String,
    events: Vec<String>,
    enabled: bool,
}

struct Shown {
    form: Option<Form>,
    error: Option<String>,
    secret: Option<String>,
    done: Option<&'static str>,
    status: StatusCode,
}

async fn draw(state: &AppState, operator: &Operator, id: &WebhookId, shown: Shown) -> Response {
    let webhook = match state.store.webhook(id).await {
        Ok(w) => w,
        Err(e) => return PageError::from(e).into_response(),
    };
    let recent = PageRequest {
        cursor: None,
        limit: SHOWN,
    };
    let deliveries: Vec<DeliveryRow> = match state.store.list_deliveries(id, recent).await {
        Ok(list) => list.items.into_iter().map(row).collect(),
        Err(e) => return PageError::from(e).into_response(),
    };
    let all = PageRequest {
        cursor: None,
        limit: 500,
    };
    let offers: Vec<OfferChoice> = match state.store.list_offers(None, all).await {
        Ok(list) => (list.items.iter())
            .map(|o| OfferChoice {
                id: o.id.to_string(),
                name: o.editable().name.clone(),
            })
            .collect(),
        Err(e) => return PageError::from(e).into_response(),
    };
    let form = shown.form.unwrap_or_else(|| Form {
        url: webhook.url.clone(),
        description: webhook.description.clone().unwrap_or_default(),
        offer_id: webhook
            .offer_id
            .as_ref()
            .map(|o| o.to_string())
            .unwrap_or_default(),
        events: webhook
            .events
            .iter()
            .map(|e| e.as_str().to_owned())
            .collect(),
        enabled: webhook.enabled,
    });
    let types: Vec<&str> = ActivityType::ALL.iter().map(|t| t.as_str()).collect();
    let page = render(
        "webhook.html",
        context! {
            title => "Webhook endpoint",
            may => operator.rights(),
            operator => operator.email(),
            csrf => operator.0.csrf_token,
            id => webhook.id.to_string(),
            url => webhook.url,
            disabled_reason => webhook.disabled_reason,
            rotating_until => webhook.previous_until.map(when),
            form,
            offers,
            types,
            deliveries,
            error => shown.error,
            secret => shown.secret,
            done => shown.done,
        },
    );
    let mut response = (shown.status, page).into_response();
    if shown.secret.is_some() {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
    }
    response
}

fn plain(done: Option<&'static str>) -> Shown {
    Shown {
        form: None,
        error: None,
        secret: None,
        done,
        status: StatusCode::OK,
    }
}

fn parse(id: &str) -> Option<WebhookId> {
    WebhookId::parse(id).ok()
}

#[derive(serde::Deserialize, Default)]
struct DoneQuery {
    done: Option<String>,
}

async fn page(
    State(state): State<AppState>,
    operator: Operator,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<DoneQuery>,
) -> Response {
    let Some(id) = parse(&id) else {
        return PageError::not_found("webhook").into_response();
    };
    let done = match q.done.as_deref() {
        Some("saved") => Some("Saved."),
        Some("replayed") => Some("Queued again: the next attempt is on its way."),
        _ => None,
    };
    draw(&state, &operator, &id, plain(done)).await
}

async fn save(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OwnerForm(operator, pairs): OwnerForm<Vec<(String, String)>>,
) -> Response {
    let Some(id) = parse(&id) else {
        return PageError::not_found("webhook").into_response();
    };
    let mut form = Form::default();
    for (k, v) in pairs {
        match &*k {
            "url" => form.url = v.trim().to_owned(),
            "description" => form.description = v.trim().to_owned(),
            "offer_id" => form.offer_id = v,
            "events" => form.events.push(v),
            "enabled" => form.enabled = v == "on",
            _ => {}
        }
    }
    let checked = async {
        let events = parse_events(&form.events)?;
        check_url(&state, &form.url).await?;
        let offer_id = match form.offer_id.as_str() {
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
        Err(e) => {
            let shown = Shown {
                error: Some(e.message()),
                form: Some(form),
                status: StatusCode::UNPROCESSABLE_ENTITY,
                ..plain(None)
            };
            return draw(&state, &operator, &id, shown).await;
        }
    };
    let detail = format!(
        "{} · {}",
        form.url,
        events
            .iter()
            .map(|e| e.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let patch = WebhookPatch {
        url: Some(form.url.clone()),
        description: Some(Some(form.description.clone()).filter(|d| !d.is_empty())),
        events: Some(events),
        offer_id: Some(offer_id),
        enabled: Some(form.enabled),
    };
    let audit = audit::by(&state, &operator, "webhook.edit", id.as_str(), &detail);
    match state
        .store
        .update_webhook(&id, patch, state.clock.now(), audit)
        .await
    {
        Ok(_) => Redirect::to(&format!("/admin/webhooks/{id}?done=saved")).into_response(),
        Err(StoreError::Invalid(problems)) => {
            let message = problems.into_iter().map(|p| p.message).collect::<Vec<_>>();
            let shown = Shown {
                error: Some(message.join("; ")),
                form: Some(form),
                status: StatusCode::UNPROCESSABLE_ENTITY,
                ..plain(None)
            };
            draw(&state, &operator, &id, shown).await
        }
        Err(e) => PageError::from(e).into_response(),
    }
}

async fn rotate(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OwnerForm(operator, NoFields {}): OwnerForm<NoFields>,
) -> Response {
    let Some(id) = parse(&id) else {
        return PageError::not_found("webhook").into_response();
    };
    let now = state.clock.now();
    let detail = "the old secret signs too for 24 hours";
    let audit = audit::by(&state, &operator, "webhook.rotate", id.as_str(), detail);
    let rotated = state
        .store
        .rotate_secret(
            &id,
            signature::new_secret(),
            now + ROTATION_GRACE_MS,
            now,
            audit,
        )
        .await;
    match rotated {
        Ok(webhook) => {
            let shown = Shown {
                secret: Some(webhook.secret),
                ..plain(None)
            };
            draw(&state, &operator, &id, shown).await
        }
        Err(e) => PageError::from(e).into_response(),
    }
}

async fn replay(
    State(state): State<AppState>,
    Path((id, delivery)): Path<(String, String)>,
    OwnerForm(operator, NoFields {}): OwnerForm<NoFields>,
) -> Response {
    let Some(id) = parse(&id) else {
        return PageError::not_found("webhook").into_response();
    };
    let Ok(message) = MessageId::parse(&delivery) else {
        return PageError::not_found("delivery").into_response();
    };
    let audit = audit::by(
        &state,
        &operator,
        "webhook.replay",
        id.as_str(),
        message.as_str(),
    );
    match state
        .store
        .replay_delivery(&id, &message, state.clock.now(), audit)
        .await
    {
        Ok(_) => Redirect::to(&format!("/admin/webhooks/{id}?done=replayed")).into_response(),
        Err(StoreError::Conflict { message, .. }) => {
            let shown = Shown {
                error: Some(message),
                status: StatusCode::CONFLICT,
                ..plain(None)
            };
            draw(&state, &operator, &id, shown).await
        }
        Err(e) => PageError::from(e).into_response(),
    }
}
