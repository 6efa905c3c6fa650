//! `/v1/offers`: settings, the draft/live lifecycle, promo codes, and the
//! public view a web page reads.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use parrain_core::ids::OfferId;
use parrain_core::offer::{valid_provider_id, OfferSettings, OfferStatus, Problem};
use parrain_store::{Audit, AuditEntry, Offer, PromoCounts};
use serde::Deserialize;
use serde_json::Value;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::path_id;
use crate::auth::{AnyKey, SecretKey};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery, Upload, MAX_SETTINGS_TEXT};
use crate::views::{List, OfferOut, PromoCountsOut, PublicOfferOut};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_offer, list_offers))
        .routes(routes!(get_offer, patch_offer, delete_offer))
        .routes(routes!(approve))
        .routes(routes!(unapprove))
        .routes(routes!(clone_offer))
        .routes(routes!(archive))
        .routes(routes!(put_promo_codes, get_promo_codes, patch_promo_codes))
}

/// What a web page may read with the publishable key.
pub fn public() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(public_offer))
}

/// Creates an offer as a draft.
#[utoipa::path(post, path = "/v1/offers", tag = "offers",
    request_body(content = OfferSettings, example = json!({
        "name": "Spring referral",
        "goal": {"type": "referred_signups", "count": 2},
        "offer_page_url": "https://shop.example.com/refer",
        "emails": {"fulfillment": {"subject": "Your reward", "text": "Thanks {{ first_name }}! Your code: {{ promo_code }}"}}
    })),
    responses((status = 201, body = OfferOut), (status = 400), (status = 422)))]
async fn create_offer(
    State(state): State<AppState>,
    key: SecretKey,
    ApiJson(settings): ApiJson<OfferSettings, MAX_SETTINGS_TEXT>,
) -> ApiResult<(StatusCode, Json<OfferOut>)> {
    unconfigured_providers(&state, &settings.social_sign_up)?;
    let now = state.clock.now();
    let (name, entry) = (
        settings.name.clone(),
        key.entry(now, "offer.create", "", ""),
    );
    let audit = Audit::of(move |offer: &Offer| {
        let (target, detail) = (offer.id.to_string(), name.clone());
        Some(AuditEntry {
            target,
            detail,
            ..entry.clone()
        })
    });
    let offer = state.store.create_offer(settings, now, audit).await?;
    Ok((StatusCode::CREATED, Json(OfferOut::new(offer, now))))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ListOffers {
    #[param(inline)]
    status: Option<OfferStatus>,
    cursor: Option<String>,
    /// Items per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u32>,
}

/// Lists offers, newest first.
#[utoipa::path(get, path = "/v1/offers", tag = "offers", params(ListOffers),
    responses((status = 200, body = List<OfferOut>)))]
async fn list_offers(
    State(state): State<AppState>,
    _: SecretKey,
    ApiQuery(q): ApiQuery<ListOffers>,
) -> ApiResult<Json<List<OfferOut>>> {
    let page = super::page_request(q.cursor, q.limit)?;
    let now = state.clock.now();
    let offers = state.store.list_offers(q.status, page).await?;
    Ok(Json(List::of(offers, |o| OfferOut::new(o, now))))
}

/// An offer with its live settings and its draft.
#[utoipa::path(get, path = "/v1/offers/{id}", tag = "offers",
    responses((status = 200, body = OfferOut), (status = 404)))]
async fn get_offer(
    State(state): State<AppState>,
    _: SecretKey,
    Path(id): Path<String>,
) -> ApiResult<Json<OfferOut>> {
    let id = path_id!(OfferId, id, "offer");
    let offer = state.store.offer(&id).await?;
    Ok(Json(OfferOut::new(offer, state.clock.now())))
}

/// Edits the draft with a JSON merge patch of the settings (`null` resets a
/// setting to its default). Live settings change only on approval.
#[utoipa::path(patch, path = "/v1/offers/{id}", tag = "offers", request_body = Object,
    responses((status = 200, body = OfferOut), (status = 400), (status = 404), (status = 409), (status = 422)))]
async fn patch_offer(
    State(state): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<Value, MAX_SETTINGS_TEXT>,
) -> ApiResult<Json<OfferOut>> {
    let id = path_id!(OfferId, id, "offer");
    if !patch.is_object() {
        return Err(ApiError::bad_field(
            "body",
            "the patch must be a JSON object of settings",
        ));
    }
    if let Some(Value::Array(ids)) = patch.get("social_sign_up") {
        let ids: Vec<String> = (ids.iter())
            .map(|v| v.as_str().unwrap_or_default().to_owned())
            .collect();
        unconfigured_providers(&state, &ids)?;
    }
    let now = state.clock.now();
    let offer = state
        .store
        .patch_draft(
            &id,
            patch,
            now,
            key.audit(now, "offer.edit", id.as_str(), ""),
        )
        .await
        .map_err(patch_error)?;
    Ok(Json(OfferOut::new(offer, now)))
}

/// Refuses provider ids that parrain's configuration does not name (the
/// shape of each id is the core's to check).
fn unconfigured_providers(state: &AppState, ids: &[String]) -> ApiResult<()> {
    let problems: Vec<Problem> = (ids.iter().enumerate())
        .filter(|(_, id)| valid_provider_id(id) && state.config.social.get(id).is_none())
        .map(|(i, id)| Problem {
            field: format!("social_sign_up[{i}]"),
            code: "unknown_provider".into(),
            message: format!(
                "social_sign_up[{i}]: no provider {id} is configured (social_providers)"
            ),
            approval_only: false,
        })
        .collect();
    if problems.is_empty() {
        return Ok(());
    }
    Err(parrain_store::StoreError::Invalid(problems).into())
}

/// A patch whose result does not read as settings is malformed (400), like a bad create body.
fn patch_error(e: parrain_store::StoreError) -> ApiError {
    match e {
        parrain_store::StoreError::Invalid(problems)
            if problems.len() == 1 && problems[0].field == "settings" =>
        {
            ApiError::BadRequest {
                code: "invalid_field",
                message: problems[0].message.clone(),
                field: None,
            }
        }
        other => other.into(),
    }
}

/// Deletes an offer that has no participants (archive the others).
#[utoipa::path(delete, path = "/v1/offers/{id}", tag = "offers",
    responses((status = 204), (status = 404), (status = 409)))]
async fn delete_offer(
    State(state): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = path_id!(OfferId, id, "offer");
    let audit = key.audit(state.clock.now(), "offer.delete", id.as_str(), "");
    state.store.delete_offer(&id, audit).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Validates the draft and makes it live; refuses with every problem (422).
#[utoipa::path(post, path = "/v1/offers/{id}/approve", tag = "offers", operation_id = "approve_offer",
    responses((status = 200, body = OfferOut), (status = 404), (status = 409), (status = 422)))]
async fn approve(
    State(state): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
) -> ApiResult<Json<OfferOut>> {
    let id = path_id!(OfferId, id, "offer");
    let now = state.clock.now();
    Ok(Json(OfferOut::new(
        (state.store)
            .approve(&id, now, key.audit(now, "offer.approve", id.as_str(), ""))
            .await?,
        now,
    )))
}

/// Takes a live offer offline. Share links keep redirecting but earn nothing.
#[utoipa::path(post, path = "/v1/offers/{id}/unapprove", tag = "offers", operation_id = "unapprove_offer",
    responses((status = 200, body = OfferOut), (status = 404), (status = 409)))]
async fn unapprove(
    State(state): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
) -> ApiResult<Json<OfferOut>> {
    let id = path_id!(OfferId, id, "offer");
    let now = state.clock.now();
    Ok(Json(OfferOut::new(
        (state.store)
            .unapprove(&id, now, key.audit(now, "offer.unapprove", id.as_str(), ""))
            .await?,
        now,
    )))
}

/// Copies the offer's settings into a new draft.
#[utoipa::path(post, path = "/v1/offers/{id}/clone", tag = "offers",
    responses((status = 201, body = OfferOut), (status = 404)))]
async fn clone_offer(
    State(state): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
) -> ApiResult<(StatusCode, Json<OfferOut>)> {
    let id = path_id!(OfferId, id, "offer");
    let now = state.clock.now();
    let entry = key.entry(now, "offer.clone", id.as_str(), "");
    let audit = Audit::of(move |copy: &Offer| {
        let detail = format!("copy {}", copy.id);
        Some(AuditEntry {
            detail,
            ..entry.clone()
        })
    });
    let offer = state.store.clone_offer(&id, now, audit).await?;
    Ok((StatusCode::CREATED, Json(OfferOut::new(offer, now))))
}

/// Makes the offer read-only history.
#[utoipa::path(post, path = "/v1/offers/{id}/archive", tag = "offers", operation_id = "archive_offer",
    responses((status = 200, body = OfferOut), (status = 404)))]
async fn archive(
    State(state): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
) -> ApiResult<Json<OfferOut>> {
    let id = path_id!(OfferId, id, "offer");
    let now = state.clock.now();
    Ok(Json(OfferOut::new(
        (state.store)
            .archive(&id, now, key.audit(now, "offer.archive", id.as_str(), ""))
            .await?,
        now,
    )))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct PoolQuery {
    /// The promo-code pool (SPEC §11): a reward's `promo_codes` names it;
    /// `default` (v1's single pool) when omitted.
    pool: Option<String>,
}

impl PoolQuery {
    fn pool(self) -> ApiResult<String> {
        let pool = self
            .pool
            .unwrap_or_else(|| parrain_core::reward::DEFAULT_POOL.to_owned());
        if !parrain_core::reward::valid_pool(&pool) {
            return Err(ApiError::bad_field(
                "pool",
                "pool names are 1 to 64 characters of a-z, 0-9, - and _",
            ));
        }
        Ok(pool)
    }
}

/// A promo-code upload: plain text (or a file), UTF-8, one code per line.
const PROMO_CODES: Upload = Upload {
    types: &["text/plain", "application/octet-stream"],
    wrong_type: "upload promo codes as text/plain (or a file, application/octet-stream), one per line",
    not_text: "the promo codes must be UTF-8 text, one per line",
    empty: "the upload has no promo code: send the codes as the body, one per line (an upload replaces the unused codes)",
};

/// Replaces a pool's unused promo codes with an upload: plain text, one code
/// per line, sent as `text/plain` or as a file (`application/octet-stream`).
/// Any bad line refuses the whole upload (422, with line numbers), as does a
/// code already in another pool of the offer; an upload without a code (no
/// body, or blank lines only) is refused (400) and the pool kept.
#[utoipa::path(put, path = "/v1/offers/{id}/promo-codes", tag = "offers", params(PoolQuery),
    request_body(description = "The codes, one per line (UTF-8)",
        content((String = "text/plain"), (String = "application/octet-stream"))),
    responses((status = 200, body = PromoCountsOut), (status = 400), (status = 404), (status = 422)))]
async fn put_promo_codes(
    State(state): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PoolQuery>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<PromoCountsOut>> {
    let id = path_id!(OfferId, id, "offer");
    let pool = q.pool()?;
    let body = PROMO_CODES.read(&headers, body)?;
    let now = state.clock.now();
    let entry = key.entry(now, "promo_codes.upload", id.as_str(), "");
    let audit = Audit::of(move |added: &PromoCounts| {
        let detail = format!("pool {}: {} codes available", added.pool, added.available);
        Some(AuditEntry {
            detail,
            ..entry.clone()
        })
    });
    Ok(Json(
        state
            .store
            .put_promo_codes(&id, pool, body, now, audit)
            .await?
            .into(),
    ))
}

/// A pool's settings: its low-stock warning (SPEC §15).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PromoPoolPatch {
    /// `promo_codes.low` is recorded once each time the pool's available
    /// codes fall below this count (1 to 1,000,000), and again only after
    /// an upload brings them back to or above it; `null` removes the warning.
    /// Required: send `null` to remove it.
    #[serde(deserialize_with = "Option::deserialize")]
    #[schema(required = true, minimum = 1, maximum = 1_000_000)]
    pub low_stock: Option<i64>,
}

/// Sets a pool's low-stock warning (`default`, v1's, unless `pool` names
/// another; a pool may have a threshold before its first upload). A
/// threshold above what is left records `promo_codes.low` at once.
#[utoipa::path(patch, path = "/v1/offers/{id}/promo-codes", tag = "offers", params(PoolQuery),
    operation_id = "patch_promo_pool",
    request_body(content = PromoPoolPatch, example = json!({"low_stock": 50})),
    responses((status = 200, body = PromoCountsOut), (status = 400), (status = 404), (status = 409)))]
async fn patch_promo_codes(
    State(state): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PoolQuery>,
    ApiJson(patch): ApiJson<PromoPoolPatch>,
) -> ApiResult<Json<PromoCountsOut>> {
    let id = path_id!(OfferId, id, "offer");
    let pool = q.pool()?;
    let low_stock = patch
        .low_stock
        .map(parrain_core::promo::check_low_stock)
        .transpose()
        .map_err(|message| ApiError::bad_field("low_stock", message))?;
    let now = state.clock.now();
    let entry = key.entry(now, "promo_codes.low_stock", id.as_str(), "");
    let audit = Audit::of(move |counts: &PromoCounts| {
        Some(AuditEntry {
            detail: low_stock_detail(counts),
            ..entry.clone()
        })
    });
    Ok(Json(
        state
            .store
            .set_low_stock(&id, pool, low_stock, now, audit)
            .await?
            .into(),
    ))
}

/// What the audit log says of a pool's new low-stock warning (the API's
/// and the offer page's alike).
pub(crate) fn low_stock_detail(counts: &PromoCounts) -> String {
    match counts.low_stock {
        Some(low) => format!("pool {}: warn below {low} codes", counts.pool),
        None => format!("pool {}: no low-stock warning", counts.pool),
    }
}

/// How many promo codes a pool (`default`, v1's, unless `pool` names
/// another) has, and how many are still available.
#[utoipa::path(get, path = "/v1/offers/{id}/promo-codes", tag = "offers", params(PoolQuery),
    responses((status = 200, body = PromoCountsOut), (status = 400), (status = 404)))]
async fn get_promo_codes(
    State(state): State<AppState>,
    _: SecretKey,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PoolQuery>,
) -> ApiResult<Json<PromoCountsOut>> {
    let id = path_id!(OfferId, id, "offer");
    let pool = q.pool()?;
    let counts = state
        .store
        .promo_counts(&id)
        .await?
        .into_iter()
        .find(|c| c.pool == pool)
        .unwrap_or_else(|| parrain_store::PromoCounts::empty(&pool));
    Ok(Json(counts.into()))
}

/// What the widget needs to render the offer (any key). Drafts are not public.
#[utoipa::path(get, path = "/v1/offers/{id}/public", tag = "offers", operation_id = "get_public_offer",
    responses((status = 200, body = PublicOfferOut), (status = 404)))]
async fn public_offer(
    State(state): State<AppState>,
    _: AnyKey,
    Path(id): Path<String>,
) -> ApiResult<Json<PublicOfferOut>> {
    let id = path_id!(OfferId, id, "offer");
    let offer = state.store.offer(&id).await?;
    if offer.live.is_none() {
        return Err(ApiError::NotFound("offer".into()));
    }
    Ok(Json(PublicOfferOut::new(
        &offer,
        state.clock.now(),
        &state.config.social,
    )))
}
