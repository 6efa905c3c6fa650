//! `/admin/offers/{id}/report`: the social dashboard as pictures (funnel
//! bars and a campaign-visits line, drawn by `crate::chart`), the audience
//! and share metrics, top referrers, and the series as a CSV download.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use minijinja::context;
use parrain_core::ids::OfferId;

use super::render;
use super::session::Operator;
use super::PageError;
use crate::chart::{funnel_svg, line_svg};
use crate::error::ApiError;
use crate::routes::reports::{build, ReportQuery};
use crate::views::ReportOut;
use crate::AppState;

async fn report_of(state: &AppState, id: &str, q: ReportQuery) -> Result<ReportOut, Response> {
    let id = OfferId::parse(id).map_err(|_| PageError::not_found("offer").into_response())?;
    build(state, id, q)
        .await
        .map_err(IntoResponse::into_response)
}

fn percent(ratio: Option<f64>) -> String {
    ratio.map_or_else(|| "—".into(), |r| format!("{:.1} %", r * 100.0))
}

pub async fn page(
    State(state): State<AppState>,
    operator: Operator,
    Path(id): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Response {
    let query = serde_urlencoded_query(&q);
    let report = match report_of(&state, &id, q).await {
        Ok(report) => report,
        Err(response) => return response,
    };
    let f = report.funnel;
    let funnel = funnel_svg(
        "Funnel",
        &[
            ("Campaign visits", f.campaign_visits),
            ("Interactions", f.interactions),
            ("Shares", f.shares),
            ("Resulting clicks", f.resulting_clicks),
            ("Registrations", f.registrations),
        ],
    );
    let points: Vec<(String, i64)> = report
        .series
        .iter()
        .map(|b| (b.start.clone(), b.counts.campaign_visits))
        .collect();
    let series = line_svg("Campaign visits over time", &points);
    let m = &report.share_metrics;
    render(
        "report.html",
        context! {
            title => "Report",
            operator => operator.0.email,
            csrf => operator.0.csrf_token,
            offer_id => id,
            funnel,
            series,
            from => report.from,
            to => report.to,
            interval => report.interval,
            audience => report.audience,
            share_rate => percent(m.share_rate),
            clickback_rate => percent(m.clickback_rate),
            social_lift => m.social_lift.map_or_else(|| "—".into(), |l| format!("{l:.2}")),
            top_referrers => report.top_referrers,
            query,
        },
    )
}

/// The series as CSV, for the page's download link.
pub async fn csv(
    State(state): State<AppState>,
    _: Operator,
    Path(id): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Response {
    let report = match report_of(&state, &id, q).await {
        Ok(report) => report,
        Err(response) => return response,
    };
    match report.series_csv() {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"report.csv\"",
                ),
            ],
            body,
        )
            .into_response(),
        Err(e) => PageError(ApiError::Internal(format!("writing CSV: {e}"))).into_response(),
    }
}

/// The query string that reproduces this report (for the CSV link).
fn serde_urlencoded_query(q: &ReportQuery) -> String {
    let mut parts = Vec::new();
    for (k, v) in [("from", &q.from), ("to", &q.to), ("interval", &q.interval)] {
        if let Some(v) = v {
            let encoded: String = url::form_urlencoded::byte_serialize(v.as_bytes()).collect();
            parts.push(format!("{k}={encoded}"));
        }
    }
    parts.join("&")
}
