//! `GET /v1/activities`: the activity log, newest first.

use axum::extract::State;
use axum::Json;
use parrain_core::activity::ActivityType;
use parrain_core::ids::{OfferId, ParticipantId, PersonId};
use parrain_store::ActivityFilter;
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::SecretKey;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiQuery;
use crate::views::{parse_ts, ActivityOut, List};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_activities))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ActivityQuery {
    #[param(value_type = Option<String>)]
    offer_id: Option<OfferId>,
    #[serde(rename = "type")]
    kind: Option<String>,
    #[param(value_type = Option<String>)]
    person_id: Option<PersonId>,
    #[param(value_type = Option<String>)]
    participant_id: Option<ParticipantId>,
    /// RFC 3339: only activities at or after this time.
    since: Option<String>,
    cursor: Option<String>,
    /// Items per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u32>,
}

/// The activity log, filtered.
#[utoipa::path(get, path = "/v1/activities", tag = "activities", params(ActivityQuery),
    responses((status = 200, body = List<ActivityOut>), (status = 400)))]
async fn list_activities(
    State(state): State<AppState>,
    _: SecretKey,
    ApiQuery(q): ApiQuery<ActivityQuery>,
) -> ApiResult<Json<List<ActivityOut>>> {
    let kind = q
        .kind
        .as_deref()
        .map(|k| {
            ActivityType::parse(k)
                .ok_or_else(|| ApiError::bad_field("type", format!("unknown activity type `{k}`")))
        })
        .transpose()?;
    let filter = ActivityFilter {
        offer_id: q.offer_id,
        kind,
        person_id: q.person_id,
        participant_id: q.participant_id,
        since: q
            .since
            .as_deref()
            .map(|s| parse_ts("since", s))
            .transpose()?,
    };
    let page = super::page_request(q.cursor, q.limit)?;
    let list = state.store.list_activities(filter, page).await?;
    Ok(Json(List::of(list, ActivityOut::from)))
}
