//! `/v1/offers/{id}/existing-customers`: the list of existing customers an
//! offer may exclude from earning credit (SPEC §15), as emails or SHA-256
//! hashes of lower-cased emails; parrain keeps only the hashes.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use parrain_core::ids::OfferId;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::path_id;
use crate::auth::SecretKey;
use crate::error::ApiResult;
use crate::extract::Upload;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(
        put_existing_customers,
        add_existing_customers,
        get_existing_customers
    ))
}

#[derive(Serialize, ToSchema)]
pub struct ExistingCustomersOut {
    /// How many customers (distinct hashes) the offer's list holds.
    pub count: i64,
}

/// The upload: CSV (or plain text, or a file), UTF-8, with at least one row.
const CUSTOMERS: Upload = Upload {
    types: &["text/csv", "text/plain", "application/octet-stream"],
    wrong_type: "upload existing customers as text/csv, one email or SHA-256 hash per row",
    not_text: "the upload must be UTF-8 text",
    empty: "the upload has no customer: send one email or SHA-256 hash per row",
};

/// Replaces the offer's existing-customer list: CSV, one customer per row,
/// the first column an email or the SHA-256 hex of the lower-cased email (a
/// header row `email` or `hash` is skipped). Any bad row refuses the whole
/// upload (422, with line numbers). Lists larger than one request are sent
/// in parts with `POST`.
#[utoipa::path(put, path = "/v1/offers/{id}/existing-customers", tag = "offers",
    request_body(description = "Emails or SHA-256 hashes, one per row (UTF-8)",
        content((String = "text/csv"), (String = "text/plain"), (String = "application/octet-stream"))),
    responses((status = 200, body = ExistingCustomersOut), (status = 400), (status = 404), (status = 413), (status = 422)))]
async fn put_existing_customers(
    State(state): State<AppState>,
    _: SecretKey,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<ExistingCustomersOut>> {
    let id = path_id!(OfferId, id, "offer");
    let text = CUSTOMERS.read(&headers, body)?;
    let count = state.store.put_existing_customers(&id, text).await?;
    Ok(Json(ExistingCustomersOut { count }))
}

/// Adds an upload (as for `PUT`) to the offer's existing-customer list.
#[utoipa::path(post, path = "/v1/offers/{id}/existing-customers", tag = "offers",
    request_body(description = "Emails or SHA-256 hashes, one per row (UTF-8)",
        content((String = "text/csv"), (String = "text/plain"), (String = "application/octet-stream"))),
    responses((status = 200, body = ExistingCustomersOut), (status = 400), (status = 404), (status = 413), (status = 422)))]
async fn add_existing_customers(
    State(state): State<AppState>,
    _: SecretKey,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<ExistingCustomersOut>> {
    let id = path_id!(OfferId, id, "offer");
    let text = CUSTOMERS.read(&headers, body)?;
    let count = state.store.add_existing_customers(&id, text).await?;
    Ok(Json(ExistingCustomersOut { count }))
}

/// How many existing customers the offer's list holds.
#[utoipa::path(get, path = "/v1/offers/{id}/existing-customers", tag = "offers",
    responses((status = 200, body = ExistingCustomersOut), (status = 400), (status = 404)))]
async fn get_existing_customers(
    State(state): State<AppState>,
    _: SecretKey,
    Path(id): Path<String>,
) -> ApiResult<Json<ExistingCustomersOut>> {
    let id = path_id!(OfferId, id, "offer");
    state.store.offer(&id).await?;
    let count = state.store.existing_customers(&id).await?;
    Ok(Json(ExistingCustomersOut { count }))
}
