//! Charts for the operator's report page, drawn on the server as inline SVG:
//! no JavaScript, nothing fetched, the same picture in every browser and in
//! a saved page. Funnel steps are horizontal bars; a series is a line with
//! a dot per bucket.
//!
//! Every label is escaped, and the geometry never divides by zero (an empty
//! report draws zero-width bars and a flat line).

use std::fmt::Write as _;

/// The drawing's width in SVG units; the page scales it to its column.
const WIDTH: f64 = 640.0;
const BAR_HEIGHT: f64 = 28.0;
const GAP: f64 = 10.0;
const LABEL_WIDTH: f64 = 160.0;
const LINE_HEIGHT: f64 = 200.0;
const PAD: f64 = 24.0;

/// Escapes text for an SVG text node or attribute.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A horizontal bar per step (`class="bar"`), widths proportional to the
/// largest value, each labelled with its name and count.
pub fn funnel_svg(title: &str, steps: &[(&str, i64)]) -> String {
    let max = steps.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1) as f64;
    let height = steps.len() as f64 * (BAR_HEIGHT + GAP) + GAP;
    let room = WIDTH - LABEL_WIDTH - 60.0;
    let mut svg = format!(
        r#"<svg class="chart funnel" role="img" viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        escape(title)
    );
    for (i, (name, value)) in steps.iter().enumerate() {
        let y = GAP + i as f64 * (BAR_HEIGHT + GAP);
        let w = (*value).max(0) as f64 / max * room;
        let mid = y + BAR_HEIGHT / 2.0 + 5.0;
        let _ = write!(
            svg,
            r#"<text x="0" y="{mid}" class="label">{name}</text><rect class="bar" x="{LABEL_WIDTH}" y="{y}" width="{w:.1}" height="{BAR_HEIGHT}" rx="3"/><text x="{x:.1}" y="{mid}" class="value">{value}</text>"#,
            name = escape(name),
            x = LABEL_WIDTH + w + 6.0,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A line through one point per bucket (`class="point"` dots), scaled to
/// the largest value, with the first and last labels under it.
pub fn line_svg(title: &str, points: &[(String, i64)]) -> String {
    let max = points.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1) as f64;
    let span = (points.len().max(2) - 1) as f64;
    let height = LINE_HEIGHT + 2.0 * PAD;
    let at = |i: usize, v: i64| {
        let x = PAD + i as f64 / span * (WIDTH - 2.0 * PAD);
        let y = PAD + LINE_HEIGHT - v.max(0) as f64 / max * LINE_HEIGHT;
        (x, y)
    };
    let mut svg = format!(
        r#"<svg class="chart series" role="img" viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg"><title>{}</title><line class="axis" x1="{PAD}" y1="{base}" x2="{right}" y2="{base}"/>"#,
        escape(title),
        base = PAD + LINE_HEIGHT,
        right = WIDTH - PAD,
    );
    let path: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, (_, v))| {
            let (x, y) = at(i, *v);
            format!("{x:.1},{y:.1}")
        })
        .collect();
    let _ = write!(
        svg,
        r#"<polyline class="line" fill="none" points="{}"/>"#,
        path.join(" ")
    );
    for (i, (label, v)) in points.iter().enumerate() {
        let (x, y) = at(i, *v);
        let _ = write!(
            svg,
            r#"<circle class="point" cx="{x:.1}" cy="{y:.1}" r="3"><title>{}: {v}</title></circle>"#,
            escape(label)
        );
    }
    if let (Some((first, _)), Some((last, _))) = (points.first(), points.last()) {
        let _ = write!(
            svg,
            r#"<text x="{PAD}" y="{y}" class="label">{}</text><text x="{right}" y="{y}" class="label" text-anchor="end">{}</text>"#,
            escape(first),
            escape(last),
            y = height - 4.0,
            right = WIDTH - PAD,
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_funnel_has_one_bar_per_step_scaled_to_the_largest() {
        let svg = funnel_svg("Funnel", &[("Visits", 10), ("Shares", 5), ("<b>", 0)]);
        assert_eq!(svg.matches(r#"class="bar""#).count(), 3);
        assert!(svg.contains(r#"width="420.0""#), "{svg}");
        assert!(svg.contains(r#"width="210.0""#));
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"));
    }

    #[test]
    fn an_empty_funnel_and_series_draw_without_dividing_by_zero() {
        let svg = funnel_svg("Funnel", &[("Visits", 0)]);
        assert!(svg.contains(r#"width="0.0""#));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        let svg = line_svg("Visits", &[]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        let svg = line_svg("Visits", &[("10:00".into(), 0)]);
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn a_series_has_a_point_per_bucket_from_left_to_right() {
        let points: Vec<(String, i64)> = (0..4).map(|h| (format!("{h}:00"), h)).collect();
        let svg = line_svg("Visits", &points);
        assert_eq!(svg.matches(r#"class="point""#).count(), 4);
        assert!(
            svg.contains(r#"points="24.0,224.0 221.3,157.3 418.7,90.7 616.0,24.0""#),
            "{svg}"
        );
        assert!(svg.contains(">0:00</text>") && svg.contains(">3:00</text>"));
    }
}
