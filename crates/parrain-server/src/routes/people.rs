//! `GET /v1/people`: the filters ("smart lists") of SPEC §5.5 — people by
//! what they did in an offer, within a date range and a minimum number of
//! times if asked — combinable, paginated, and exported whole as
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
use parrain_core::Millis;
use parrain_store::{PeopleFilter, Person, StoreError};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::SecretKey;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiQuery;
use crate::views::{parse_ts, ts, List, PersonOut};
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
    /// With a dated filter (`signed_up_for`, `achieved_goal_in`,
    /// `fulfilled_in`, `shared_in`, `clicked_shared_link_in`): each of them
    /// counts only what happened at or after this time: RFC 3339
    /// (`2026-01-01T00:00:00Z`) or a date (`2026-01-01`, its midnight UTC).
    since: Option<String>,
    /// With a dated filter: each of them counts only what happened before
    /// this time, RFC 3339 or a date (its midnight UTC), so
    /// `since=2026-01-01&until=2026-02-01` is January.
    until: Option<String>,
    /// With `shared_in` or `clicked_shared_link_in`: only people who did it
    /// at least this many times (within `since`/`until` when given), like a
    /// smart list's "minimum number of times".
    #[param(minimum = 1, maximum = 1000000)]
    min_count: Option<u32>,
    cursor: Option<String>,
    /// Items per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u32>,
}

/// The largest `min_count` accepted.
const MAX_COUNT: u32 = 1_000_000;

/// A bound of the date range: an RFC 3339 time, or a date meaning its
/// midnight UTC.
fn bound(field: &str, value: &str) -> ApiResult<Millis> {
    let date = time::macros::format_description!("[year]-[month]-[day]");
    match time::Date::parse(value, &date) {
        Ok(day) => Ok(day.midnight().assume_utc().unix_timestamp() * 1_000),
        Err(_) => parse_ts(field, value).map_err(|_| {
            ApiError::bad_field(
                field,
                format!("{field} must be an RFC 3339 time or a date (YYYY-MM-DD)"),
            )
        }),
    }
}

/// The date range and minimum count, checked against the filters they
/// narrow.
fn constraints(q: &PeopleQuery) -> ApiResult<(Option<Millis>, Option<Millis>, Option<u32>)> {
    let since = q.since.as_deref().map(|v| bound("since", v)).transpose()?;
    let until = q.until.as_deref().map(|v| bound("until", v)).transpose()?;
    let dated = q.signed_up_for.is_some()
        || q.achieved_goal_in.is_some()
        || q.fulfilled_in.is_some()
        || q.shared_in.is_some()
        || q.clicked_shared_link_in.is_some();
    for (field, given) in [("since", since.is_some()), ("until", until.is_some())] {
        if given && !dated {
            return Err(ApiError::bad_field(
                field,
                format!(
                    "{field} narrows the dated filters: give signed_up_for, achieved_goal_in, \
                     fulfilled_in, shared_in or clicked_shared_link_in too"
                ),
            ));
        }
    }
    if let (Some(since), Some(until)) = (since, until) {
        if until <= since {
            return Err(ApiError::bad_field("until", "until must be after since"));
        }
    }
    if let Some(n) = q.min_count {
        if q.shared_in.is_none() && q.clicked_shared_link_in.is_none() {
            return Err(ApiError::bad_field(
                "min_count",
                "min_count narrows the counted filters: give shared_in or clicked_shared_link_in too",
            ));
        }
        if !(1..=MAX_COUNT).contains(&n) {
            return Err(ApiError::bad_field(
                "min_count",
                format!("min_count must be 1 to {MAX_COUNT}"),
            ));
        }
    }
    Ok((since, until, q.min_count))
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
    let (since, until, min_count) = constraints(q)?;
    Ok(PeopleFilter {
        since,
        until,
        min_count,
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
