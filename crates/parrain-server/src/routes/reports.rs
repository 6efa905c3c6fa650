//! `GET /v1/offers/{id}/report`: the social dashboard of SPEC §5.6 over a
//! window, as JSON, or its time series as CSV with `Accept: text/csv`.
//!
//! The window defaults to the offer's life up to the end of the current
//! bucket (at most `MAX_BUCKETS` buckets back); buckets are UTC hours or days.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use parrain_core::ids::OfferId;
use parrain_core::report::{Interval, Window, WindowError, MAX_BUCKETS};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::path_id;
use crate::auth::SecretKey;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiQuery;
use crate::views::{parse_ts, ReportOut};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(offer_report))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReportQuery {
    /// RFC 3339, inclusive. Default: the offer's creation (bucket-aligned).
    pub from: Option<String>,
    /// RFC 3339, exclusive. Default: the end of the current bucket.
    pub to: Option<String>,
    /// `hour` or `day` (default).
    pub interval: Option<String>,
}

/// An offer's funnel, audience, share metrics, time series and top
/// referrers. Campaign visits are visit sessions (a visitor's visits count
/// once until 30 minutes pass without one); interactions are sign-ups,
/// shares and custom events; registrations are sign-ups that followed a
/// share link. With `Accept: text/csv` the body is the series as CSV.
#[utoipa::path(get, path = "/v1/offers/{id}/report", tag = "offers", params(ReportQuery),
    responses((status = 200, description = "The report as JSON (the default), or with `Accept: text/csv` its time series as CSV",
        content((ReportOut = "application/json"), (String = "text/csv"))),
              (status = 400), (status = 404)))]
async fn offer_report(
    State(state): State<AppState>,
    _: SecretKey,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    let id = path_id!(OfferId, id, "offer");
    let report = build(&state, id, q).await?;
    if !wants_csv(&headers) {
        return Ok(Json(report).into_response());
    }
    let body = report
        .series_csv()
        .map_err(|e| ApiError::Internal(format!("writing CSV: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"report.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// The report of an offer for a query (also drawn by the `/admin` report page).
pub(crate) async fn build(state: &AppState, id: OfferId, q: ReportQuery) -> ApiResult<ReportOut> {
    let offer = state.store.offer(&id).await?;
    let interval = match q.interval.as_deref() {
        None => Interval::Day,
        Some(s) => Interval::parse(s)
            .ok_or_else(|| ApiError::bad_field("interval", "interval must be `hour` or `day`"))?,
    };
    let step = interval.millis();
    let to = match q.to.as_deref() {
        Some(s) => parse_ts("to", s)?,
        None => interval.floor(state.clock.now()) + step,
    };
    let from = match q.from.as_deref() {
        Some(s) => parse_ts("from", s)?,
        None => interval
            .floor(offer.created_at)
            .max(to.saturating_sub(MAX_BUCKETS * step)),
    };
    let window = Window::new(from, to, interval).map_err(|e| match e {
        WindowError::Empty => ApiError::bad_field("from", e.to_string()),
        WindowError::TooLong => ApiError::bad_field("to", e.to_string()),
    })?;
    let data = state.store.report_data(&id, window).await?;
    let rewards: Vec<(String, Option<String>)> = offer
        .live
        .as_ref()
        .unwrap_or_else(|| offer.editable())
        .rewards
        .iter()
        .map(|r| (r.id.clone(), r.label.clone()))
        .collect();
    Ok(ReportOut::new(id, window, data, &rewards))
}

fn wants_csv(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim().starts_with("text/csv")))
}
