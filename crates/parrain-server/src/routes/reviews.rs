//! The review queue of fraud rules (`fraud` in offer settings): credits a
//! rule held wait here until an operator approves them (they count, and may
//! reach the goal) or rejects them (they never count). Secret key only.

use axum::extract::{Path, State};
use axum::Json;
use parrain_core::ids::OfferId;
use parrain_store::Review;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::SecretKey;
use crate::error::ApiResult;
use crate::extract::ApiQuery;
use crate::views::{ts, List};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_reviews))
        .routes(routes!(approve))
        .routes(routes!(reject))
}

/// A credit held for review.
#[derive(Serialize, ToSchema)]
pub struct ReviewOut {
    id: String,
    offer_id: String,
    /// The referrer the credit goes to once approved.
    participant_id: String,
    friend_person_id: Option<String>,
    friend_visitor_id: Option<String>,
    /// `pending`, `approved` or `rejected`.
    state: String,
    /// The fraud rules that fired.
    #[schema(value_type = Vec<String>)]
    reasons: serde_json::Value,
    created_at: String,
    reviewed_at: Option<String>,
}

impl From<Review> for ReviewOut {
    fn from(r: Review) -> Self {
        Self {
            id: r.id,
            offer_id: r.offer_id.as_str().to_owned(),
            participant_id: r.participant_id.as_str().to_owned(),
            friend_person_id: r.friend_person_id,
            friend_visitor_id: r.friend_visitor_id,
            state: r.state,
            reasons: r.reasons,
            created_at: ts(r.created_at),
            reviewed_at: r.reviewed_at.map(ts),
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ReviewQuery {
    #[param(value_type = Option<String>)]
    offer_id: Option<OfferId>,
    cursor: Option<String>,
    /// Items per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u32>,
}

/// Credits waiting for a decision, oldest first.
#[utoipa::path(get, path = "/v1/reviews", tag = "reviews", params(ReviewQuery),
    responses((status = 200, body = List<ReviewOut>), (status = 400)))]
async fn list_reviews(
    State(state): State<AppState>,
    _: SecretKey,
    ApiQuery(q): ApiQuery<ReviewQuery>,
) -> ApiResult<Json<List<ReviewOut>>> {
    let page = super::page_request(q.cursor, q.limit)?;
    let list = state.store.list_reviews(q.offer_id, page).await?;
    Ok(Json(List::of(list, ReviewOut::from)))
}

/// Approves a held credit: it counts now, and may reach the goal.
#[utoipa::path(post, path = "/v1/reviews/{id}/approve", tag = "reviews", operation_id = "approve_review",
    responses((status = 200, body = ReviewOut), (status = 404), (status = 409)))]
async fn approve(
    State(state): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
) -> ApiResult<Json<ReviewOut>> {
    let now = state.clock.now();
    let audit = key.audit(now, "review.approve", &id, "");
    let review = state.store.decide_review(&id, true, now, audit).await?;
    Ok(Json(review.into()))
}

/// Rejects a held credit: it never counts.
#[utoipa::path(post, path = "/v1/reviews/{id}/reject", tag = "reviews", operation_id = "reject_review",
    responses((status = 200, body = ReviewOut), (status = 404), (status = 409)))]
async fn reject(
    State(state): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
) -> ApiResult<Json<ReviewOut>> {
    let now = state.clock.now();
    let audit = key.audit(now, "review.reject", &id, "");
    let review = state.store.decide_review(&id, false, now, audit).await?;
    Ok(Json(review.into()))
}
