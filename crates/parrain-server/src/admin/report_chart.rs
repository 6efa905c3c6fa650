//! The report's time chart: a line per period (this one, and the previous
//! one dashed), a y axis with round values and gridlines, dates along the
//! x axis, and each point's value in its tooltip. Dates are written in UTC
//! with their instant in `data-at`, which the page's script rewrites in the
//! operator's time zone.

use std::fmt::Write;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 30.0;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The smallest round number (1, 2 or 5 × 10ⁿ) at or above `max / 4`,
/// times 4: the top of the y axis.
pub fn nice_top(max: i64) -> (i64, i64) {
    let max = max.max(1);
    let rough = (max as f64 / 4.0).max(1.0);
    let magnitude = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * magnitude);
    let step = step.ceil() as i64;
    (step * 4, step)
}

/// One bucket of the chart.
pub struct Point {
    /// The bucket's start, RFC 3339.
    pub at: String,
    /// The bucket's start as shown (UTC) before the script rewrites it.
    pub label: String,
    pub value: i64,
    /// The same bucket of the previous period, if compared.
    pub previous: Option<i64>,
}

/// The chart of `points`, titled `title`; `hourly` says how dates read.
pub fn line_chart(title: &str, points: &[Point], hourly: bool) -> String {
    let max = points
        .iter()
        .map(|p| p.value.max(p.previous.unwrap_or(0)))
        .max()
        .unwrap_or(0);
    let (top, step) = nice_top(max);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let span = (points.len().max(2) - 1) as f64;
    let x = |i: usize| LEFT + i as f64 / span * plot_w;
    let y = |v: i64| TOP + plot_h - v.max(0) as f64 / top as f64 * plot_h;
    let kind = if hourly { "hour" } else { "day" };
    let mut svg = format!(
        r#"<svg class="chart series" role="img" aria-label="{t}" viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = escape(title)
    );
    for k in 0..=4 {
        let value = step * k;
        let gy = y(value);
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{LEFT}" y1="{gy:.1}" x2="{x2}" y2="{gy:.1}"/><text class="tick y" x="{tx}" y="{ty:.1}" text-anchor="end">{value}</text>"#,
            x2 = WIDTH - RIGHT,
            tx = LEFT - 6.0,
            ty = gy + 4.0,
        );
    }
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{LEFT}" y1="{b}" x2="{r}" y2="{b}"/>"#,
        b = TOP + plot_h,
        r = WIDTH - RIGHT
    );
    // At most 7 dates along the bottom, the first and the last among them.
    let every = points.len().div_ceil(7).max(1);
    for (i, p) in points.iter().enumerate() {
        if i % every != 0 && i + 1 != points.len() {
            continue;
        }
        if i + 1 == points.len() && i % every != 0 && i % every < every / 2 {
            continue;
        }
        let anchor = if i == 0 {
            "start"
        } else if i + 1 == points.len() {
            "end"
        } else {
            "middle"
        };
        let _ = write!(
            svg,
            r#"<text class="tick x" x="{:.1}" y="{}" text-anchor="{anchor}" data-at="{}" data-kind="{kind}">{}</text>"#,
            x(i),
            HEIGHT - 8.0,
            escape(&p.at),
            escape(&p.label)
        );
    }
    let line = |values: Vec<i64>| -> String {
        (values.iter().enumerate())
            .map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    if points.iter().any(|p| p.previous.is_some()) {
        let previous = points.iter().map(|p| p.previous.unwrap_or(0)).collect();
        let _ = write!(
            svg,
            r#"<polyline class="line previous" fill="none" points="{}"/>"#,
            line(previous)
        );
    }
    let _ = write!(
        svg,
        r#"<polyline class="line" fill="none" points="{}"/>"#,
        line(points.iter().map(|p| p.value).collect())
    );
    for (i, p) in points.iter().enumerate() {
        let before = p
            .previous
            .map(|v| format!(" (previous period: {v})"))
            .unwrap_or_default();
        let _ = write!(
            svg,
            r#"<circle class="point" cx="{:.1}" cy="{:.1}" r="4" tabindex="-1" data-at="{}" data-kind="{kind}" data-value="{}"><title>{}: {}{before}</title></circle>"#,
            x(i),
            y(p.value),
            escape(&p.at),
            p.value,
            escape(&p.label),
            p.value,
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_y_axis_ends_on_a_round_value() {
        assert_eq!(nice_top(0), (4, 1));
        assert_eq!(nice_top(3), (4, 1));
        assert_eq!(nice_top(7), (8, 2));
        assert_eq!(nice_top(37), (40, 10));
        assert_eq!(nice_top(1234), (2000, 500));
    }

    #[test]
    fn the_chart_has_gridlines_values_and_a_tooltip_per_point() {
        let points: Vec<Point> = (0..10)
            .map(|i| Point {
                at: format!("2026-01-{:02}T00:00:00Z", i + 1),
                label: format!("{} Jan", i + 1),
                value: i,
                previous: Some(1),
            })
            .collect();
        let svg = line_chart("Visits", &points, false);
        assert_eq!(svg.matches(r#"class="grid""#).count(), 5);
        assert!(svg.contains(">20</text>"), "top of the axis: {svg}");
        assert_eq!(svg.matches(r#"class="point""#).count(), 10);
        assert!(svg.contains("<title>10 Jan: 9 (previous period: 1)</title>"));
        assert_eq!(svg.matches("line previous").count(), 1);
        assert!(svg.matches(r#"class="tick x""#).count() <= 7);
    }
}
