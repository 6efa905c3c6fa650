//! An offer's headline figures (participants, clicks, referred sign-ups,
//! achieved, fulfilled, waiting for review, promo codes left), each with a
//! sparkline of its last 30 UTC days where it has one; shown on the offer
//! page and, without the sparklines, in the offers list.

use parrain_core::ids::OfferId;
use parrain_store::{DayFigures, OfferFigures};
use serde::Serialize;

use super::PageError;
use crate::AppState;

/// Days a sparkline covers, today included.
pub const DAYS: i64 = 30;
const DAY: i64 = 86_400_000;

#[derive(Debug, Serialize)]
pub struct Figure {
    pub key: &'static str,
    pub label: &'static str,
    pub value: i64,
    /// The sparkline's SVG, if the figure has one.
    pub spark: Option<String>,
    /// Its last 30 days in words ("12 in the last 30 days").
    pub recent: Option<String>,
}

/// The offer's figures, its promo codes left, and the pools below their
/// low-stock warning (SPEC §15).
pub async fn read(
    state: &AppState,
    id: &OfferId,
) -> Result<(OfferFigures, i64, Vec<String>), PageError> {
    let today = state.clock.now().div_euclid(DAY);
    let since = (today - DAYS + 1) * DAY;
    let figures = state.store.offer_figures(id, since).await?;
    let pools = state.store.promo_counts(id).await?;
    let left = pools.iter().map(|p| p.available).sum();
    let low = pools
        .into_iter()
        .filter(|p| p.is_low())
        .map(|p| p.pool)
        .collect();
    Ok((figures, left, low))
}

/// The figures, with sparklines ending `today` (days since the epoch).
pub fn figures(f: &OfferFigures, codes_left: i64, today: i64) -> Vec<Figure> {
    let series = |pick: fn(&DayFigures) -> i64| -> Vec<i64> {
        (today - DAYS + 1..=today)
            .map(|day| (f.days.iter().find(|d| d.day == day)).map_or(0, pick))
            .collect()
    };
    let with = |key, label, value, pick: fn(&DayFigures) -> i64| {
        let values = series(pick);
        let total: i64 = values.iter().sum();
        Figure {
            key,
            label,
            value,
            spark: Some(sparkline(label, &values, today)),
            recent: Some(format!("{total} in the last {DAYS} days")),
        }
    };
    let plain = |key, label, value| Figure {
        key,
        label,
        value,
        spark: None,
        recent: None,
    };
    vec![
        with("participants", "Participants", f.participants, |d| {
            d.participants
        }),
        with("clicks", "Clicks", f.clicks, |d| d.clicks),
        with(
            "referred_sign_ups",
            "Referred sign-ups",
            f.referred_sign_ups,
            |d| d.referred_sign_ups,
        ),
        with("achieved", "Achieved", f.achieved, |d| d.achieved),
        with("fulfilled", "Fulfilled", f.fulfilled, |d| d.fulfilled),
        plain("waiting_review", "Waiting for review", f.waiting_review),
        plain("codes_left", "Promo codes left", codes_left),
    ]
}

/// A small line of `values` (one a day, the last `today`), each day's
/// value in its own tooltip.
pub fn sparkline(label: &str, values: &[i64], today: i64) -> String {
    let (w, h) = (120.0_f64, 28.0_f64);
    let max = values.iter().copied().max().unwrap_or(0).max(1) as f64;
    let step = w / (values.len().max(2) - 1) as f64;
    let point = |i: usize, v: i64| (i as f64 * step, h - 2.0 - (v as f64 / max) * (h - 4.0));
    let line: Vec<String> = (values.iter().enumerate())
        .map(|(i, v)| {
            let (x, y) = point(i, *v);
            format!("{x:.1},{y:.1}")
        })
        .collect();
    let first = today - values.len() as i64 + 1;
    let dots: String = (values.iter().enumerate())
        .map(|(i, v)| {
            let (x, y) = point(i, *v);
            let date = day_name(first + i as i64);
            format!(
                r#"<circle cx="{x:.1}" cy="{y:.1}" r="3" class="spot"><title>{date}: {v}</title></circle>"#
            )
        })
        .collect();
    let total: i64 = values.iter().sum();
    format!(
        r#"<svg class="spark" viewBox="-3 -3 {vw} {vh}" width="{vw}" height="{vh}" role="img" aria-label="{label}, last {n} days: {total}"><polyline points="{points}" fill="none" /><g>{dots}</g></svg>"#,
        vw = w + 6.0,
        vh = h + 6.0,
        n = values.len(),
        points = line.join(" "),
    )
}

/// "5 Dec" for a day since the epoch.
fn day_name(day: i64) -> String {
    let format = time::macros::format_description!("[day padding:none] [month repr:short]");
    time::OffsetDateTime::from_unix_timestamp(day * 86_400)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sparkline_has_a_point_per_day_with_its_value() {
        let mut f = OfferFigures {
            participants: 4,
            ..OfferFigures::default()
        };
        f.days.push(DayFigures {
            day: 20_000,
            participants: 3,
            ..DayFigures::default()
        });
        let figures = figures(&f, 7, 20_000);
        let people = &figures[0];
        assert_eq!(people.value, 4);
        let svg = people.spark.as_deref().unwrap();
        assert_eq!(svg.matches("<circle").count(), 30);
        assert!(svg.contains("<title>4 Oct: 3</title>"), "{svg}");
        assert_eq!(people.recent.as_deref(), Some("3 in the last 30 days"));
        assert_eq!(figures[6].value, 7);
        assert!(figures[6].spark.is_none());
    }
}
