//! Rewards (SPEC §11) beyond what a participant's detail shows: reversing
//! the credit a friend earned (a refund), which cancels or claws back the
//! rewards whose milestone it takes away, and the public leaderboard.

use axum::extract::{Path, State};
use axum::Json;
use parrain_core::ids::{OfferId, ParticipantId};
use parrain_core::reward::display_name;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::path_id;
use super::tracking::FriendIn;
use crate::auth::{AnyKey, SecretKey};
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(reverse_credits))
}

/// What a web page may read with the publishable key.
pub fn public() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(leaderboard))
}

#[derive(Serialize, ToSchema)]
struct LeaderOut {
    rank: usize,
    /// First name and last initial, the first name alone, or "Participant {rank}".
    display_name: String,
    credit: i64,
}

#[derive(Serialize, ToSchema)]
struct LeaderboardOut {
    data: Vec<LeaderOut>,
}

/// The offer's referrers with the most credit (any key), when its
/// `leaderboard` is enabled: rank, a display name and credit, never an email.
#[utoipa::path(get, path = "/v1/offers/{id}/leaderboard", tag = "offers",
    responses((status = 200, body = LeaderboardOut), (status = 404)))]
async fn leaderboard(
    State(state): State<AppState>,
    _: AnyKey,
    Path(id): Path<String>,
) -> ApiResult<Json<LeaderboardOut>> {
    let id = path_id!(OfferId, id, "offer");
    let offer = state.store.offer(&id).await?;
    let board = match &offer.live {
        Some(live) if live.leaderboard.enabled => live.leaderboard.clone(),
        Some(_) => {
            return Err(ApiError::NotFound(
                "leaderboard (not enabled on this offer)".into(),
            ))
        }
        None => return Err(ApiError::NotFound("offer".into())),
    };
    let leaders = state.store.leaderboard(&id, board.size).await?;
    let data = leaders
        .into_iter()
        .enumerate()
        .map(|(i, l)| LeaderOut {
            rank: i + 1,
            display_name: display_name(l.first_name.as_deref(), l.last_name.as_deref(), i + 1),
            credit: l.credit,
        })
        .collect();
    Ok(Json(LeaderboardOut { data }))
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
