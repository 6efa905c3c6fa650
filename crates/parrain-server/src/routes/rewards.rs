//! Rewards (SPEC §11) beyond what a participant's detail shows: reversing
//! the credit a friend earned (a refund), which cancels or claws back the
//! rewards whose milestone it takes away.

use axum::extract::{Path, State};
use axum::Json;
use parrain_core::ids::ParticipantId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::path_id;
use super::tracking::FriendIn;
use crate::auth::SecretKey;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(reverse_credits))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ReverseIn {
    /// The friend whose credit(s) go.
    friend: FriendIn,
    /// Why (a refund, a chargeback…), kept in the `credit.reversed` activity.
    reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct ReversalOut {
    /// Credits taken back now: 0 when the friend's were reversed before.
    reversed: i64,
    /// The participant's credit after the reversal.
    credit: i64,
}

/// Reverses the credit(s) a friend earned this participant (a refund):
/// credit goes down (never below zero) and `credit.reversed` is recorded;
/// rewards whose milestone is gone are cancelled if held or waiting
/// (`reward.cancelled`) and recorded as `reward.clawback` if already given,
/// as are the friend's own rewards on that credit. A credit is never
/// reversed twice: calling again reverses nothing (`reversed: 0`).
#[utoipa::path(post, path = "/v1/participants/{id}/credits/reverse", tag = "participants",
    request_body(content = ReverseIn, example = json!({"friend": {"email": "bob@example.com"}, "reason": "refund"})),
    responses((status = 200, body = ReversalOut), (status = 400), (status = 404)))]
async fn reverse_credits(
    State(state): State<AppState>,
    _: SecretKey,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ReverseIn>,
) -> ApiResult<Json<ReversalOut>> {
    let id = path_id!(ParticipantId, id, "participant");
    let friend = input.friend.into_ref("friend")?;
    let reason = input.reason.filter(|r| !r.trim().is_empty());
    if reason.as_ref().is_some_and(|r| r.chars().count() > 500) {
        return Err(ApiError::bad_field(
            "reason",
            "reason is longer than 500 characters",
        ));
    }
    let done = state
        .store
        .reverse_credit(&id, friend, reason, state.clock.now())
        .await?;
    Ok(Json(ReversalOut {
        reversed: done.reversed,
        credit: done.credit,
    }))
}
