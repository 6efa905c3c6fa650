//! Share first, then sign up (`sign_up_flow: share_then_capture`): the
//! widget asks for its browser's share code before the person gives an
//! email, so the links shared then carry a code. The code is pending: bound
//! to the offer and the browser (`visitor_id`), it becomes the share code
//! of the participant that browser signs up as, and the friends who came
//! through it are credited then (`parrain_store::flows::pending`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use parrain_core::ids::{OfferId, VisitorId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::path_id;
use crate::auth::AnyKey;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use crate::views::share_url;
use crate::AppState;

/// What a web page may call with the publishable key.
pub fn public() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(pending_code))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct PendingIn {
    /// The browser that will share (the widget's visitor id, `parrain_vid`):
    /// only a sign-up from it takes the code over.
    #[schema(value_type = String, required = true)]
    visitor_id: Option<VisitorId>,
}

/// A share code before sign-up.
#[derive(Serialize, ToSchema)]
struct PendingOut {
    offer_id: String,
    /// The share code: the participant's once this browser signs up.
    code: String,
    /// `{public_url}/r/{code}`, to share now.
    share_url: String,
    /// Pending until this browser signs up on the offer: friends who open
    /// the link meanwhile are attributed, and credited at the sign-up.
    pending: bool,
}

/// The browser's share code before it signs up, on a live offer whose
/// `sign_up_flow` is `share_then_capture` (any key): 201 the first time,
/// 200 with the same code after. Friends who open its link are attributed
/// to it; nothing is credited, reported or counted until this browser
/// signs up on the offer, when the new participant takes the code over and
/// each friend is credited once for what it already did (a visit, a
/// sign-up) by the offer's goal. A code never signed up is deleted after
/// `retention_pending_days`. 409 `offer_not_live` or
/// `not_share_then_capture` otherwise.
#[utoipa::path(post, path = "/v1/offers/{id}/participants/pending", tag = "participants",
    request_body(content = PendingIn, example = json!({"visitor_id": "vis_01hzy3m8c4d5e6f7g8h9"})),
    responses((status = 201, body = PendingOut), (status = 200, body = PendingOut),
        (status = 400), (status = 404), (status = 409), (status = 429)))]
async fn pending_code(
    State(state): State<AppState>,
    _: AnyKey,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<PendingIn>,
) -> ApiResult<(StatusCode, Json<PendingOut>)> {
    let id = path_id!(OfferId, id, "offer");
    let visitor = input.visitor_id.ok_or_else(|| {
        ApiError::bad_field(
            "visitor_id",
            "visitor_id is required: the browser's visitor id (parrain_vid)",
        )
    })?;
    let pending = state
        .store
        .pending_code(&id, visitor, state.clock.now())
        .await?;
    let status = if pending.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(PendingOut {
            offer_id: id.to_string(),
            share_url: share_url(&state.config.public_url, &pending.code),
            code: pending.code,
            pending: true,
        }),
    ))
}
