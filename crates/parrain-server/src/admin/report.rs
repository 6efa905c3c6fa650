//! `/admin/offers/{id}/report`: the social dashboard for a period — a
//! preset (`?period=7`, `30` or `90` days, ending today; 30 by default) or
//! custom dates (`?from=2026-11-01&to=2026-11-30`, both days included; or
//! RFC 3339 instants with `interval`, as the API takes them) — compared
//! with the period just before it of the same length: the funnel bars, the
//! campaign visits over time with the previous period dashed
//! (`report_chart`), shares, clicks and referred sign-ups by network and
//! rewards by state (`report_bars`, the previous period's values marked),
//! rewards given over time, the audience and share metrics, top referrers,
//! and the series as a CSV download.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use minijinja::context;
use parrain_core::ids::OfferId;
use serde::{Deserialize, Serialize};
use time::macros::format_description;
use time::{Date, OffsetDateTime};

use super::render;
use super::report_bars::{bar_chart, Group};
use super::report_chart::{line_chart, Point};
use super::session::Operator;
use super::PageError;
use crate::chart::funnel_svg;
use crate::error::ApiError;
use crate::routes::reports::{build, ReportQuery};
use crate::views::{parse_ts, ts, FunnelOut, ReportOut};
use crate::AppState;

const DAY: i64 = 86_400_000;

/// The page's query: a preset or custom dates.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    period: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    interval: Option<String>,
}

/// The window a page query names: `[from, to)` in milliseconds, its
/// interval, and the preset it is (if one).
struct Window {
    from: i64,
    to: i64,
    interval: &'static str,
    preset: Option<i64>,
}

fn day_of(field: &str, value: &str) -> Result<i64, ApiError> {
    let format = format_description!("[year]-[month]-[day]");
    match Date::parse(value, &format) {
        Ok(date) => Ok(date.midnight().assume_utc().unix_timestamp() * 1000),
        Err(_) => parse_ts(field, value),
    }
}

fn window(q: &PageQuery, now: i64) -> Result<Window, ApiError> {
    let tomorrow = (now.div_euclid(DAY) + 1) * DAY;
    let interval = match q.interval.as_deref() {
        Some("hour") => "hour",
        None | Some("day") | Some("") => "day",
        Some(_) => {
            return Err(ApiError::bad_field(
                "interval",
                "interval must be `hour` or `day`",
            ))
        }
    };
    let custom = |v: &Option<String>| v.as_deref().filter(|v| !v.is_empty()).map(str::to_owned);
    match (custom(&q.from), custom(&q.to)) {
        (None, None) => {
            let days = match q.period.as_deref() {
                Some("7") => 7,
                Some("90") => 90,
                None | Some("") | Some("30") | Some("custom") => 30,
                Some(_) => {
                    return Err(ApiError::bad_field(
                        "period",
                        "period must be 7, 30 or 90 days",
                    ))
                }
            };
            Ok(Window {
                from: tomorrow - days * DAY,
                to: tomorrow,
                interval,
                preset: Some(days),
            })
        }
        (from, to) => {
            let to = match to {
                // A date names its whole day.
                Some(t) if t.len() == 10 => day_of("to", &t)? + DAY,
                Some(t) => parse_ts("to", &t)?,
                None => tomorrow,
            };
            let from = match from {
                Some(f) => day_of("from", &f)?,
                None => to - 30 * DAY,
            };
            if from >= to {
                return Err(ApiError::bad_field(
                    "from",
                    "the period must start before it ends",
                ));
            }
            Ok(Window {
                from,
                to,
                interval,
                preset: None,
            })
        }
    }
}

async fn report_of(
    state: &AppState,
    id: &OfferId,
    from: i64,
    to: i64,
    interval: &str,
) -> Result<ReportOut, Response> {
    let q = ReportQuery {
        from: Some(ts(from)),
        to: Some(ts(to)),
        interval: Some(interval.to_owned()),
    };
    build(state, id.clone(), q)
        .await
        .map_err(|e| PageError(e).into_response())
}

fn percent(ratio: Option<f64>) -> String {
    ratio.map_or_else(|| "—".into(), |r| format!("{:.1} %", r * 100.0))
}

/// "5 Dec 2026" or, hourly, "5 Dec 10:00" (UTC).
fn label(iso: &str, hourly: bool) -> String {
    let Ok(t) = OffsetDateTime::parse(iso, &time::format_description::well_known::Rfc3339) else {
        return iso.to_owned();
    };
    let shown = if hourly {
        t.format(format_description!(
            "[day padding:none] [month repr:short] [hour]:[minute]"
        ))
    } else {
        t.format(format_description!(
            "[day padding:none] [month repr:short] [year]"
        ))
    };
    shown.unwrap_or_else(|_| iso.to_owned())
}

/// One line of the comparison table.
#[derive(Serialize)]
struct Compared {
    key: &'static str,
    label: &'static str,
    now: i64,
    before: i64,
    change: String,
    up: bool,
}

fn compared(now: &FunnelOut, before: &FunnelOut) -> Vec<Compared> {
    [
        (
            "campaign_visits",
            "Campaign visits",
            now.campaign_visits,
            before.campaign_visits,
        ),
        (
            "interactions",
            "Interactions",
            now.interactions,
            before.interactions,
        ),
        ("shares", "Shares", now.shares, before.shares),
        (
            "resulting_clicks",
            "Resulting clicks",
            now.resulting_clicks,
            before.resulting_clicks,
        ),
        (
            "registrations",
            "Referred sign-ups",
            now.registrations,
            before.registrations,
        ),
    ]
    .into_iter()
    .map(|(key, label, now, before)| Compared {
        key,
        label,
        now,
        before,
        up: now >= before,
        change: match (now, before) {
            (n, b) if n == b => "no change".into(),
            (_, 0) => "new".into(),
            (n, b) => format!("{:+.0} %", (n - b) as f64 / b as f64 * 100.0),
        },
    })
    .collect()
}

/// The networks' names as the page shows them.
fn network_name(key: &str) -> &'static str {
    match key {
        "email" => "Email",
        "x" => "X",
        "linkedin" => "LinkedIn",
        "facebook" => "Facebook",
        _ => "Link",
    }
}

/// Shares, clicks and referred sign-ups by network, this period and the one before.
fn network_chart(now: &ReportOut, before: &ReportOut) -> String {
    let groups: Vec<Group> = now
        .networks
        .iter()
        .zip(&before.networks)
        .map(|(n, b)| Group {
            key: n.network.to_owned(),
            label: network_name(n.network).to_owned(),
            values: vec![n.shares, n.clicks, n.registrations],
            previous: vec![b.shares, b.clicks, b.registrations],
        })
        .collect();
    bar_chart(
        "Shares, clicks and referred sign-ups by network",
        &[
            ("shares", "shares"),
            ("clicks", "clicks"),
            ("registrations", "referred sign-ups"),
        ],
        &groups,
    )
}

/// Each reward's occurrences by state, this period and the one before.
fn reward_chart(now: &ReportOut, before: &ReportOut) -> String {
    let groups: Vec<Group> = now
        .rewards
        .iter()
        .map(|r| {
            let counts = |c: &crate::views::RewardCountsOut| {
                vec![c.earned, c.held, c.given, c.cancelled, c.clawed_back]
            };
            let previous = before
                .rewards
                .iter()
                .find(|p| p.reward_id == r.reward_id)
                .map(|p| counts(&p.counts))
                .unwrap_or_else(|| vec![0; 5]);
            Group {
                key: r.reward_id.clone(),
                label: r.label.clone(),
                values: counts(&r.counts),
                previous,
            }
        })
        .collect();
    bar_chart(
        "Rewards by state",
        &[
            ("earned", "earned"),
            ("held", "held"),
            ("given", "given"),
            ("cancelled", "cancelled"),
            ("clawed_back", "clawed back"),
        ],
        &groups,
    )
}

/// Rewards given per bucket (all rewards), this period and the one before.
fn given_per_bucket(report: &ReportOut) -> Vec<i64> {
    (0..report.series.len())
        .map(|i| {
            (report.rewards.iter())
                .map(|r| r.series.get(i).map_or(0, |b| b.counts.given))
                .sum()
        })
        .collect()
}

/// One network's row of the table under the chart.
#[derive(Serialize)]
struct NetworkRow {
    key: &'static str,
    name: &'static str,
    shares: i64,
    clicks: i64,
    registrations: i64,
    previous: [i64; 3],
}

#[derive(Serialize)]
struct Preset {
    days: i64,
    href: String,
    current: bool,
}

pub async fn page(
    State(state): State<AppState>,
    operator: Operator,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let Ok(offer_id) = OfferId::parse(&id) else {
        return PageError::not_found("offer").into_response();
    };
    let w = match window(&q, state.clock.now()) {
        Ok(w) => w,
        Err(e) => return PageError(e).into_response(),
    };
    let report = match report_of(&state, &offer_id, w.from, w.to, w.interval).await {
        Ok(report) => report,
        Err(response) => return response,
    };
    let length = w.to - w.from;
    let previous = match report_of(&state, &offer_id, w.from - length, w.from, w.interval).await {
        Ok(report) => report,
        Err(response) => return response,
    };
    let offer_name = state
        .store
        .offer(&offer_id)
        .await
        .map(|o| o.editable().name.clone())
        .unwrap_or_default();
    let f = &report.funnel;
    let funnel = funnel_svg(
        "Funnel",
        &[
            ("Campaign visits", f.campaign_visits),
            ("Interactions", f.interactions),
            ("Shares", f.shares),
            ("Resulting clicks", f.resulting_clicks),
            ("Referred sign-ups", f.registrations),
        ],
    );
    let hourly = w.interval == "hour";
    let points: Vec<Point> = (report.series.iter().enumerate())
        .map(|(i, b)| Point {
            label: label(&b.start, hourly),
            at: b.start.clone(),
            value: b.counts.campaign_visits,
            previous: previous.series.get(i).map(|p| p.counts.campaign_visits),
        })
        .collect();
    let series = line_chart("Campaign visits over time", &points, hourly);
    let signups: Vec<Point> = (report.series.iter().enumerate())
        .map(|(i, b)| Point {
            label: label(&b.start, hourly),
            at: b.start.clone(),
            value: b.counts.registrations,
            previous: previous.series.get(i).map(|p| p.counts.registrations),
        })
        .collect();
    let signups = line_chart("Referred sign-ups over time", &signups, hourly);
    let comparison = compared(&report.funnel, &previous.funnel);
    let networks = network_chart(&report, &previous);
    let network_rows: Vec<NetworkRow> = (report.networks.iter().zip(&previous.networks))
        .map(|(n, b)| NetworkRow {
            key: n.network,
            name: network_name(n.network),
            shares: n.shares,
            clicks: n.clicks,
            registrations: n.registrations,
            previous: [b.shares, b.clicks, b.registrations],
        })
        .collect();
    let rewards_chart = (!report.rewards.is_empty()).then(|| reward_chart(&report, &previous));
    let (given_now, given_before) = (given_per_bucket(&report), given_per_bucket(&previous));
    let given: Vec<Point> = (report.series.iter().enumerate())
        .map(|(i, b)| Point {
            label: label(&b.start, hourly),
            at: b.start.clone(),
            value: given_now[i],
            previous: given_before.get(i).copied(),
        })
        .collect();
    let given =
        (!report.rewards.is_empty()).then(|| line_chart("Rewards given over time", &given, hourly));
    let presets: Vec<Preset> = [7, 30, 90]
        .into_iter()
        .map(|days| Preset {
            days,
            href: format!("/admin/offers/{id}/report?period={days}"),
            current: w.preset == Some(days),
        })
        .collect();
    let m = &report.share_metrics;
    // The last instant in the window names its last day (a window of
    // hours may end within the day it starts).
    let last_day = ts(w.to - 1);
    render(
        "report.html",
        context! {
            title => "Report",
            may => operator.rights(),
            operator => operator.0.email,
            csrf => operator.0.csrf_token,
            offer_id => id,
            offer_name,
            funnel,
            series,
            signups,
            comparison,
            networks,
            network_rows,
            rewards_chart,
            rewards => report.rewards,
            given,
            presets,
            custom => w.preset.is_none(),
            from_day => ts(w.from).chars().take(10).collect::<String>(),
            to_day => last_day.chars().take(10).collect::<String>(),
            from => report.from,
            to => report.to,
            from_label => label(&ts(w.from), hourly),
            to_label => label(&last_day, false),
            previous_from => label(&previous.from, false),
            previous_to => label(&ts(w.from - 1), false),
            interval => report.interval,
            audience => report.audience,
            share_rate => percent(m.share_rate),
            clickback_rate => percent(m.clickback_rate),
            social_lift => m.social_lift.map_or_else(|| "—".into(), |l| format!("{l:.2}")),
            top_referrers => report.top_referrers,
            query => csv_query(&report),
        },
    )
}

/// The series as CSV, for the page's download link (the API's query).
pub async fn csv(
    State(state): State<AppState>,
    _: Operator,
    Path(id): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Response {
    let Ok(id) = OfferId::parse(&id) else {
        return PageError::not_found("offer").into_response();
    };
    let report = match build(&state, id, q).await {
        Ok(report) => report,
        Err(e) => return PageError(e).into_response(),
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

/// The query string that reproduces this report's window (for the CSV link).
fn csv_query(report: &ReportOut) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("from", &report.from);
    query.append_pair("to", &report.to);
    query.append_pair("interval", report.interval);
    query.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_764_936_000_000; // 2025-12-05T12:00:00Z

    #[test]
    fn presets_end_today_and_custom_dates_include_both_days() {
        let w = window(&PageQuery::default(), NOW).unwrap();
        assert_eq!(
            (ts(w.from), ts(w.to)),
            ("2025-11-06T00:00:00Z".into(), "2025-12-06T00:00:00Z".into())
        );
        let seven = PageQuery {
            period: Some("7".into()),
            ..PageQuery::default()
        };
        let w = window(&seven, NOW).unwrap();
        assert_eq!(ts(w.from), "2025-11-29T00:00:00Z");
        let custom = PageQuery {
            from: Some("2025-11-01".into()),
            to: Some("2025-11-30".into()),
            ..PageQuery::default()
        };
        let w = window(&custom, NOW).unwrap();
        assert_eq!(
            (ts(w.from), ts(w.to)),
            ("2025-11-01T00:00:00Z".into(), "2025-12-01T00:00:00Z".into())
        );
        assert!(w.preset.is_none());
        let backwards = PageQuery {
            from: Some("2025-11-30".into()),
            to: Some("2025-11-01".into()),
            ..PageQuery::default()
        };
        assert!(window(&backwards, NOW).is_err());
    }
}
