//! `GET /v1/people`: the filters ("smart lists") of SPEC §5.5 — people by
//! what they did in an offer — combinable, paginated, and exported whole as
//! CSV when the client sends `Accept: text/csv`, streamed from one query a
//! batch at a time so a million people take no more memory than ten.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::{StreamExt, TryStreamExt};
use parrain_core::attribution::Method;
use parrain_core::ids::{OfferId, ParticipantId};
use parrain_core::reward::RewardState;
use parrain_store::{PeopleFilter, Person, StoreError};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::SecretKey;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiQuery;
use crate::views::{ts, List, PersonOut};
use crate::AppState;

pub(crate) const CHANNELS: [&str; 4] = ["email", "x", "linkedin", "facebook"];

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_people))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct PeopleQuery {
    /// Signed up for this offer.
    #[param(value_type = Option<String>)]
    signed_up_for: Option<OfferId>,
    /// Achieved the goal in this offer.
    #[param(value_type = Option<String>)]
    achieved_goal_in: Option<OfferId>,
    /// Was fulfilled in this offer.
    #[param(value_type = Option<String>)]
    fulfilled_in: Option<OfferId>,
    /// Was brought by this participant (signed up through it, earned it credit,
    /// or followed its link and then identified).
    #[param(value_type = Option<String>)]
    referred_by: Option<ParticipantId>,
    /// Was brought by some participant of this offer.
    #[param(value_type = Option<String>)]
    was_referred_in: Option<OfferId>,
    /// Shared this offer (as a participant).
    #[param(value_type = Option<String>)]
    shared_in: Option<OfferId>,
    /// With `shared_in`: on this network (`email`, `x`, `linkedin`, `facebook`).
    channel: Option<String>,
    /// Clicked a share link of this offer (known once they gave an email).
    #[param(value_type = Option<String>)]
    clicked_shared_link_in: Option<OfferId>,
    /// Was attributed to its referrer by this method (`link`, `email`,
    /// `coupon`, `name`); narrowed by `was_referred_in` and `referred_by`.
    #[param(inline)]
    attributed_by: Option<Method>,
    /// Has an occurrence of the reward with this id (SPEC §11), in the
    /// `signed_up_for` offer when that is given too.
    reward: Option<String>,
    /// With `reward`: only occurrences in this state (`earned`, `held`,
    /// `given`, `cancelled`).
    #[param(inline)]
    reward_state: Option<RewardState>,
    cursor: Option<String>,
    /// Items per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u32>,
}

async fn check_offer(state: &AppState, field: &str, offer: &Option<OfferId>) -> ApiResult<()> {
    if let Some(offer) = offer {
        match state.store.offer(offer).await {
            Err(StoreError::NotFound { .. }) => {
                return Err(ApiError::bad_field(
                    field,
                    format!("{field}: no offer {offer}"),
                ))
            }
            other => {
                other?;
            }
        }
    }
    Ok(())
}

pub(crate) async fn filter_of(state: &AppState, q: &PeopleQuery) -> ApiResult<PeopleFilter> {
    for (field, offer) in [
        ("signed_up_for", &q.signed_up_for),
        ("achieved_goal_in", &q.achieved_goal_in),
        ("fulfilled_in", &q.fulfilled_in),
        ("was_referred_in", &q.was_referred_in),
        ("shared_in", &q.shared_in),
        ("clicked_shared_link_in", &q.clicked_shared_link_in),
    ] {
        check_offer(state, field, offer).await?;
    }
    if let Some(channel) = &q.channel {
        if q.shared_in.is_none() {
            return Err(ApiError::bad_field(
                "channel",
                "channel narrows shared_in: give shared_in too",
            ));
        }
        if !CHANNELS.contains(&channel.as_str()) {
            return Err(ApiError::bad_field(
                "channel",
                format!("channel must be one of {}", CHANNELS.join(", ")),
            ));
        }
    }
    if q.reward_state.is_some() && q.reward.is_none() {
        return Err(ApiError::bad_field(
            "reward_state",
            "reward_state narrows reward: give reward too",
        ));
    }
    if q.reward
        .as_deref()
        .is_some_and(|r| !parrain_core::reward::valid_pool(r))
    {
        return Err(ApiError::bad_field(
            "reward",
            "reward ids are 1 to 64 characters of a-z, 0-9, - and _",
        ));
    }
    Ok(PeopleFilter {
        reward: q.reward.clone(),
        reward_state: q.reward_state,
        signed_up_for: q.signed_up_for.clone(),
        achieved_goal_in: q.achieved_goal_in.clone(),
        fulfilled_in: q.fulfilled_in.clone(),
        referred_by: q.referred_by.clone(),
        was_referred_in: q.was_referred_in.clone(),
        shared_in: q.shared_in.clone(),
        channel: q.channel.clone(),
        clicked_shared_link_in: q.clicked_shared_link_in.clone(),
        attributed_by: q.attributed_by,
    })
}

fn wants_csv(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim().starts_with("text/csv")))
}

/// People matching every given filter, newest first. With `Accept: text/csv`
/// the whole list comes as one CSV file (`cursor` and `limit` are ignored).
#[utoipa::path(get, path = "/v1/people", tag = "people", params(PeopleQuery),
    responses((status = 200, description = "A page of people as JSON (the default), or with `Accept: text/csv` every match as one CSV file",
        content((List<PersonOut> = "application/json"), (String = "text/csv"))), (status = 400)))]
async fn list_people(
    State(state): State<AppState>,
    _: SecretKey,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<PeopleQuery>,
) -> ApiResult<Response> {
    let filter = filter_of(&state, &q).await?;
    if !wants_csv(&headers) {
        let page = super::page_request(q.cursor, q.limit)?;
        let list = state.store.list_people(filter, page).await?;
        return Ok(Json(List::of(list, PersonOut::from)).into_response());
    }
    csv_export(&state, filter).await
}

/// Every person `filter` matches, as one CSV file streamed a batch at a
/// time (the API's `Accept: text/csv` and the admin's people page).
pub(crate) async fn csv_export(state: &AppState, filter: PeopleFilter) -> ApiResult<Response> {
    // The first batch is read before the answer starts, so a failing
    // database still gets a JSON error; the rest streams batch by batch
    // from the same query.
    let mut export = state.store.export_people(filter);
    let first = export.next().await?;
    let rows = csv_rows(true, first.as_deref().unwrap_or_default())
        .map_err(|e| ApiError::Internal(format!("writing CSV: {e}")))?;
    // After an empty first read the export has ended.
    let rest = first.is_some().then_some(export);
    let batches = futures_util::stream::try_unfold(rest, |rest| async move {
        let Some(mut export) = rest else {
            return Ok(None);
        };
        let Some(people) = export.next().await.map_err(std::io::Error::other)? else {
            return Ok(None);
        };
        let rows = csv_rows(false, &people).map_err(std::io::Error::other)?;
        Ok::<_, std::io::Error>(Some((rows, Some(export))))
    });
    // An error past the first batch can only cut the answer short (its
    // status is sent): the client sees an unfinished transfer, never a
    // complete-looking file with people missing.
    let body = futures_util::stream::once(async move { Ok::<_, std::io::Error>(rows) })
        .chain(batches)
        .inspect_err(|e| tracing::error!(error = %e, "people export stopped part-way"));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"people.csv\"",
            ),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

/// A text cell a spreadsheet will not run: one that starts like a formula
/// (`=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, as
/// OWASP advises for CSV exports. Names and emails are what people typed.
fn text_cell(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}").into()
    } else {
        value.into()
    }
}

/// One page of the export as CSV lines, after the header if `header`.
fn csv_rows(header: bool, people: &[Person]) -> Result<Bytes, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::with_capacity(people.len() * 96));
    if header {
        out.write_record(["id", "email", "first_name", "last_name", "created_at"])?;
    }
    for p in people {
        out.write_record([
            p.id.as_str(),
            &text_cell(&p.email),
            &text_cell(p.first_name.as_deref().unwrap_or("")),
            &text_cell(p.last_name.as_deref().unwrap_or("")),
            &ts(p.created_at),
        ])?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(Bytes::from(bytes))
}
