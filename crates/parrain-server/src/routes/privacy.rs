//! The person's rights: `DELETE /v1/people/{id}` erases what identifies them
//! (keeping anonymous counts and every referrer's credit), and
//! `GET /v1/people/{id}/export` returns everything held about them as JSON.
//! Both need a secret key: they are an operator's answer to a request.

use axum::extract::{Path, State};
use axum::Json;
use parrain_core::ids::PersonId;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::SecretKey;
use crate::error::ApiResult;
use crate::routes::path_id;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(erase_person))
        .routes(routes!(export_person))
}

/// What an erasure did.
#[derive(Serialize, ToSchema)]
struct ErasureOut {
    id: String,
    /// False when the person had already been erased.
    erased: bool,
    /// Participations kept, anonymous, so reports still add up.
    participants: u64,
    /// Browser ids replaced, so the same browser is not recognised again.
    visitors: u64,
    /// Emails to the person that were waiting and will not be sent.
    unsent_emails: u64,
}

/// Erases a person's email, names, sign-up fields and browser ids everywhere.
#[utoipa::path(delete, path = "/v1/people/{id}", tag = "people",
    responses((status = 200, body = ErasureOut), (status = 404)))]
async fn erase_person(
    State(state): State<AppState>,
    _: SecretKey,
    Path(id): Path<String>,
) -> ApiResult<Json<ErasureOut>> {
    let id = path_id!(PersonId, id, "person");
    let done = state.store.erase_person(&id, state.clock.now()).await?;
    Ok(Json(ErasureOut {
        id: id.as_str().to_owned(),
        erased: done.erased,
        participants: done.participants,
        visitors: done.visitors,
        unsent_emails: done.unsent_emails,
    }))
}

/// Everything held about a person: profile, participations, browsers,
/// activities and credits.
#[utoipa::path(get, path = "/v1/people/{id}/export", tag = "people",
    responses((status = 200, body = Object), (status = 404)))]
async fn export_person(
    State(state): State<AppState>,
    _: SecretKey,
    Path(id): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let id = path_id!(PersonId, id, "person");
    Ok(Json(state.store.export_person(&id).await?))
}
