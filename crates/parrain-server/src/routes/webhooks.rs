//! Triggers (SPEC §5.5): webhook endpoints, their secrets, and the delivery
//! log with replay. An endpoint listens for activity types, optionally of
//! one offer; every matching activity becomes a signed delivery.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use parrain_core::activity::ActivityType;
use parrain_core::ids::{MessageId, OfferId, WebhookId};
use parrain_store::{Audit, AuditEntry, NewWebhook, Webhook, WebhookPatch};
use serde::{Deserialize, Deserializer};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::path_id;
use crate::auth::SecretKey;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery};
use crate::outbound::{net, signature};
use crate::views::{DeliveryOut, List, WebhookOut, WebhookSecretOut};
use crate::AppState;

/// How long a rotated-out secret still signs, so receivers can switch over.
pub(crate) const ROTATION_GRACE_MS: i64 = 24 * 60 * 60 * 1000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_webhook, list_webhooks))
        .routes(routes!(get_webhook, update_webhook, delete_webhook))
        .routes(routes!(get_secret))
        .routes(routes!(rotate_secret))
        .routes(routes!(list_deliveries))
        .routes(routes!(get_delivery))
        .routes(routes!(replay_delivery))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct WebhookIn {
    /// Where deliveries are POSTed (http or https).
    url: String,
    /// Activity types to deliver, e.g. `["offer_fulfilled"]`.
    events: Vec<String>,
    /// Only this offer's activities, when set.
    #[schema(value_type = Option<String>)]
    offer_id: Option<OfferId>,
    description: Option<String>,
}

fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct WebhookPatchIn {
    url: Option<String>,
    events: Option<Vec<String>>,
    /// `null` makes the endpoint listen to every offer.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    offer_id: Option<Option<OfferId>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    description: Option<Option<String>>,
    /// Turns deliveries on or off (an endpoint disabled after 410 Gone is re-enabled here).
    enabled: Option<bool>,
}

pub(crate) fn parse_events(events: &[String]) -> ApiResult<Vec<ActivityType>> {
    if events.is_empty() {
        return Err(ApiError::bad_field(
            "events",
            "events must name at least one activity type",
        ));
    }
    let mut out = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let t = ActivityType::parse(e).ok_or_else(|| {
            let known: Vec<_> = ActivityType::ALL.iter().map(|t| t.as_str()).collect();
            ApiError::bad_field(
                format!("events[{i}]"),
                format!(
                    "events[{i}]: unknown activity type `{e}`; known: {}",
                    known.join(", ")
                ),
            )
        })?;
        if !out.contains(&t) {
            out.push(t);
        }
    }
    Ok(out)
}

pub(crate) async fn check_url(state: &AppState, url: &str) -> ApiResult<()> {
    net::check_webhook_url(url, state.config.allow_private_webhooks)
        .await
        .map_err(|message| ApiError::bad_field("url", message))
}

/// Creates an endpoint; the answer holds its `whsec_` signing secret.
#[utoipa::path(post, path = "/v1/webhooks", tag = "webhooks",
    request_body(content = WebhookIn, example = json!({
        "url": "https://hooks.example.com/parrain",
        "events": ["signs_up_for_referral_offer", "offer_fulfilled"]
    })),
    responses((status = 201, body = WebhookSecretOut), (status = 400)))]
async fn create_webhook(
    State(state): State<AppState>,
    key: SecretKey,
    ApiJson(body): ApiJson<WebhookIn>,
) -> ApiResult<(StatusCode, Json<WebhookSecretOut>)> {
    let events = parse_events(&body.events)?;
    check_url(&state, &body.url).await?;
    let now = state.clock.now();
    let entry = key.entry(now, "webhook.create", "", "");
    let audit = Audit::of(move |webhook: &Webhook| {
        let (target, detail) = (webhook.id.to_string(), webhook.url.clone());
        Some(AuditEntry {
            target,
            detail,
            ..entry.clone()
        })
    });
    let webhook = state
        .store
        .create_webhook(
            NewWebhook {
                url: body.url,
                description: body.description,
                events,
                offer_id: body.offer_id,
                secret: signature::new_secret(),
            },
            now,
            audit,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(WebhookSecretOut::from(webhook))))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct PageQuery {
    cursor: Option<String>,
    /// Items per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u32>,
}

/// The endpoints, newest first.
#[utoipa::path(get, path = "/v1/webhooks", tag = "webhooks", params(PageQuery),
    responses((status = 200, body = List<WebhookOut>)))]
async fn list_webhooks(
    State(state): State<AppState>,
    _: SecretKey,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<List<WebhookOut>>> {
    let page = super::page_request(q.cursor, q.limit)?;
    let list = state.store.list_webhooks(page).await?;
    Ok(Json(List::of(list, WebhookOut::from)))
}

#[utoipa::path(get, path = "/v1/webhooks/{id}", tag = "webhooks",
    responses((status = 200, body = WebhookOut), (status = 404)))]
async fn get_webhook(
    State(state): State<AppState>,
    _: SecretKey,
    Path(id): Path<String>,
) -> ApiResult<Json<WebhookOut>> {
    let id = path_id!(WebhookId, id, "webhook");
    Ok(Json(state.store.webhook(&id).await?.into()))
}

/// Changes an endpoint: URL, events, offer, description, enabled.
#[utoipa::path(patch, path = "/v1/webhooks/{id}", tag = "webhooks", request_body = WebhookPatchIn,
    responses((status = 200, body = WebhookOut), (status = 400), (status = 404)))]
async fn update_webhook(
    State(state): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<WebhookPatchIn>,
) -> ApiResult<Json<WebhookOut>> {
    let id = path_id!(WebhookId, id, "webhook");
    let events = body.events.as_deref().map(parse_events).transpose()?;
    if let Some(url) = &body.url {
        check_url(&state, url).await?;
    }
    let patch = WebhookPatch {
        url: body.url,
        description: body.description,
        events,
        offer_id: body.offer_id,
        enabled: body.enabled,
    };
    let now = state.clock.now();
    let detail = patch.url.clone().unwrap_or_default();
    let audit = key.audit(now, "webhook.edit", id.as_str(), &detail);
    let webhook = state.store.update_webhook(&id, patch, now, audit).await?;
    Ok(Json(webhook.into()))
}

/// Deletes an endpoint and its delivery log.
#[utoipa::path(delete, path = "/v1/webhooks/{id}", tag = "webhooks",
    responses((status = 204), (status = 404)))]
async fn delete_webhook(
    State(state): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = path_id!(WebhookId, id, "webhook");
    let audit = key.audit(state.clock.now(), "webhook.delete", id.as_str(), "");
    state.store.delete_webhook(&id, audit).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The endpoint's current signing secret.
#[utoipa::path(get, path = "/v1/webhooks/{id}/secret", tag = "webhooks",
    responses((status = 200, body = WebhookSecretOut), (status = 404)))]
async fn get_secret(
    State(state): State<AppState>,
    _: SecretKey,
    Path(id): Path<String>,
) -> ApiResult<Json<WebhookSecretOut>> {
    let id = path_id!(WebhookId, id, "webhook");
    Ok(Json(state.store.webhook(&id).await?.into()))
}

/// A new secret. For 24 hours deliveries carry signatures with both the new
/// and the old secret, so receivers can switch without missing any.
#[utoipa::path(post, path = "/v1/webhooks/{id}/rotate-secret", tag = "webhooks",
    responses((status = 200, body = WebhookSecretOut), (status = 404)))]
async fn rotate_secret(
    State(state): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
) -> ApiResult<Json<WebhookSecretOut>> {
    let id = path_id!(WebhookId, id, "webhook");
    let now = state.clock.now();
    let detail = "the old secret signs too for 24 hours";
    let audit = key.audit(now, "webhook.rotate", id.as_str(), detail);
    let webhook = state
        .store
        .rotate_secret(
            &id,
            signature::new_secret(),
            now + ROTATION_GRACE_MS,
            now,
            audit,
        )
        .await?;
    Ok(Json(webhook.into()))
}

/// The endpoint's deliveries, newest first, each with every attempt.
#[utoipa::path(get, path = "/v1/webhooks/{id}/deliveries", tag = "webhooks", params(PageQuery),
    responses((status = 200, body = List<DeliveryOut>), (status = 404)))]
async fn list_deliveries(
    State(state): State<AppState>,
    _: SecretKey,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<List<DeliveryOut>>> {
    let id = path_id!(WebhookId, id, "webhook");
    let page = super::page_request(q.cursor, q.limit)?;
    let list = state.store.list_deliveries(&id, page).await?;
    let public_url = &state.config.public_url;
    Ok(Json(List::of(list, |d| {
        DeliveryOut::sent_from(d, public_url)
    })))
}

#[utoipa::path(get, path = "/v1/webhooks/{id}/deliveries/{delivery_id}", tag = "webhooks",
    responses((status = 200, body = DeliveryOut), (status = 404)))]
async fn get_delivery(
    State(state): State<AppState>,
    _: SecretKey,
    Path((id, message)): Path<(String, String)>,
) -> ApiResult<Json<DeliveryOut>> {
    let id = path_id!(WebhookId, id, "webhook");
    let message = path_id!(MessageId, message, "delivery");
    let delivery = state.store.delivery(&id, &message).await?;
    Ok(Json(DeliveryOut::sent_from(
        delivery,
        &state.config.public_url,
    )))
}

/// Sends a finished delivery again: same `webhook-id` and body, new attempts.
#[utoipa::path(post, path = "/v1/webhooks/{id}/deliveries/{delivery_id}/replay", tag = "webhooks",
    responses((status = 202, body = DeliveryOut), (status = 404), (status = 409)))]
async fn replay_delivery(
    State(state): State<AppState>,
    key: SecretKey,
    Path((id, message)): Path<(String, String)>,
) -> ApiResult<(StatusCode, Json<DeliveryOut>)> {
    let id = path_id!(WebhookId, id, "webhook");
    let message = path_id!(MessageId, message, "delivery");
    let now = state.clock.now();
    let audit = key.audit(now, "webhook.replay", id.as_str(), message.as_str());
    let delivery = state
        .store
        .replay_delivery(&id, &message, now, audit)
        .await?;
    let delivery = DeliveryOut::sent_from(delivery, &state.config.public_url);
    Ok((StatusCode::ACCEPTED, Json(delivery)))
}
