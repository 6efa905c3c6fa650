//! Rewards (SPEC §11) beyond what a participant's detail shows: reversing
//! the credit a friend earned (a refund), which cancels or claws back the
//! rewards whose milestone it takes away; an operator giving or cancelling
//! a reward by hand; and the public leaderboard.

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
use crate::views::RewardOut;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(reverse_credits))
        .routes(routes!(give_reward))
        .routes(routes!(cancel_reward))
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
    let friend = input.friend.into_ref(|| "friend".into())?;
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

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct GiveRewardIn {
    /// Which occurrence (1 for an `at` or friend reward, up to `max_times`
    /// for an `every` reward). Omitted: the earliest one waiting for an
    /// operator, else the next one the participant does not have.
    #[schema(minimum = 1)]
    occurrence: Option<i64>,
    /// Why, kept in the `reward.given` activity (`details.note`).
    note: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct CancelRewardIn {
    /// Which occurrence. Omitted: the earliest one held or waiting.
    #[schema(minimum = 1)]
    occurrence: Option<i64>,
    /// Why, kept in the `reward.cancelled` activity (`details.reason`;
    /// `operator` when omitted).
    reason: Option<String>,
}

fn words(value: Option<String>, field: &str) -> ApiResult<Option<String>> {
    let value = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    if value.as_ref().is_some_and(|v| v.chars().count() > 500) {
        return Err(ApiError::bad_field(
            field,
            format!("{field} is longer than 500 characters"),
        ));
    }
    Ok(value)
}

/// An occurrence as the API shows it, with its label from the offer.
async fn reward_out(
    state: &AppState,
    participant: &ParticipantId,
    reward: parrain_store::ParticipantReward,
) -> ApiResult<Json<RewardOut>> {
    let detail = state.store.participant(participant).await?;
    let offer = state.store.offer(&detail.participant.offer_id).await?;
    let settings = offer.live.as_ref().unwrap_or_else(|| offer.editable());
    Ok(Json(RewardOut::new(reward, Some(settings))))
}

/// Gives a participant a reward by hand (the participants tab's "Give"):
/// one waiting for an operator (`delivery: "manual"`), or a goodwill one the
/// participant has not reached, earned and given at once (a referrer
/// reward at the offer's goal needs the goal achieved). Its promo code is
/// drawn from its pool and its email sent, as when given by the rules;
/// `reward.given` is recorded with `details.by: "operator"`. Once only: an
/// occurrence given, cancelled or still held answers 409 and changes nothing.
#[utoipa::path(post, path = "/v1/participants/{id}/rewards/{reward_id}/give", tag = "participants",
    params(("id" = String, Path, description = "The participant"),
           ("reward_id" = String, Path, description = "The reward's id in the offer's `rewards`")),
    request_body(content = GiveRewardIn, example = json!({"note": "thanks for the feedback"})),
    responses((status = 200, body = RewardOut, description = "The occurrence, now given"),
              (status = 400), (status = 404), (status = 409)))]
async fn give_reward(
    State(state): State<AppState>,
    key: SecretKey,
    Path((id, reward_id)): Path<(String, String)>,
    ApiJson(input): ApiJson<GiveRewardIn>,
) -> ApiResult<Json<RewardOut>> {
    let id = path_id!(ParticipantId, id, "participant");
    let note = words(input.note, "note")?;
    let now = state.clock.now();
    let audit = key.audit(now, "participants.reward_give", id.as_str(), &reward_id);
    let given = state
        .store
        .give_reward(&id, reward_id, input.occurrence, note, now, audit)
        .await?;
    reward_out(&state, &id, given).await
}

/// Cancels a reward not given yet, held or waiting for an operator (the
/// participants tab's "Cancel"): it will not be given, its hold ends
/// nothing; `reward.cancelled` is recorded with `details.by: "operator"`
/// and the reason. Once only: an occurrence already given (take it back by
/// reversing the credit, which records a clawback) or cancelled answers 409.
#[utoipa::path(post, path = "/v1/participants/{id}/rewards/{reward_id}/cancel", tag = "participants",
    params(("id" = String, Path, description = "The participant"),
           ("reward_id" = String, Path, description = "The reward's id in the offer's `rewards`")),
    request_body(content = CancelRewardIn, example = json!({"reason": "order returned"})),
    responses((status = 200, body = RewardOut, description = "The occurrence, now cancelled"),
              (status = 400), (status = 404), (status = 409)))]
async fn cancel_reward(
    State(state): State<AppState>,
    key: SecretKey,
    Path((id, reward_id)): Path<(String, String)>,
    ApiJson(input): ApiJson<CancelRewardIn>,
) -> ApiResult<Json<RewardOut>> {
    let id = path_id!(ParticipantId, id, "participant");
    let reason = words(input.reason, "reason")?;
    let now = state.clock.now();
    let audit = key.audit(now, "participants.reward_cancel", id.as_str(), &reward_id);
    let cancelled = state
        .store
        .cancel_reward(&id, reward_id, input.occurrence, reason, now, audit)
        .await?;
    reward_out(&state, &id, cancelled).await
}
